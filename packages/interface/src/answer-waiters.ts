// Requests waiting for their answers, keyed by what the answer will carry (an MRP
// message identifier, a Companion XID, a frame type). Each wait is bounded by a timeout
// and the caller's signal; the oldest waiter of a key gets the answer first.

import { OperationTimeoutError } from "./errors.js";

interface Waiter<T> {
  resolve(answer: T): void;
  reject(error: unknown): void;
}

export interface AnswerWaitOptions {
  /** Milliseconds until OperationTimeoutError. */
  readonly timeout: number;
  readonly signal?: AbortSignal | undefined;
  /** Names the request in the timeout's message ("no answer to <what> within …"). */
  readonly what: string;
}

export class AnswerWaiters<K, T> {
  readonly #waiters = new Map<K, Waiter<T>[]>();

  /** How many requests wait. */
  get size(): number {
    let count = 0;
    for (const queue of this.#waiters.values()) count += queue.length;
    return count;
  }

  /**
   * Waits for the answer under `key`, after calling `send` (whose throw rejects the wait).
   * A plain timer, cleared on the answer: at tens of thousands of requests a second,
   * AbortSignal.timeout() would leave every timer pending until it fires.
   */
  wait(key: K, options: AnswerWaitOptions, send: () => void): Promise<T> {
    const { signal, timeout, what } = options;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new OperationTimeoutError(`no answer to ${what} within ${timeout} ms`));
      }, timeout);
      timer.unref();
      const onAbort = (): void => {
        done();
        reject(signal?.reason);
      };
      const waiter: Waiter<T> = {
        resolve: (answer) => {
          done();
          resolve(answer);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#remove(key, waiter);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const queue = this.#waiters.get(key);
      if (queue) queue.push(waiter);
      else this.#waiters.set(key, [waiter]);
      try {
        send();
      } catch (error) {
        waiter.reject(error);
      }
    });
  }

  /** Hands `answer` to the oldest waiter of `key`; false when nobody waits for it. */
  answer(key: K, answer: T): boolean {
    const waiter = this.#waiters.get(key)?.[0];
    if (waiter === undefined) return false;
    waiter.resolve(answer);
    return true;
  }

  /** Fails the oldest waiter of `key`; false when nobody waits for it. */
  fail(key: K, error: unknown): boolean {
    const waiter = this.#waiters.get(key)?.[0];
    if (waiter === undefined) return false;
    waiter.reject(error);
    return true;
  }

  /** Fails every waiter with the error `reason()` builds (only built when someone waits). */
  failAll(reason: () => unknown): void {
    const waiting = [...this.#waiters.values()].flat();
    this.#waiters.clear();
    if (waiting.length === 0) return;
    const error = reason();
    for (const waiter of waiting) waiter.reject(error);
  }

  #remove(key: K, waiter: Waiter<T>): void {
    const queue = this.#waiters.get(key);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.#waiters.delete(key);
  }
}
