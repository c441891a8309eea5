// A wait bounded by a timeout and by the caller's signal, as one signal.
//
// Not AbortSignal.any([signal, AbortSignal.timeout(ms)]): Node 20's any() holds its
// sources weakly, so a timeout signal nobody else references can be garbage-collected
// before it fires and the wait then never ends; and AbortSignal.timeout() keeps its timer
// until it fires even when the wait ended long before.

export interface Deadline {
  /** Aborts when the time is up (reason: a TimeoutError DOMException) or `signal` aborts. */
  readonly signal: AbortSignal;
  /** True once the time ran out (rather than the caller aborting). */
  readonly timedOut: boolean;
  /** Ends the wait's bookkeeping: the timer and the listener on the caller's signal. */
  clear(): void;
}

export function deadline(timeout: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => {
    clearTimeout(timer);
    controller.abort(signal?.reason);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    signal?.removeEventListener("abort", onAbort);
    controller.abort(new DOMException(`timed out after ${timeout} ms`, "TimeoutError"));
  }, timeout);
  // A pending wait must not keep a process alive on its own.
  timer.unref();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    clear() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
