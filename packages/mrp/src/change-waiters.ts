// Waits for the device to report a change (a volume it confirms, new output devices, a
// power state): MRP answers none of these requests, so the only acknowledgement is the
// update the device pushes afterwards.

import {
  type AbortOptions,
  ConnectionLostError,
  deadline,
  OperationTimeoutError,
} from "@atv/interface";

export interface ChangeWaitOptions extends AbortOptions {
  /** Longest wait in milliseconds; without it, only the signal or close() ends the wait. */
  timeout?: number;
  /** What is awaited, for the timeout's message ("a volume change"). */
  what: string;
}

/** A wait in progress; cancel() drops it without settling anything the caller awaits. */
export interface PendingChange<T> {
  readonly promise: Promise<T>;
  cancel(): void;
}

interface Entry<T> {
  accept(value: T): boolean;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export class ChangeWaiters<T> {
  readonly #entries = new Set<Entry<T>>();
  #closed = false;
  #closeCause: Error | undefined;
  #closedWith: Error | undefined;

  /**
   * Starts waiting for the first value told to notify() that `accept` takes. Rejects with
   * OperationTimeoutError after `timeout`, with the signal's reason on abort, and with
   * the close() error once closed. Register before sending the request: the update may
   * arrive before the request's own round trip completes.
   */
  wait(accept: (value: T) => boolean, options: ChangeWaitOptions): PendingChange<T> {
    const { signal, timeout, what } = options;
    let entry: Entry<T> | undefined;
    let cleanup = (): void => {};
    const promise = new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (this.#closed) {
        reject(this.#closedError());
        return;
      }
      const bound = timeout === undefined ? undefined : deadline(timeout, signal);
      const stop = bound?.signal ?? signal;
      const onAbort = (): void => {
        cleanup();
        reject(
          bound?.timedOut
            ? new OperationTimeoutError(`no ${what} within ${timeout} ms`)
            : signal?.reason,
        );
      };
      cleanup = () => {
        stop?.removeEventListener("abort", onAbort);
        bound?.clear();
        if (entry) this.#entries.delete(entry);
      };
      entry = {
        accept,
        resolve: (value) => {
          cleanup();
          resolve(value);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      this.#entries.add(entry);
      stop?.addEventListener("abort", onAbort, { once: true });
    });
    return {
      promise,
      cancel: () => {
        cleanup();
        // Nobody awaits a cancelled wait: keep its end from being an unhandled rejection.
        promise.catch(() => {});
      },
    };
  }

  /** Settles every wait that accepts `value`. */
  notify(value: T): void {
    for (const entry of [...this.#entries]) {
      if (entry.accept(value)) entry.resolve(value);
    }
  }

  /** Rejects every wait, and every later one, with ConnectionLostError. Idempotent. */
  close(cause?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeCause = cause;
    for (const entry of [...this.#entries]) entry.reject(this.#closedError());
  }

  /** Made when first needed: most connections close with nobody waiting. */
  #closedError(): Error {
    const cause = this.#closeCause;
    this.#closedWith ??=
      cause instanceof ConnectionLostError
        ? cause
        : new ConnectionLostError("the connection to the device is closed", { cause });
    return this.#closedWith;
  }
}
