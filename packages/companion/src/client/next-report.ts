// Calls waiting for the device's next report of something (pyatv's asyncio.Event that
// set_volume clears and waits on; a power state to come), each bounded by a timeout and the
// caller's signal, all failed at once when the connection ends.

import { ConnectionLostError, deadline, OperationTimeoutError } from "@atv/interface";

interface Waiter<T> {
  readonly accept: (value: T) => boolean;
  resolve(): void;
  reject(error: unknown): void;
}

export interface WaitOptions<T> {
  readonly signal?: AbortSignal | undefined;
  /** Which reports end the wait; any by default. */
  readonly accept?: (value: T) => boolean;
  /** Names what is awaited in the timeout's message; the constructor's `what` by default. */
  readonly what?: string;
}

/** A wait started before the request that causes it, so that an early report counts. */
export interface PendingReport {
  readonly promise: Promise<void>;
  /** Stops waiting (the request failed); the promise then never rejects unhandled. */
  cancel(): void;
}

export class NextReport<T = void> {
  readonly #waiters = new Set<Waiter<T>>();
  readonly #what: string;
  #closedWith: Error | undefined;

  /** `what` names the report in the timeout's message ("no <what> within …"). */
  constructor(what: string) {
    this.#what = what;
  }

  /** Waits for the next report() it accepts, at most `timeout` ms (OperationTimeoutError). */
  wait(timeout: number, options: WaitOptions<T> = {}): PendingReport {
    const { signal, accept = () => true, what = this.#what } = options;
    const bound = deadline(timeout, signal);
    let cleanup = (): void => bound.clear();
    const promise = new Promise<void>((resolve, reject) => {
      if (this.#closedWith !== undefined) {
        bound.clear();
        reject(this.#closedWith);
        return;
      }
      const waiter: Waiter<T> = {
        accept,
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = (): void =>
        waiter.reject(
          bound.timedOut
            ? new OperationTimeoutError(`no ${what} within ${timeout} ms`)
            : signal?.reason,
        );
      cleanup = () => {
        bound.signal.removeEventListener("abort", onAbort);
        bound.clear();
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      if (bound.signal.aborted) onAbort();
      else bound.signal.addEventListener("abort", onAbort, { once: true });
    });
    return {
      promise,
      cancel: () => {
        cleanup();
        promise.catch(() => {});
      },
    };
  }

  /** A report came: every call waiting for one like it resolves. */
  report(value: T): void {
    for (const waiter of [...this.#waiters]) if (waiter.accept(value)) waiter.resolve();
  }

  /** Fails every wait, now and later, with ConnectionLostError. Idempotent. */
  close(error?: Error): void {
    if (this.#closedWith !== undefined) return;
    this.#closedWith =
      error instanceof ConnectionLostError
        ? error
        : new ConnectionLostError("the connection to the device is closed", { cause: error });
    for (const waiter of [...this.#waiters]) waiter.reject(this.#closedWith);
  }
}
