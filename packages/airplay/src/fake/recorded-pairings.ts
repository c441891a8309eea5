// The fake receiver's paired clients, listable and watched, so that a fake device can
// keep them across restarts. The pairing server's own store only answers look-ups.

import {
  AirPlayPairingServer,
  type AirPlayPairingServerOptions,
  type AirPlayPairingSession,
  PairingStore,
} from "../auth/server.js";
import type { ReceivedHeaders } from "../http/types.js";

/** A paired client as kept on disk: HAP by identifier, legacy by public key. */
export type FakeAirPlayPairing =
  | { readonly scheme: "hap"; readonly identifier: Uint8Array; readonly publicKey: Uint8Array }
  | { readonly scheme: "legacy"; readonly publicKey: Uint8Array; readonly user: string };

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** A PairingStore that also lists what it holds (as bounded as the store) and tells of changes. */
export class RecordedPairingStore extends PairingStore {
  readonly #limit: number;
  readonly #entries = new Map<string, FakeAirPlayPairing>();
  readonly #listeners = new Set<() => void>();

  constructor(limit = 32) {
    super(limit);
    this.#limit = limit;
  }

  override addHap(clientId: Uint8Array, publicKey: Uint8Array): void {
    super.addHap(clientId, publicKey);
    this.#record(`hap:${hex(clientId)}`, {
      scheme: "hap",
      identifier: clientId.slice(),
      publicKey: publicKey.slice(),
    });
  }

  override addLegacy(publicKey: Uint8Array, user: string): void {
    super.addLegacy(publicKey, user);
    this.#record(`legacy:${hex(publicKey)}`, {
      scheme: "legacy",
      publicKey: publicKey.slice(),
      user,
    });
  }

  /** Every pairing, oldest first. */
  get entries(): readonly FakeAirPlayPairing[] {
    return [...this.#entries.values()];
  }

  /** Adds a pairing kept from an earlier run. */
  restore(pairing: FakeAirPlayPairing): void {
    if (pairing.scheme === "hap") this.addHap(pairing.identifier, pairing.publicKey);
    else this.addLegacy(pairing.publicKey, pairing.user);
  }

  /** Calls `listener` after each new pairing; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(key: string, pairing: FakeAirPlayPairing): void {
    this.#entries.delete(key);
    this.#entries.set(key, pairing);
    // Per scheme the store keeps `limit`; twice that in all bounds the list as well.
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= 2 * this.#limit) break;
      this.#entries.delete(oldest);
    }
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The pairing server of the fake receiver, over a RecordedPairingStore. */
export class FakeAirPlayPairingServer extends AirPlayPairingServer {
  declare readonly pairings: RecordedPairingStore;
  readonly #default: AirPlayPairingSession;

  constructor(options: AirPlayPairingServerOptions) {
    super(options);
    this.pairings = new RecordedPairingStore(options.maxPairings);
    this.#default = this.session();
  }

  override handle(path: string, body: Uint8Array, headers: ReceivedHeaders = {}) {
    return this.#default.handle(path, body, headers);
  }
}
