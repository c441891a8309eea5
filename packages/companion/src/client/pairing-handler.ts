// Pairing with a Companion device: the device shows a PIN, the user types it here
// (after pyatv's protocols/companion/pairing.py, MIT).

import {
  type AbortOptions,
  AtvError,
  DEFAULT_INFO_SETTINGS,
  type Logger,
  PairingError,
  type PairingHandler,
  type Service,
} from "@atv/interface";
import { CompanionPairSetup } from "./auth.js";
import type { CompanionConnection } from "./connection.js";
import { CompanionProtocol, type RequestOptions } from "./protocol.js";

export interface CompanionPairingOptions extends AbortOptions {
  /** The Companion service being paired; it receives the credentials. */
  service: Service;
  /** Opens a connection to the device (e.g. `CompanionConnection.connect(host, port, …)`). */
  connect: (opts: AbortOptions) => Promise<CompanionConnection>;
  /** The name the device lists this remote under; pyatv's "pyatv" by default. */
  name?: string;
  /** Longest wait for each answer, in milliseconds. */
  timeout?: number;
  logger?: Logger;
}

/**
 * One pairing attempt: `begin()` connects and asks the device to show a PIN, `pin()` takes
 * it, `finish()` completes pair-setup and stores pyatv's credential string on the service.
 * A wrong PIN is a PairingError saying so; other failures are typed errors or PairingError.
 */
export class CompanionPairingHandler implements PairingHandler {
  readonly service: Service;
  readonly deviceProvidesPin = true;
  readonly #options: CompanionPairingOptions;
  #protocol: CompanionProtocol | undefined;
  #setup: CompanionPairSetup | undefined;
  #pin: string | undefined;
  #hasPaired = false;

  constructor(options: CompanionPairingOptions) {
    this.service = options.service;
    this.#options = options;
  }

  get hasPaired(): boolean {
    return this.#hasPaired;
  }

  async begin(opts: AbortOptions = {}): Promise<void> {
    const request = this.#request(opts);
    await this.close();
    this.#hasPaired = false;
    await wrap(async () => {
      const connection = await this.#options.connect(
        request.signal === undefined ? {} : { signal: request.signal },
      );
      const protocol = new CompanionProtocol(
        connection,
        this.#options.logger ? { logger: this.#options.logger } : {},
      );
      this.#protocol = protocol;
      const setup = new CompanionPairSetup(protocol, {
        name: this.#options.name ?? DEFAULT_INFO_SETTINGS.name,
      });
      await setup.start(request);
      this.#setup = setup;
    });
  }

  /** The PIN the device shows; zero-padded to four digits, as pyatv does. */
  pin(code: number | string): void {
    this.#pin = String(code).padStart(4, "0");
  }

  async finish(opts: AbortOptions = {}): Promise<void> {
    const setup = this.#setup;
    if (setup === undefined) throw new PairingError("pairing has not begun (call begin() first)");
    const pin = this.#pin;
    if (pin === undefined) throw new PairingError("no PIN given (call pin() first)");
    const request = this.#request(opts);
    await wrap(async () => {
      this.#setup = undefined;
      const credentials = await setup.finish(pin, request);
      this.service.credentials = credentials.toString();
      this.#hasPaired = true;
    });
  }

  async close(_opts: AbortOptions = {}): Promise<void> {
    this.#protocol?.close();
    this.#protocol = undefined;
    this.#setup = undefined;
  }

  #request(opts: AbortOptions): RequestOptions {
    const signal = opts.signal ?? this.#options.signal;
    const request: RequestOptions = {};
    if (signal !== undefined) request.signal = signal;
    if (this.#options.timeout !== undefined) request.timeout = this.#options.timeout;
    return request;
  }
}

/** Typed errors pass (a wrong PIN is already a PairingError); anything else becomes one. */
async function wrap(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (
      error instanceof AtvError ||
      (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError"))
    ) {
      throw error;
    }
    throw new PairingError(`pairing failed: ${String(error)}`, { cause: error });
  }
}
