import { deadline } from "@atv/interface";
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
export const MAX_TIMER_DELAY = 0x7fffffff;

export interface ScanWindow {
  /** Aborts when the scan is done, when the timeout passes, or when the caller aborts. */
  readonly signal: AbortSignal;
  /** True once the timeout passed (rather than the scan finishing or the caller aborting). */
  readonly timedOut: boolean;
  /** Ends the window early: the scan has everything it asked for. */
  finish(): void;
  /** Drops the window's timer and its listener on the caller's signal, once the scan is over. */
  clear(): void;
}

/**
 * The signal a scan runs under: `timeout` ms composed with the caller's signal, on
 * @atv/interface's deadline() (not AbortSignal.any() and AbortSignal.timeout(), for the
 * reasons it gives; and a cold scan then compiles none of their machinery). Throws
 * InvalidConfigError for a negative or non-finite timeout; fractions are rounded up.
 */
export function scanWindow(timeout: number, signal: AbortSignal | undefined): ScanWindow {
  const delay = Math.min(Math.ceil(checkTimeout(timeout)), MAX_TIMER_DELAY);
  // finish() and the caller's signal both end the window through `done`.
  const done = new AbortController();
  const onAbort = (): void => done.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const limit = deadline(delay, done.signal);
  return {
    signal: limit.signal,
    get timedOut() {
      return limit.timedOut;
    },
    finish: () => done.abort(),
    clear() {
      limit.clear();
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
