// Push updates by long polling, as pyatv's DmapPushUpdater: playstatusupdate with the
// revision the device last gave (0 first, for an immediate answer) returns once something
// changed. A failed poll is reported and polling goes on from revision 0 after a pause; a
// lost connection ends updates. Only changes reach the listener and the iterators.

import { setTimeout as sleep } from "node:timers/promises";
import {
  type AbortOptions,
  BlockedStateError,
  ConnectionFailedError,
  ConnectionLostError,
  type Logger,
  NoAsyncListenerError,
  type Playing,
  PlayingSubscriber,
  type PushListener,
  type PushUpdater,
  playingEquals,
  silentLogger,
} from "@atv/interface";
import type { DmapCommands } from "./commands.js";

export interface DmapPushUpdaterOptions {
  logger?: Logger;
  /** Pause after a failed poll, in milliseconds, doubled up to 32 times that; 1000 by default. */
  retryDelay?: number;
  /** Told once when polling finds the connection gone. */
  onConnectionLost?: (error: Error) => void;
}

const DEFAULT_RETRY_DELAY = 1000;
const MAX_BACKOFF_FACTOR = 32;

export class DmapPushUpdater implements PushUpdater {
  listener: PushListener | undefined;
  readonly #commands: DmapCommands;
  readonly #logger: Logger;
  readonly #retryDelay: number;
  readonly #onConnectionLost: ((error: Error) => void) | undefined;
  readonly #subscribers = new Set<PlayingSubscriber>();
  #active = false;
  #lastPosted: Playing | undefined;
  #poll: AbortController | undefined;
  #finished: Error | null | undefined;

  constructor(commands: DmapCommands, options: DmapPushUpdaterOptions = {}) {
    this.#commands = commands;
    this.#logger = options.logger ?? silentLogger;
    this.#retryDelay = options.retryDelay ?? DEFAULT_RETRY_DELAY;
    this.#onConnectionLost = options.onConnectionLost;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Starts polling; the listener hears the current state first, after `initialDelay` ms. */
  start(initialDelay = 0): void {
    if (this.listener == null) {
      throw new NoAsyncListenerError("set a listener before starting push updates");
    }
    if (this.#active || this.#finished !== undefined) return;
    this.#active = true;
    this.#lastPosted = undefined;
    // Begin again from revision 0 so that the first answer comes at once (pyatv).
    this.#stopPolling();
    this.#startPolling(initialDelay);
  }

  /** Stops updates to the listener and ends every iterator. */
  stop(): void {
    this.#active = false;
    for (const subscriber of this.#subscribers) {
      subscriber.queue.length = 0;
      subscriber.end();
    }
    this.#subscribers.clear();
    this.#stopPolling();
  }

  /** The same updates as an async iterator: the current state first, then every change. */
  updates(opts: AbortOptions = {}): AsyncIterable<Playing> {
    return { [Symbol.asyncIterator]: () => this.#iterate(opts.signal) };
  }

  /**
   * The session ended: polling stops for good, iterators end (throwing `error` if the
   * connection was lost) and the listener hears `error`.
   */
  finish(error?: Error): void {
    if (this.#finished !== undefined) return;
    this.#finished = error ?? null;
    const wasActive = this.#active;
    this.#active = false;
    for (const subscriber of this.#subscribers) subscriber.end(error);
    this.#subscribers.clear();
    this.#stopPolling();
    if (wasActive && error !== undefined) this.#tellError(error);
  }

  async *#iterate(signal: AbortSignal | undefined): AsyncGenerator<Playing> {
    signal?.throwIfAborted();
    if (this.#finished) throw this.#finished;
    if (this.#finished === null) return;
    const subscriber = new PlayingSubscriber();
    const onAbort = () => subscriber.end();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#subscribers.add(subscriber);
    if (this.#poll === undefined) {
      this.#startPolling(0);
    } else if (this.#commands.latestPlaying !== undefined) {
      subscriber.offer(this.#commands.latestPlaying);
    }
    try {
      yield* subscriber.take();
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#subscribers.delete(subscriber);
      if (!this.#active && this.#subscribers.size === 0) this.#stopPolling();
    }
  }

  #startPolling(initialDelay: number): void {
    const controller = new AbortController();
    this.#poll = controller;
    this.#commands.resetRevision();
    void this.#run(controller.signal, initialDelay);
  }

  #stopPolling(): void {
    this.#poll?.abort();
    this.#poll = undefined;
  }

  async #run(signal: AbortSignal, initialDelay: number): Promise<void> {
    let failures = 0;
    // Asynchronous even without a delay, so nobody hears from inside start().
    if (!(await pause(initialDelay, signal))) return;
    while (!signal.aborted) {
      try {
        const playing = await this.#commands.playstatus({ useRevision: true, timeout: 0, signal });
        if (signal.aborted) return;
        failures = 0;
        this.#publish(playing);
      } catch (caught) {
        if (signal.aborted) return;
        const error = caught instanceof Error ? caught : new Error(String(caught));
        if (isConnectionError(error)) {
          this.#logger.debug("dmap: connection lost while polling: %o", error);
          this.finish(error);
          this.#onConnectionLost?.(error);
          return;
        }
        this.#logger.debug("dmap: playstatus error: %o", error);
        this.#commands.resetRevision();
        if (this.#active) this.#tellError(error);
        const factor = Math.min(2 ** failures, MAX_BACKOFF_FACTOR);
        failures++;
        if (!(await pause(this.#retryDelay * factor, signal))) return;
      }
    }
  }

  #publish(playing: Playing): void {
    for (const subscriber of this.#subscribers) subscriber.offer(playing);
    if (!this.#active) return;
    if (this.#lastPosted !== undefined && playingEquals(this.#lastPosted, playing)) return;
    this.#lastPosted = playing;
    this.#tell((listener) => listener.playstatusUpdate(this, playing));
  }

  #tellError(error: Error): void {
    this.#tell((listener) => listener.playstatusError(this, error));
  }

  // What a listener throws is its own bug: logged, and it cannot stop the polling.
  #tell(call: (listener: PushListener) => void): void {
    if (this.listener == null) return;
    try {
      call(this.listener);
    } catch (error) {
      this.#logger.debug("dmap: push listener failed: %o", error);
    }
  }
}

function isConnectionError(error: Error): boolean {
  return (
    error instanceof ConnectionLostError ||
    error instanceof ConnectionFailedError ||
    error instanceof BlockedStateError
  );
}

/** Waits `ms` (at least one turn of the event loop); false when `signal` aborted. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
