// The sessions a DMAP device hands out at /login (mlid) and checks on every ctrl-int
// request (session-id), forgetting those left unused too long.

import { randomInt } from "node:crypto";

export interface DmapSession {
  readonly id: number;
  /** When the session was last used (the clock's milliseconds). */
  lastUsed: number;
  /** The point of the swipe a remote began on this session (touchDown), if any. */
  touchStart: { readonly x: number; readonly y: number } | undefined;
}

export class FakeDmapSessions {
  readonly #sessions = new Map<number, DmapSession>();
  readonly #timeout: number;
  readonly #max: number;
  readonly #now: () => number;

  /**
   * `timeout`: milliseconds a session lives unused (dmap.timeoutinterval in server-info);
   * `max`: most sessions at once, the least recently used is dropped for a new one.
   */
  constructor(timeout: number, max: number, now: () => number) {
    this.#timeout = timeout;
    this.#max = max;
    this.#now = now;
  }

  /** A new session; ids are random, non-zero 32-bit numbers as mlid holds them. */
  open(): DmapSession {
    let id = randomInt(1, 0xffff_ffff);
    while (this.#sessions.has(id)) id = randomInt(1, 0xffff_ffff);
    const session: DmapSession = { id, lastUsed: this.#now(), touchStart: undefined };
    this.#sessions.set(id, session);
    while (this.#sessions.size > this.#max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    return session;
  }

  /**
   * The live session a request's session-id names, marked used; undefined for a missing,
   * malformed, unknown or expired id (which is then forgotten).
   */
  use(sessionId: string | null): DmapSession | undefined {
    if (sessionId === null || !/^\d{1,10}$/.test(sessionId)) return undefined;
    const id = Number(sessionId);
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.lastUsed > this.#timeout) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastUsed = now;
    // Most recently used last, so the oldest is first to go when full.
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session;
  }

  /** Marks a session used without checking it (a long poll answered). */
  touch(session: DmapSession): void {
    session.lastUsed = this.#now();
  }

  close(id: number): boolean {
    return this.#sessions.delete(id);
  }

  /** Forgets every session: clients must log in again (pyatv's force_relogin). */
  clear(): void {
    this.#sessions.clear();
  }

  get size(): number {
    return this.#sessions.size;
  }
}
