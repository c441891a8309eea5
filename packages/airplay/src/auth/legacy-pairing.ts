// Legacy pair-setup, for receivers older than HAP pairing (pyatv's
// protocols/airplay/auth/legacy.py and srp.py): /pair-pin-start shows a PIN, then three
// /pair-setup-pin requests with binary-plist bodies run SRP and hand the device the
// client's long-term Ed25519 public key. The credentials are just a client id and a seed.

import { randomBytes } from "node:crypto";
import {
  CredentialsType,
  ed25519KeyPairFromSeed,
  HapCredentials,
  SrpClientSession,
} from "@atv/hap";
import {
  AuthenticationError,
  InvalidCredentialsError,
  InvalidStateError,
  PairingError,
} from "@atv/interface";
import type { HttpExchange } from "../http/types.js";
import { LEGACY_PIN_START_HEADERS, LEGACY_PLIST_HEADERS } from "./headers.js";
import {
  gcmOpen,
  gcmSeal,
  KEY_LENGTH,
  legacySrpGroup,
  setupCipherParams,
  setupIv,
} from "./legacy-crypto.js";
import {
  decodeSealedKey,
  decodeSrpAnswer,
  decodeSrpChallenge,
  encodePinRequest,
  encodeSealedKey,
  encodeSrpProof,
} from "./legacy-messages.js";
import { type AuthOptions, type PairSetupProcedure, post } from "./procedure.js";

const CLIENT_ID_LENGTH = 8;

/**
 * Fresh legacy credentials: a random 8-byte client id and 32-byte seed (srp.py's
 * new_credentials). The seed is drawn again if it starts with a zero byte: it is also the
 * SRP private value, and fast-srp-hap warns on the console about one that short.
 */
export function newLegacyCredentials(): HapCredentials {
  let seed = randomBytes(KEY_LENGTH);
  while (seed[0] === 0) seed = randomBytes(KEY_LENGTH);
  return new HapCredentials({ ltsk: seed, clientId: randomBytes(CLIENT_ID_LENGTH) });
}

/** The SRP user name of legacy pairing: the client id in upper-case hex. */
export function legacyUser(credentials: HapCredentials): string {
  return Buffer.from(credentials.clientId).toString("hex").toUpperCase();
}

type Step = "pin" | "proof" | "seal" | "finish" | "done";

/**
 * The client's steps of legacy pair-setup, each taking the device's previous answer:
 * `pinRequest()`, `proof(challenge, pin)`, `sealKey(answer)`, `finish(answer)`. Every
 * answer is checked: the device's SRP proof, and its sealed key when it sends one.
 */
export class LegacyPairSetupClient {
  readonly credentials: HapCredentials;
  #step: Step = "pin";
  #srp: SrpClientSession | undefined;

  /** Throws InvalidCredentialsError unless the credentials are legacy ones. */
  constructor(credentials: HapCredentials = newLegacyCredentials()) {
    requireLegacy(credentials);
    this.credentials = credentials;
  }

  /** Step 1: `{method: "pin", user}`. */
  pinRequest(): Uint8Array {
    this.#expect("pin");
    this.#step = "proof";
    return encodePinRequest({ user: legacyUser(this.credentials) });
  }

  /** Step 2: our SRP public value and proof for the PIN, from the device's challenge. */
  proof(challenge: Uint8Array, pin: string | number): Uint8Array {
    this.#expect("proof");
    const { pk, salt } = decodeSrpChallenge(challenge);
    // pyatv uses the seed as the SRP private value (srp.py step1).
    this.#srp = new SrpClientSession(salt, pk, String(pin), {
      group: legacySrpGroup(),
      username: legacyUser(this.credentials),
      secret: this.credentials.ltsk,
    });
    this.#step = "seal";
    return encodeSrpProof({ pk: this.#srp.publicKey, proof: this.#srp.proof });
  }

  /**
   * Step 3: checks the device's SRP proof (pyatv does not) and returns our Ed25519 public
   * key sealed under the SRP session key.
   */
  sealKey(answer: Uint8Array): Uint8Array {
    this.#expect("seal");
    const srp = this.#srp as SrpClientSession;
    if (!srp.verifyServerProof(decodeSrpAnswer(answer).proof)) {
      throw new AuthenticationError("legacy pair-setup: the device's SRP proof is wrong");
    }
    const { key, iv } = setupCipherParams(srp.sessionKey);
    const publicKey = ed25519KeyPairFromSeed(this.credentials.ltsk).publicKey;
    const { ciphertext, tag } = gcmSeal(key, setupIv(iv, 1), publicKey);
    this.#step = "finish";
    return encodeSealedKey({ epk: ciphertext, authTag: tag });
  }

  /**
   * Reads the device's last answer and returns the credentials. The device's own sealed
   * key must open if it is there; it is not kept, because pyatv's credential string has
   * no place for it (so a later pair-verify cannot check the device's signature either).
   */
  finish(answer: Uint8Array): HapCredentials {
    this.#expect("finish");
    const sealed = decodeSealedKey(answer);
    if (sealed !== undefined) {
      const { key, iv } = setupCipherParams((this.#srp as SrpClientSession).sessionKey);
      gcmOpen(key, setupIv(iv, 2), sealed.epk, sealed.authTag);
    }
    this.#step = "done";
    return this.credentials;
  }

  #expect(step: Step): void {
    if (this.#step !== step) {
      throw new InvalidStateError(`legacy pair-setup: cannot do ${step} now (at ${this.#step})`);
    }
  }
}

export function requireLegacy(credentials: HapCredentials): void {
  if (credentials.type !== CredentialsType.Legacy) {
    throw new InvalidCredentialsError(
      `legacy pairing needs legacy credentials, got ${credentials.type} credentials`,
    );
  }
}

/**
 * One legacy pair-setup over HTTP: `start()` makes the device show a PIN; `finish(pin)`
 * runs the three /pair-setup-pin exchanges. A device that turns down the PIN (it answers
 * the proof with an HTTP error) makes a PairingError.
 */
export class AirPlayLegacyPairSetup implements PairSetupProcedure {
  readonly #exchange: HttpExchange;
  readonly #credentials: HapCredentials | undefined;
  #started = false;

  /** `credentials` to pair with (legacy type); fresh random ones by default. */
  constructor(exchange: HttpExchange, credentials?: HapCredentials) {
    if (credentials !== undefined) requireLegacy(credentials);
    this.#exchange = exchange;
    this.#credentials = credentials;
  }

  async start(opts: AuthOptions = {}): Promise<void> {
    await post(this.#exchange, "/pair-pin-start", LEGACY_PIN_START_HEADERS, undefined, opts);
    this.#started = true;
  }

  async finish(pin: string | number, opts: AuthOptions = {}): Promise<HapCredentials> {
    opts.signal?.throwIfAborted();
    if (!this.#started) throw new InvalidStateError("legacy pair-setup has not been started");
    this.#started = false;
    const client = new LegacyPairSetupClient(this.#credentials ?? newLegacyCredentials());
    const challenge = await this.#send(client.pinRequest(), opts);
    let answer: Uint8Array;
    try {
      answer = await this.#send(client.proof(challenge, pin), opts);
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof InvalidCredentialsError) {
        throw new PairingError("legacy pair-setup: device rejected the PIN (wrong PIN)", {
          cause: error,
        });
      }
      throw error;
    }
    return client.finish(await this.#send(client.sealKey(answer), opts));
  }

  async #send(body: Uint8Array, opts: AuthOptions): Promise<Uint8Array> {
    return (await post(this.#exchange, "/pair-setup-pin", LEGACY_PLIST_HEADERS, body, opts)).body;
  }
}
