import type { AbortOptions, AppleTV, PairingHandler, Service, Storage } from "@atv/interface";
import { settingsKey } from "./apply.js";

/**
 * A pairing handler that, once pairing succeeded, puts the new credentials in the
 * device's stored settings (as pyatv's pairing handlers do with core.settings) and saves
 * the storage, so the next connect() finds them.
 */
export class StoringPairingHandler implements PairingHandler {
  readonly #inner: PairingHandler;
  readonly #config: AppleTV;
  readonly #storage: Storage;

  constructor(inner: PairingHandler, config: AppleTV, storage: Storage) {
    this.#inner = inner;
    this.#config = config;
    this.#storage = storage;
  }

  get service(): Service {
    return this.#inner.service;
  }

  get deviceProvidesPin(): boolean {
    return this.#inner.deviceProvidesPin;
  }

  get hasPaired(): boolean {
    return this.#inner.hasPaired;
  }

  begin(opts?: AbortOptions): Promise<void> {
    return this.#inner.begin(opts);
  }

  pin(code: number | string): void {
    this.#inner.pin(code);
  }

  async finish(opts?: AbortOptions): Promise<void> {
    await this.#inner.finish(opts);
    const credentials = this.service.credentials;
    if (!this.hasPaired || credentials === undefined) return;
    const settings = await this.#storage.getSettings(this.#config, opts);
    settings.protocols[settingsKey(this.service.protocol)].credentials = credentials;
    await this.#storage.save(opts);
  }

  close(opts?: AbortOptions): Promise<void> {
    return this.#inner.close(opts);
  }
}
