import { checkTimeout } from "./validate.js";

/** Resolves when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

/**
 * The longest wait Node's timers keep: a longer one fires after 1 ms instead (with a
 * TimeoutOverflowWarning), so longer timeouts are cut to this (about 24.8 days).
 */
const MAX_TIMER_DELAY = 0x7fffffff;

export interface ScanWindow {
  /** Aborts when the scan is done, when the timeout passes, or when the caller aborts. */
  readonly signal: AbortSignal;
  /**
   * The timeout signal itself. Node 20's AbortSignal.any() holds its sources weakly, so
   * an AbortSignal.timeout() nobody else references can be garbage-collected before it
   * fires and the combined signal then never aborts. Whoever keeps the window keeps this.
   */
  readonly deadline: AbortSignal;
  /** Ends the window early: the scan has everything it asked for. */
  finish(): void;
}

/**
 * The signal a scan runs under: `timeout` ms composed with the caller's signal. Throws
 * InvalidConfigError for a negative or non-finite timeout; AbortSignal.timeout() wants a
 * whole number of ms, so fractions are rounded up.
 */
export function scanWindow(timeout: number, signal: AbortSignal | undefined): ScanWindow {
  const delay = Math.min(Math.ceil(checkTimeout(timeout)), MAX_TIMER_DELAY);
  const done = new AbortController();
  const deadline = AbortSignal.timeout(delay);
  const signals = [done.signal, deadline];
  if (signal) signals.push(signal);
  return { signal: AbortSignal.any(signals), deadline, finish: () => done.abort() };
}
