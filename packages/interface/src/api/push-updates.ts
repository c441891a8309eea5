import type { AbortOptions, StateProducer } from "./common.js";
import type { Playing } from "./metadata.js";

/** Receives push updates (pyatv's PushListener). */
export interface PushListener {
  /** What is playing changed. */
  playstatusUpdate(updater: PushUpdater, playstatus: Playing): void;
  /** Updates stopped because of `error`; call `start()` again to resume. */
  playstatusError(updater: PushUpdater, error: Error): void;
}

/**
 * Updates of what is playing, pushed by the device (pyatv's PushUpdater). An update is
 * published only when something actually changed.
 */
export interface PushUpdater extends StateProducer<PushListener> {
  /** True between `start()` and `stop()` (or an error). */
  readonly active: boolean;
  /**
   * Starts forwarding updates to the listener, the first after `initialDelay`
   * milliseconds (0 by default). After an error, call it again.
   */
  start(initialDelay?: number): void;
  stop(): void;
  /**
   * The same updates as an async iterator. It starts updates if needed, ends when
   * `signal` aborts or `stop()` is called, and throws the error that stopped updates.
   */
  updates(opts?: AbortOptions): AsyncIterable<Playing>;
}
