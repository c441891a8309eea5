/** Resolves when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

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

/** The signal a scan runs under: `timeout` ms composed with the caller's signal. */
export function scanWindow(timeout: number, signal: AbortSignal | undefined): ScanWindow {
  const done = new AbortController();
  const deadline = AbortSignal.timeout(timeout);
  const signals = [done.signal, deadline];
  if (signal) signals.push(signal);
  return { signal: AbortSignal.any(signals), deadline, finish: () => done.abort() };
}
