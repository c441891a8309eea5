// Calls waiting for the device's next report of something (pyatv's asyncio.Event that
// set_volume clears and waits on), each bounded by a timeout and the caller's signal, all
// failed at once when the connection ends.

import { ConnectionLostError, deadline, OperationTimeoutError } from "@atv/interface";

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** A wait started before the request that causes it, so that an early report counts. */
export interface PendingReport {
  readonly promise: Promise<void>;
  /** Stops waiting (the request failed); the promise then never rejects unhandled. */
  cancel(): void;
}

export class NextReport {
  readonly #waiters = new Set<Waiter>();
  readonly #what: string;
  #closedWith: Error | undefined;

  /** `what` names the report in the timeout's message ("no <what> within …"). */
  constructor(what: string) {
    this.#what = what;
  }

  /** Waits for the next report(), at most `timeout` ms (OperationTimeoutError). */
  wait(timeout: number, signal?: AbortSignal): PendingReport {
    const bound = deadline(timeout, signal);
    let cleanup = (): void => bound.clear();
    const promise = new Promise<void>((resolve, reject) => {
      if (this.#closedWith !== undefined) {
        bound.clear();
        reject(this.#closedWith);
        return;
      }
      const waiter: Waiter = {
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
            ? new OperationTimeoutError(`no ${this.#what} within ${timeout} ms`)
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

  /** The report came: every call waiting for it resolves. */
  report(): void {
    for (const waiter of [...this.#waiters]) waiter.resolve();
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
