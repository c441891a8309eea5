import type { Service } from "../service.js";
import type { AbortOptions } from "./common.js";

/**
 * Told about the connection to a device (pyatv's DeviceListener). Exactly one of
 * connectionLost() and connectionClosed() is told, once, when the device object is done.
 */
export interface DeviceListener {
  /**
   * The connection was lost unexpectedly and is gone for good: at once without
   * reconnection (as pyatv), or once reconnection gave up.
   */
  connectionLost(error: Error): void;
  /** The connection was closed on purpose. */
  connectionClosed(): void;
  /**
   * The connection was lost and reconnection will try again after `delayMs`; `attempt`
   * counts from 1 for each loss. `error` is why: the loss, then each failed attempt.
   */
  reconnecting?(attempt: number, delayMs: number, error: Error): void;
  /** Connected again after a loss, with the same listeners on every part. */
  reconnected?(): void;
}

/**
 * One pairing attempt with one service (pyatv's PairingHandler): `begin()`, then `pin()`
 * with the code the device shows (or have the device ask for the code we chose), then
 * `finish()`. On success the service carries the new credentials. Always `close()` it.
 */
export interface PairingHandler {
  /** The service being paired; it receives the credentials. */
  readonly service: Service;
  /** True when the device shows the PIN and the user types it here; false the other way round. */
  readonly deviceProvidesPin: boolean;
  /** True once pairing succeeded. */
  readonly hasPaired: boolean;
  begin(opts?: AbortOptions): Promise<void>;
  /** The PIN to use, as a number or as typed (leading zeros matter for some protocols). */
  pin(code: number | string): void;
  finish(opts?: AbortOptions): Promise<void>;
  /** Releases what pairing holds (sockets, a published service). */
  close(opts?: AbortOptions): Promise<void>;
}
