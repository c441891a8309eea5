import { NotSupportedError, Protocol, type ProtocolSession } from "@atv/interface";

/**
 * Which protocol answers a call that several can make, most capable first (pyatv's
 * DEFAULT_PRIORITIES).
 */
export const PROTOCOL_PRIORITY: readonly Protocol[] = [
  Protocol.MRP,
  Protocol.DMAP,
  Protocol.Companion,
  Protocol.AirPlay,
  Protocol.RAOP,
];

/**
 * Power goes to Companion first: it turns devices on and off better than MRP (pyatv's
 * FacadePower.OVERRIDE_PRIORITIES).
 */
export const POWER_PRIORITY: readonly Protocol[] = [
  Protocol.Companion,
  Protocol.MRP,
  Protocol.DMAP,
  Protocol.AirPlay,
  Protocol.RAOP,
];

type Part = Exclude<keyof ProtocolSession, "protocol" | "close" | "takesOver">;

/**
 * Finds, for each call, the highest-priority session whose `part` has `method`, as pyatv's
 * relayer does; a call no session can make rejects with NotSupportedError.
 */
export class Relayer {
  readonly #sessions: readonly ProtocolSession[];
  readonly #priority: readonly Protocol[];

  /** `sessions` is read at each call, so sessions added later take part. */
  constructor(sessions: readonly ProtocolSession[], priority = PROTOCOL_PRIORITY) {
    this.#sessions = sessions;
    this.#priority = priority;
  }

  /** The sessions, highest priority first. */
  byPriority(): ProtocolSession[] {
    return [...this.#sessions].sort(
      (a, b) => this.#priority.indexOf(a.protocol) - this.#priority.indexOf(b.protocol),
    );
  }

  /** For `part`: a session taking over remote control first, then by priority. */
  #candidates(part: Part): ProtocolSession[] {
    const sessions = this.byPriority();
    if (part !== "remoteControl") return sessions;
    const first = sessions.filter((session) => session.takesOver?.() === true);
    return first.length === 0
      ? sessions
      : [...first, ...sessions.filter((s) => !first.includes(s))];
  }

  /** The implementation of `part.method` to call, or undefined when no protocol has one. */
  find<P extends Part, M extends keyof NonNullable<ProtocolSession[P]>>(
    part: P,
    method: M,
  ): NonNullable<ProtocolSession[P]>[M] | undefined {
    for (const session of this.#candidates(part)) {
      const target = session[part] as NonNullable<ProtocolSession[P]> | undefined;
      const implementation = (target as Record<PropertyKey, unknown> | undefined)?.[method];
      if (typeof implementation === "function") {
        return implementation.bind(target) as NonNullable<ProtocolSession[P]>[M];
      }
    }
    return undefined;
  }

  /** Like find(), but rejects the call with NotSupportedError when no protocol has it. */
  relay<P extends Part, M extends keyof NonNullable<ProtocolSession[P]>>(
    part: P,
    method: M,
  ): NonNullable<ProtocolSession[P]>[M] {
    const implementation = this.find(part, method);
    if (implementation !== undefined) return implementation;
    const unsupported = () =>
      Promise.reject(
        new NotSupportedError(`${String(method)} is not supported by any connected protocol`),
      );
    return unsupported as NonNullable<ProtocolSession[P]>[M];
  }

  /**
   * The value of the property `member` of `part` from the highest-priority session whose
   * part has it; throws NotSupportedError when none has.
   */
  property<P extends Part, M extends keyof NonNullable<ProtocolSession[P]>>(
    part: P,
    member: M,
  ): NonNullable<ProtocolSession[P]>[M] {
    for (const session of this.byPriority()) {
      const target = session[part] as object | undefined;
      if (target !== undefined && member in target) {
        return (target as NonNullable<ProtocolSession[P]>)[member];
      }
    }
    throw new NotSupportedError(`${String(member)} is not supported by any connected protocol`);
  }

  /** `part` of the highest-priority session that has it (e.g. its push updater). */
  part<P extends Part>(part: P): NonNullable<ProtocolSession[P]> | undefined {
    for (const session of this.byPriority()) {
      const target = session[part];
      if (target !== undefined) return target as NonNullable<ProtocolSession[P]>;
    }
    return undefined;
  }
}
