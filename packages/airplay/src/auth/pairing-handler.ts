// Pairing with an AirPlay (or RAOP) service: the device shows a PIN, the user types it
// here (pyatv's protocols/airplay/pairing.py). AirPlay 2 receivers pair with HAP, older
// ones with the legacy SRP scheme.

import {
  type AbortOptions,
  AirPlayVersion,
  AtvError,
  DEFAULT_INFO_SETTINGS,
  PairingError,
  type PairingHandler,
  type Service,
} from "@atv/interface";
import { AirPlayMajorVersion, detectAirPlayVersion } from "../features.js";
import type { HttpExchange } from "../http/types.js";
import { AirPlayHapPairSetup } from "./hap-pairing.js";
import { AirPlayLegacyPairSetup } from "./legacy-pairing.js";
import type { AuthOptions, PairSetupProcedure } from "./procedure.js";

/** A connection of its own for pairing, as pyatv's handler opens one with http_connect. */
export interface PairingConnection {
  readonly exchange: HttpExchange;
  close(): void;
}

export type PairingConnectionFactory = (opts: AbortOptions) => Promise<PairingConnection>;

export interface AirPlayPairingOptions extends AbortOptions {
  /** The AirPlay or RAOP service being paired; it receives the credentials. */
  readonly service: Service;
  /** Opens the connection to pair over (called by `begin()`). */
  readonly connect: PairingConnectionFactory;
  /** The name the device lists this controller under (HAP only); pyatv's default name. */
  readonly name?: string;
  /**
   * Which pairing to use: V2 pairs with HAP, V1 with the legacy scheme, Auto guesses from
   * the service's features as pyatv does. (pyatv passes its RAOP protocol_version setting
   * here for AirPlay too.)
   */
  readonly airplayVersion?: AirPlayVersion;
  /** Longest wait for each answer, in milliseconds. */
  readonly timeout?: number;
}

/**
 * One pairing attempt: `begin()` connects and makes the device show a PIN, `pin()` takes
 * it, `finish()` completes pairing and stores pyatv's credentials string on the service.
 * A wrong PIN is a PairingError saying so.
 */
export class AirPlayPairingHandler implements PairingHandler {
  readonly service: Service;
  readonly deviceProvidesPin = true;
  readonly #options: AirPlayPairingOptions;
  #connection: PairingConnection | undefined;
  #procedure: PairSetupProcedure | undefined;
  #pin: string | undefined;
  #hasPaired = false;

  constructor(options: AirPlayPairingOptions) {
    this.service = options.service;
    this.#options = options;
  }

  get hasPaired(): boolean {
    return this.#hasPaired;
  }

  /** Whether this service pairs with HAP (AirPlay 2) rather than the legacy scheme. */
  get usesHap(): boolean {
    const version = detectAirPlayVersion(
      this.service.properties,
      this.#options.airplayVersion ?? AirPlayVersion.Auto,
    );
    return version === AirPlayMajorVersion.AirPlayV2;
  }

  async begin(opts: AbortOptions = {}): Promise<void> {
    const request = this.#request(opts);
    await this.close();
    this.#hasPaired = false;
    await wrap(async () => {
      const connection = await this.#options.connect(
        request.signal === undefined ? {} : { signal: request.signal },
      );
      this.#connection = connection;
      const procedure = this.usesHap
        ? new AirPlayHapPairSetup(connection.exchange, {
            name: this.#options.name ?? DEFAULT_INFO_SETTINGS.name,
          })
        : new AirPlayLegacyPairSetup(connection.exchange);
      await procedure.start(request);
      this.#procedure = procedure;
    });
  }

  /** The PIN the device shows; zero-padded to four digits, as pyatv does. */
  pin(code: number | string): void {
    this.#pin = String(code).padStart(4, "0");
  }

  async finish(opts: AbortOptions = {}): Promise<void> {
    const procedure = this.#procedure;
    if (procedure === undefined) {
      throw new PairingError("pairing has not begun (call begin() first)");
    }
    const pin = this.#pin;
    if (pin === undefined) throw new PairingError("no PIN given (call pin() first)");
    const request = this.#request(opts);
    await wrap(async () => {
      // One PIN, one attempt: a retry starts again with begin().
      this.#procedure = undefined;
      const credentials = await procedure.finish(pin, request);
      this.service.credentials = credentials.toString();
      this.#hasPaired = true;
    });
  }

  async close(_opts: AbortOptions = {}): Promise<void> {
    this.#connection?.close();
    this.#connection = undefined;
    this.#procedure = undefined;
  }

  #request(opts: AbortOptions): AuthOptions {
    const signal = opts.signal ?? this.#options.signal;
    return {
      ...(signal === undefined ? {} : { signal }),
      ...(this.#options.timeout === undefined ? {} : { timeout: this.#options.timeout }),
    };
  }
}

/** Typed errors pass (a wrong PIN is already a PairingError); anything else becomes one. */
async function wrap(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (error instanceof AtvError || isAbort(error)) {
      throw error;
    }
    throw new PairingError(`pairing failed: ${String(error)}`, { cause: error });
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
