// The device side of legacy pairing, for fake devices: pair-setup over /pair-setup-pin and
// the legacy pair-verify. The formats are those of a real device's answers as pyatv's
// tests recorded them (tests/fake_device/airplay.py); pyatv's fake only replays them.

import {
  concatBytes,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
  type X25519KeyPair,
  x25519KeyPair,
  x25519SharedSecret,
} from "@atv/hap";
import { SrpServerSession } from "@atv/hap/server";
import { ProtocolError } from "@atv/interface";
import {
  gcmOpen,
  gcmSeal,
  KEY_LENGTH,
  legacySrpGroup,
  setupCipherParams,
  setupIv,
  VERIFY_KEYS_PREFIX,
  VERIFY_SIGNATURE_PREFIX,
  verifyCipher,
} from "./legacy-crypto.js";
import {
  decodePinRequest,
  decodeSealedKey,
  decodeSrpProof,
  encodeSealedKey,
  encodeSrpAnswer,
  encodeSrpChallenge,
} from "./legacy-messages.js";

/** A client that completed legacy pair-setup: its SRP user name and Ed25519 key. */
export interface LegacyPairedClient {
  readonly user: string;
  readonly publicKey: Uint8Array;
}

type SetupStep = "pin" | "proof" | "key" | "done";

/**
 * One legacy pair-setup, device side: `challenge(request)`, `answerProof(request)`,
 * `exchangeKeys(request)`. A wrong PIN or a key that does not open gives undefined (the
 * caller answers with an HTTP error, as a device does); a malformed or unexpected
 * message throws ProtocolError.
 */
export class LegacyPairSetupServer {
  readonly #seed: Uint8Array;
  readonly #pin: string;
  #step: SetupStep = "pin";
  #user = "";
  #srp: SrpServerSession | undefined;

  /** `seed`: the device's Ed25519 seed; `pin`: the PIN it shows. */
  constructor(seed: Uint8Array, pin: string | number) {
    this.#seed = seed;
    this.#pin = String(pin);
  }

  /** Step 1: the SRP salt and public value for the client's user name. */
  challenge(request: Uint8Array): Uint8Array {
    const { user } = decodePinRequest(request);
    this.#user = user;
    this.#srp = new SrpServerSession(this.#pin, { group: legacySrpGroup(), username: user });
    this.#step = "proof";
    return encodeSrpChallenge({ pk: this.#srp.publicKey, salt: this.#srp.salt });
  }

  /** Step 2: our SRP proof if the client's shows the right PIN; else undefined. */
  answerProof(request: Uint8Array): Uint8Array | undefined {
    this.#expect("proof");
    const { pk, proof } = decodeSrpProof(request);
    const srp = this.#srp as SrpServerSession;
    this.#step = "done";
    if (!srp.verifyClient(pk, proof) || srp.proof === undefined) return undefined;
    this.#step = "key";
    return encodeSrpAnswer({ proof: srp.proof });
  }

  /**
   * Step 3: opens the client's sealed Ed25519 key and answers with ours, sealed the way a
   * device does (IV step 2). Returns the paired client too; undefined if the key does
   * not open.
   */
  exchangeKeys(
    request: Uint8Array,
  ): { readonly answer: Uint8Array; readonly client: LegacyPairedClient } | undefined {
    this.#expect("key");
    this.#step = "done";
    const sealed = decodeSealedKey(request);
    if (sealed === undefined) throw new ProtocolError("legacy pair-setup: empty key message");
    const { key, iv } = setupCipherParams((this.#srp as SrpServerSession).sessionKey as Uint8Array);
    let publicKey: Uint8Array;
    try {
      publicKey = gcmOpen(key, setupIv(iv, 1), sealed.epk, sealed.authTag);
    } catch {
      return undefined;
    }
    if (publicKey.length !== KEY_LENGTH) return undefined;
    const ours = ed25519KeyPairFromSeed(this.#seed).publicKey;
    const { ciphertext, tag } = gcmSeal(key, setupIv(iv, 2), ours);
    return {
      answer: encodeSealedKey({ epk: ciphertext, authTag: tag }),
      client: { user: this.#user, publicKey },
    };
  }

  #expect(step: SetupStep): void {
    if (this.#step !== step) {
      throw new ProtocolError(`legacy pair-setup: unexpected ${step} step (at ${this.#step})`);
    }
  }
}

// Both verify messages are 68 bytes: a 4-byte prefix, then two keys or one signature.
const VERIFY_MESSAGE_LENGTH = 4 + 2 * KEY_LENGTH;

/**
 * One legacy pair-verify, device side: `m2(m1)` and `m4(m3)`. An unknown client or a bad
 * signature gives undefined (answered with an HTTP error); a malformed or unexpected
 * message throws ProtocolError. Success leaves the connection in clear, as with a device.
 */
export class LegacyPairVerifyServer {
  readonly #seed: Uint8Array;
  readonly #isPaired: (publicKey: Uint8Array) => boolean;
  #state:
    | {
        readonly ephemeral: X25519KeyPair;
        readonly clientKey: Uint8Array;
        readonly clientSigningKey: Uint8Array;
        readonly cipher: { update(data: Uint8Array): Uint8Array };
      }
    | undefined;

  /** `isPaired` tells whether an Ed25519 public key belongs to a paired client. */
  constructor(seed: Uint8Array, isPaired: (publicKey: Uint8Array) => boolean) {
    this.#seed = seed;
    this.#isPaired = isPaired;
  }

  /** The client's keys → our X25519 key and our signature of both keys, encrypted. */
  m2(m1: Uint8Array): Uint8Array | undefined {
    this.#state = undefined;
    checkMessage(m1, VERIFY_KEYS_PREFIX, "keys");
    const clientKey = m1.slice(4, 4 + KEY_LENGTH);
    const clientSigningKey = m1.slice(4 + KEY_LENGTH);
    if (!this.#isPaired(clientSigningKey)) return undefined;
    const ephemeral = x25519KeyPair();
    const cipher = verifyCipher(x25519SharedSecret(ephemeral.privateKey, clientKey));
    const signature = ed25519Sign(this.#seed, concatBytes(ephemeral.publicKey, clientKey));
    this.#state = { ephemeral, clientKey, clientSigningKey, cipher };
    return concatBytes(ephemeral.publicKey, cipher.update(signature));
  }

  /** The client's encrypted signature → an empty answer if it verifies; else undefined. */
  m4(m3: Uint8Array): Uint8Array | undefined {
    const state = this.#state;
    if (state === undefined) throw new ProtocolError("legacy pair-verify: unexpected signature");
    this.#state = undefined;
    checkMessage(m3, VERIFY_SIGNATURE_PREFIX, "signature");
    const signature = state.cipher.update(m3.subarray(4));
    const signed = concatBytes(state.clientKey, state.ephemeral.publicKey);
    return ed25519Verify(state.clientSigningKey, signed, signature) ? new Uint8Array(0) : undefined;
  }
}

function checkMessage(message: Uint8Array, prefix: Uint8Array, what: string): void {
  if (message.length !== VERIFY_MESSAGE_LENGTH || !prefix.every((b, i) => message[i] === b)) {
    throw new ProtocolError(`legacy pair-verify: malformed ${what} message`);
  }
}
