// Legacy pair-verify (pyatv's protocols/airplay/auth/legacy.py and srp.py verify1/2): the
// client sends an X25519 key and its long-term Ed25519 key, the device answers with its
// X25519 key and a signature, and the client signs both X25519 keys under AES-CTR.
// It proves the client is paired; it yields no session keys (the connection stays clear).

import {
  concatBytes,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  type HapCredentials,
  type X25519KeyPair,
  x25519KeyPairFromPrivate,
  x25519SharedSecret,
} from "@atv/hap";
import { InvalidStateError, ProtocolError } from "@atv/interface";
import type { HttpExchange } from "../http/types.js";
import { LEGACY_VERIFY_HEADERS } from "./headers.js";
import {
  KEY_LENGTH,
  SIGNATURE_LENGTH,
  VERIFY_KEYS_PREFIX,
  VERIFY_SIGNATURE_PREFIX,
  verifyCipher,
} from "./legacy-crypto.js";
import { requireLegacy } from "./legacy-pairing.js";
import { type AuthOptions, post } from "./procedure.js";

/** The device's answer to the first message: its X25519 key and its sealed signature. */
export const LEGACY_VERIFY_ANSWER_LENGTH = KEY_LENGTH + SIGNATURE_LENGTH;

/**
 * The client's two messages of legacy pair-verify: `m1()`, then `m3(answer)` with the
 * device's answer to it. pyatv uses the seed itself as the X25519 key, so m1 is the same
 * at every verify of one set of credentials.
 */
export class LegacyPairVerifyClient {
  readonly #credentials: HapCredentials;
  readonly #x25519: X25519KeyPair;
  #sent = false;

  /** Throws InvalidCredentialsError unless the credentials are legacy ones. */
  constructor(credentials: HapCredentials) {
    requireLegacy(credentials);
    this.#credentials = credentials;
    this.#x25519 = x25519KeyPairFromPrivate(credentials.ltsk);
  }

  /** 01 00 00 00, our X25519 public key, our Ed25519 public key. */
  m1(): Uint8Array {
    if (this.#sent) throw new InvalidStateError("legacy pair-verify: m1 was already sent");
    this.#sent = true;
    const { publicKey } = ed25519KeyPairFromSeed(this.#credentials.ltsk);
    return concatBytes(VERIFY_KEYS_PREFIX, this.#x25519.publicKey, publicKey);
  }

  /**
   * 00 00 00 00 and our signature of both X25519 keys, encrypted. The device's signature
   * in `answer` is not checked, as in pyatv: legacy credentials do not hold the device's
   * key to check it with.
   */
  m3(answer: Uint8Array): Uint8Array {
    if (!this.#sent) throw new InvalidStateError("legacy pair-verify: m1 was not sent");
    if (answer.length !== LEGACY_VERIFY_ANSWER_LENGTH) {
      throw new ProtocolError(
        `legacy pair-verify: answer must be ${LEGACY_VERIFY_ANSWER_LENGTH} bytes, got ${answer.length}`,
      );
    }
    const deviceKey = answer.subarray(0, KEY_LENGTH);
    const cipher = verifyCipher(x25519SharedSecret(this.#x25519.privateKey, deviceKey));
    cipher.update(answer.subarray(KEY_LENGTH));
    const signature = ed25519Sign(
      this.#credentials.ltsk,
      concatBytes(this.#x25519.publicKey, deviceKey),
    );
    return concatBytes(VERIFY_SIGNATURE_PREFIX, cipher.update(signature));
  }
}

/**
 * Runs legacy pair-verify on a connection. A device that does not know the client answers
 * with an HTTP error, which the exchange turns into AuthenticationError (401, 403) or
 * InvalidCredentialsError (470).
 */
export async function legacyPairVerify(
  credentials: HapCredentials,
  exchange: HttpExchange,
  opts: AuthOptions = {},
): Promise<void> {
  const client = new LegacyPairVerifyClient(credentials);
  const answer = await post(exchange, "/pair-verify", LEGACY_VERIFY_HEADERS, client.m1(), opts);
  await post(exchange, "/pair-verify", LEGACY_VERIFY_HEADERS, client.m3(answer.body), opts);
}
