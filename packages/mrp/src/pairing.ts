// Pairing with an MRP device: the device shows a PIN, the user types it here
// (pyatv's protocols/mrp/pairing.py).

import { PairSetupClient } from "@atv/hap";
import {
  type AbortOptions,
  AtvError,
  type Logger,
  PairingError,
  type PairingHandler,
  type Service,
} from "@atv/interface";
import { cryptoExchange, verifyCredentials } from "./auth.js";
import { MrpConnection } from "./connection.js";
import { MrpProtocol, type RequestOptions } from "./protocol.js";
import { uniqueIdentifier } from "./unique-identifier.js";

export interface MrpPairingOptions extends AbortOptions {
  /** The device's address. */
  address: string;
  /** The MRP service being paired; its port is used and it receives the credentials. */
  service: Service;
  /** The name the device lists this remote under. */
  name?: string;
  /** Longest wait for the connection and for each answer, in milliseconds. */
  timeout?: number;
  logger?: Logger;
}

/**
 * One pairing attempt: `begin()` connects and asks the device to show a PIN, `pin()`
 * takes it, `finish()` completes pair-setup, checks the new credentials with a pair-verify
 * (as pyatv does) and stores them on the service. A wrong PIN is a PairingError saying so.
 */
export class MrpPairingHandler implements PairingHandler {
  readonly service: Service;
  readonly deviceProvidesPin = true;
  readonly #options: MrpPairingOptions;
  readonly #clientId = uniqueIdentifier();
  #setup: PairSetupClient | undefined;
  #protocol: MrpProtocol | undefined;
  #pin: string | undefined;
  #hasPaired = false;

  constructor(options: MrpPairingOptions) {
    this.service = options.service;
    this.#options = options;
  }

  get hasPaired(): boolean {
    return this.#hasPaired;
  }

  async begin(opts: AbortOptions = {}): Promise<void> {
    const request = this.#request(opts);
    await this.close();
    const connection = await MrpConnection.connect(this.#options.address, this.service.port, {
      ...request,
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
    });
    const protocol = new MrpProtocol(connection, {
      clientId: this.#clientId,
      ...(this.#options.name ? { name: this.#options.name } : {}),
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
    });
    this.#protocol = protocol;
    this.#hasPaired = false;
    await wrap(async () => {
      await protocol.exchangeDeviceInfo(request);
      const setup = new PairSetupClient({ clientId: this.#clientId });
      setup.receiveM2(await cryptoExchange(protocol, setup.m1(), { ...request, isPairing: true }));
      this.#setup = setup;
    });
  }

  /** The PIN the device shows; zero-padded to four digits, as pyatv does. */
  pin(code: number | string): void {
    this.#pin = String(code).padStart(4, "0");
  }

  async finish(opts: AbortOptions = {}): Promise<void> {
    const setup = this.#setup;
    const protocol = this.#protocol;
    if (setup === undefined || protocol === undefined) {
      throw new PairingError("pairing has not begun (call begin() first)");
    }
    const pin = this.#pin;
    if (pin === undefined) throw new PairingError("no PIN given (call pin() first)");
    const request = this.#request(opts);
    await wrap(async () => {
      this.#setup = undefined;
      const m4 = await cryptoExchange(protocol, setup.m3(pin), request);
      const m6 = await cryptoExchange(protocol, setup.m5(m4), request);
      const credentials = setup.finish(m6);
      await verifyCredentials(protocol, credentials, request);
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
    if (error instanceof AtvError || (error instanceof Error && error.name === "AbortError")) {
      throw error;
    }
    throw new PairingError(`pairing failed: ${String(error)}`, { cause: error });
  }
}
