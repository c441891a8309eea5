import { ProtocolError } from "@atv/interface";
import { concatBytes, toBytes } from "../bytes.js";
import {
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
} from "../ed25519.js";
import { DecryptionError } from "../errors.js";
import {
  errorMessage,
  openSubTlv,
  pairVerifyKey,
  readControllerMessage,
  requireItem,
  sealSubTlv,
} from "../pairing-messages.js";
import { SharedSecret } from "../shared-secret.js";
import { TlvErrorCode, TlvState, TlvType } from "../tlv-types.js";
import { encodeTlv, type TlvItems } from "../tlv8.js";
import {
  type X25519KeyPair,
  x25519KeyPair,
  x25519KeyPairFromPrivate,
  x25519SharedSecret,
} from "../x25519.js";

export interface PairVerifyServerOptions {
  /** The device's pairing identifier, as sent in pair-setup M6. */
  readonly identifier: Uint8Array | string;
  /** The device's long-term Ed25519 seed (32 bytes). */
  readonly seed: Uint8Array;
  /** The long-term public key of a paired controller, or undefined if it is unknown. */
  readonly clientPublicKey: (clientId: Uint8Array) => Uint8Array | undefined;
  /** Our ephemeral X25519 private key, for reproducible tests; random by default. */
  readonly ephemeralKey?: Uint8Array;
}

type Step = "m2" | "m4" | "done";

/**
 * The device side of pair-verify: `m2(m1)`, `m4(m3)`. An unknown controller or a bad
 * signature is answered with the Authentication error item, as a device does; a
 * malformed or unexpected message throws ProtocolError. After a successful M4,
 * `sharedSecret` gives the secret to derive session keys from.
 */
export class PairVerifyServer {
  readonly identifier: Uint8Array;
  readonly #keys: Ed25519KeyPair;
  readonly #options: PairVerifyServerOptions;
  #step: Step = "m2";
  #ephemeral: X25519KeyPair | undefined;
  #clientKey: Uint8Array | undefined;
  #secret: Uint8Array | undefined;
  #sharedSecret: SharedSecret | undefined;
  #clientId: Uint8Array | undefined;

  constructor(options: PairVerifyServerOptions) {
    this.identifier = toBytes(options.identifier);
    this.#keys = ed25519KeyPairFromSeed(options.seed);
    this.#options = options;
  }

  /** The shared secret, once the controller is verified. */
  get sharedSecret(): SharedSecret | undefined {
    return this.#sharedSecret;
  }

  /** The verified controller's identifier. */
  get clientId(): Uint8Array | undefined {
    return this.#clientId;
  }

  /** M1 → M2: our ephemeral key and our signed identity, sealed. */
  m2(m1: Uint8Array): Uint8Array {
    if (this.#step !== "m2") throw new ProtocolError("pair-verify: unexpected M1");
    const items = readControllerMessage(m1, "pair-verify", TlvState.M1);
    const clientKey = requireItem(items, TlvType.PublicKey, "public key", "M1", 32);
    const ephemeral =
      this.#options.ephemeralKey === undefined
        ? x25519KeyPair()
        : x25519KeyPairFromPrivate(this.#options.ephemeralKey);
    const secret = x25519SharedSecret(ephemeral.privateKey, clientKey);
    const signature = ed25519Sign(
      this.#keys.seed,
      concatBytes(ephemeral.publicKey, this.identifier, clientKey),
    );
    const sealed = sealSubTlv(pairVerifyKey(secret), "PV-Msg02", [
      [TlvType.Identifier, this.identifier],
      [TlvType.Signature, signature],
    ]);
    this.#ephemeral = ephemeral;
    this.#clientKey = clientKey;
    this.#secret = secret;
    this.#step = "m4";
    return encodeTlv([
      [TlvType.State, TlvState.M2],
      [TlvType.PublicKey, ephemeral.publicKey],
      [TlvType.EncryptedData, sealed],
    ]);
  }

  /** M3 → M4: accepts a known controller whose signature verifies; else an error. */
  m4(m3: Uint8Array): Uint8Array {
    if (this.#step !== "m4") throw new ProtocolError("pair-verify: unexpected M3");
    const items = readControllerMessage(m3, "pair-verify", TlvState.M3);
    this.#step = "done";
    const sealed = requireItem(items, TlvType.EncryptedData, "encrypted data", "M3");
    const secret = this.#secret as Uint8Array;
    let sub: TlvItems;
    try {
      sub = openSubTlv(pairVerifyKey(secret), "PV-Msg03", sealed);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      return errorMessage(TlvState.M4, TlvErrorCode.Authentication);
    }
    const clientId = requireItem(sub, TlvType.Identifier, "identifier", "M3");
    const signature = requireItem(sub, TlvType.Signature, "signature", "M3");
    const ltpk = this.#options.clientPublicKey(clientId);
    const ephemeral = this.#ephemeral as X25519KeyPair;
    const signed = concatBytes(this.#clientKey as Uint8Array, clientId, ephemeral.publicKey);
    if (ltpk === undefined || !ed25519Verify(ltpk, signed, signature)) {
      return errorMessage(TlvState.M4, TlvErrorCode.Authentication);
    }
    this.#clientId = clientId;
    this.#sharedSecret = new SharedSecret(secret);
    return encodeTlv([[TlvType.State, TlvState.M4]]);
  }
}
