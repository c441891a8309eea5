import { ConnectionLostError, deadline } from "@atv/interface";

/** How a gap between connections ended, unless reconnection gave up (a rejection). */
export type GapOutcome = "reconnected" | "closed";

/**
 * The time between a lost connection and the next one: what calls and push-update
 * iterators made meanwhile wait on. Settles once: reconnected, closed, or given up.
 */
export class ReconnectGate {
  /** Why the gap began. */
  readonly lossError: Error;
  readonly #settled: Promise<GapOutcome>;
  #resolve!: (outcome: GapOutcome) => void;
  #reject!: (error: Error) => void;
  #done = false;
  #failure: Error | undefined;

  constructor(lossError: Error) {
    this.lossError = lossError;
    this.#settled = new Promise<GapOutcome>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may be waiting when reconnection gives up.
    this.#settled.catch(() => {});
  }

  get done(): boolean {
    return this.#done;
  }

  reconnected(): void {
    this.#settle(() => this.#resolve("reconnected"));
  }

  closed(): void {
    this.#settle(() => this.#resolve("closed"));
  }

  gaveUp(error: Error): void {
    this.#settle(() => {
      this.#failure = error;
      this.#reject(error);
    });
  }

  #settle(how: () => void): void {
    if (this.#done) return;
    this.#done = true;
    how();
  }

  /**
   * Waits for the gap to end, at most `timeout` ms (then ConnectionLostError) and until
   * `signal` aborts (then its reason); rejects with the give-up error if it comes first.
   */
  async wait(timeout: number | undefined, signal?: AbortSignal): Promise<GapOutcome> {
    signal?.throwIfAborted();
    if (timeout === 0 && !this.#done) throw this.#notConnected();
    const bound = timeout === undefined ? undefined : deadline(timeout, signal);
    const stop = bound?.signal ?? signal;
    try {
      return await new Promise<GapOutcome>((resolve, reject) => {
        const onAbort = () => reject(bound?.timedOut ? this.#notConnected(timeout) : stop?.reason);
        stop?.addEventListener("abort", onAbort, { once: true });
        this.#settled
          .then(resolve, reject)
          .finally(() => stop?.removeEventListener("abort", onAbort));
      });
    } finally {
      bound?.clear();
    }
  }

  /**
   * For a call made in the gap: waits within the call's own `timeout` and `signal` (read
   * from its options, its last argument), else `callTimeout`. Rejects with
   * ConnectionLostError when the device was closed meanwhile.
   */
  async waitForCall(args: readonly unknown[], callTimeout: number): Promise<void> {
    const { timeout, signal } = callOptions(args);
    const outcome = await this.wait(timeout ?? callTimeout, signal);
    if (outcome === "closed") {
      throw new ConnectionLostError("the device was closed while reconnecting", {
        cause: this.lossError,
      });
    }
  }

  /** The error of a read that cannot wait for the connection. */
  notConnected(): ConnectionLostError {
    return this.#notConnected();
  }

  #notConnected(waited?: number): ConnectionLostError {
    if (this.#failure !== undefined) {
      return new ConnectionLostError("not connected: reconnecting gave up", {
        cause: this.#failure,
      });
    }
    const message =
      waited === undefined
        ? "not connected: reconnecting to the device"
        : `not connected: still reconnecting after ${waited} ms`;
    return new ConnectionLostError(message, { cause: this.lossError });
  }
}

/**
 * `timeout` and `signal` of a call's options: by this library's convention the options
 * object, if any, is the last argument.
 */
export function callOptions(args: readonly unknown[]): {
  timeout: number | undefined;
  signal: AbortSignal | undefined;
} {
  const last = args.at(-1);
  if (typeof last !== "object" || last === null) return { timeout: undefined, signal: undefined };
  const prototype = Object.getPrototypeOf(last);
  if (prototype !== Object.prototype && prototype !== null) {
    return { timeout: undefined, signal: undefined };
  }
  const { timeout, signal } = last as { timeout?: unknown; signal?: unknown };
  return {
    timeout: typeof timeout === "number" ? timeout : undefined,
    signal: signal instanceof AbortSignal ? signal : undefined,
  };
}
