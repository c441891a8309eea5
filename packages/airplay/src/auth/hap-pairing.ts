// HAP pair-setup over AirPlay (pyatv's protocols/airplay/auth/hap.py): POST /pair-pin-start
// makes the device show a PIN, then the HAP pair-setup messages travel as the bodies of
// POST /pair-setup requests (TLV8, X-Apple-HKP 3).

import { type HapCredentials, PairSetupClient, type PairSetupClientOptions } from "@atv/hap";
import {
  AuthenticationError,
  InvalidCredentialsError,
  InvalidStateError,
  PairingError,
} from "@atv/interface";
import type { HttpExchange } from "../http/types.js";
import { HAP_PAIRING_HEADERS } from "./headers.js";
import { displayNameItems } from "./name-item.js";
import { type AuthOptions, type PairSetupProcedure, post } from "./procedure.js";

export interface HapPairSetupOptions {
  /** The name the device lists this controller under (sent in M5, as pyatv does). */
  readonly name?: string;
  /** Identifier, keys and SRP secret of the client, for reproducible tests. */
  readonly client?: PairSetupClientOptions;
}

/**
 * One HAP pair-setup: `start()` asks for a PIN and sends M1 (Method 0, State 1, as
 * pyatv), `finish(pin)` sends M3 and M5 and returns the credentials from M6. A wrong PIN
 * is a PairingError; a device that cannot prove it knows the PIN, an AuthenticationError.
 */
export class AirPlayHapPairSetup implements PairSetupProcedure {
  readonly #exchange: HttpExchange;
  readonly #options: HapPairSetupOptions;
  #client: PairSetupClient | undefined;

  constructor(exchange: HttpExchange, options: HapPairSetupOptions = {}) {
    this.#exchange = exchange;
    this.#options = options;
  }

  async start(opts: AuthOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
    this.#client = undefined;
    await post(this.#exchange, "/pair-pin-start", HAP_PAIRING_HEADERS, undefined, opts);
    const client = new PairSetupClient(this.#options.client);
    const m2 = await this.#send(client.m1(), opts);
    client.receiveM2(m2);
    this.#client = client;
  }

  async finish(pin: string | number, opts: AuthOptions = {}): Promise<HapCredentials> {
    opts.signal?.throwIfAborted();
    const client = this.#client;
    if (client === undefined) throw new InvalidStateError("pair-setup has not been started");
    // A PIN is good for one attempt: the device starts over at M1 after a failed M3.
    this.#client = undefined;
    const m4 = await this.#sendPin(client.m3(pin), opts);
    const m5 = client.m5(m4, displayNameItems(this.#options.name));
    return client.finish(await this.#send(m5, opts));
  }

  /** M3 goes out; some receivers answer a wrong PIN with an HTTP error, not a TLV one. */
  async #sendPin(m3: Uint8Array, opts: AuthOptions): Promise<Uint8Array> {
    try {
      return await this.#send(m3, opts);
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof InvalidCredentialsError) {
        throw new PairingError("pair-setup: device rejected the PIN (wrong PIN)", {
          cause: error,
        });
      }
      throw error;
    }
  }

  async #send(message: Uint8Array, opts: AuthOptions): Promise<Uint8Array> {
    const response = await post(this.#exchange, "/pair-setup", HAP_PAIRING_HEADERS, message, opts);
    return response.body;
  }
}
