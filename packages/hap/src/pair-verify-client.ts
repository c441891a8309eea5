import { AuthenticationError, InvalidCredentialsError, InvalidStateError } from "@atv/interface";
import { bytesEqual, concatBytes } from "./bytes.js";
import { CredentialsType, type HapCredentials } from "./credentials.js";
import { ed25519Sign, ed25519Verify } from "./ed25519.js";
import { DecryptionError } from "./errors.js";
import {
  openSubTlv,
  pairVerifyKey,
  readMessage,
  requireItem,
  sealSubTlv,
} from "./pairing-messages.js";
import { SharedSecret } from "./shared-secret.js";
import { TlvState, TlvType } from "./tlv-types.js";
import { encodeTlv, type TlvItems } from "./tlv8.js";
import {
  type X25519KeyPair,
  x25519KeyPair,
  x25519KeyPairFromPrivate,
  x25519SharedSecret,
} from "./x25519.js";

export interface PairVerifyClientOptions {
  /** Our ephemeral X25519 private key, for reproducible tests; random by default. */
  readonly ephemeralKey?: Uint8Array;
}

type Step = "m1" | "m3" | "finish" | "done";

/**
 * The controller side of pair-verify (HAP specification §5.7): `m1()` → device; device's
 * M2 → `m3()` → device; device's M4 → `finish()`, which returns the shared secret to
 * derive session keys from. The device must prove it holds the long-term key in the
 * credentials; the device must then accept our signature.
 */
export class PairVerifyClient {
  readonly #credentials: HapCredentials;
  readonly #ephemeral: X25519KeyPair;
  #step: Step = "m1";
  #secret: Uint8Array | undefined;

  /** Throws InvalidCredentialsError unless the credentials are of HAP type. */
  constructor(credentials: HapCredentials, options: PairVerifyClientOptions = {}) {
    if (credentials.type !== CredentialsType.Hap) {
      throw new InvalidCredentialsError(
        `pair-verify needs HAP credentials, got ${credentials.type} credentials`,
      );
    }
    this.#credentials = credentials;
    this.#ephemeral =
      options.ephemeralKey === undefined
        ? x25519KeyPair()
        : x25519KeyPairFromPrivate(options.ephemeralKey);
  }

  /** M1: our ephemeral public key. */
  m1(): Uint8Array {
    this.#expect("m1");
    this.#step = "m3";
    return encodeTlv([
      [TlvType.State, TlvState.M1],
      [TlvType.PublicKey, this.#ephemeral.publicKey],
    ]);
  }

  /**
   * Checks M2 (the device's identifier must be the one in the credentials, and its
   * signature must verify with the device's long-term key) and returns M3, our signature.
   */
  m3(m2: Uint8Array): Uint8Array {
    this.#expect("m3");
    const items = readMessage(m2, "pair-verify", TlvState.M2);
    const deviceKey = requireItem(items, TlvType.PublicKey, "public key", "M2", 32);
    const sealed = requireItem(items, TlvType.EncryptedData, "encrypted data", "M2");
    const secret = x25519SharedSecret(this.#ephemeral.privateKey, deviceKey);
    const key = pairVerifyKey(secret);

    const sub = openOrReject(key, sealed);
    const deviceId = requireItem(sub, TlvType.Identifier, "identifier", "M2");
    const signature = requireItem(sub, TlvType.Signature, "signature", "M2");
    if (!bytesEqual(deviceId, this.#credentials.atvId)) {
      throw new AuthenticationError("pair-verify: M2 comes from another device than paired");
    }
    const signed = concatBytes(deviceKey, deviceId, this.#ephemeral.publicKey);
    if (!ed25519Verify(this.#credentials.ltpk, signed, signature)) {
      throw new AuthenticationError("pair-verify: the device's signature in M2 is invalid");
    }

    const ourSignature = ed25519Sign(
      this.#credentials.ltsk,
      concatBytes(this.#ephemeral.publicKey, this.#credentials.clientId, deviceKey),
    );
    const response = sealSubTlv(key, "PV-Msg03", [
      [TlvType.Identifier, this.#credentials.clientId],
      [TlvType.Signature, ourSignature],
    ]);
    this.#secret = secret;
    this.#step = "finish";
    return encodeTlv([
      [TlvType.State, TlvState.M3],
      [TlvType.EncryptedData, response],
    ]);
  }

  /** Checks M4 (a device error is an AuthenticationError) and returns the shared secret. */
  finish(m4: Uint8Array): SharedSecret {
    this.#expect("finish");
    readMessage(m4, "pair-verify", TlvState.M4);
    this.#step = "done";
    return new SharedSecret(this.#secret as Uint8Array);
  }

  #expect(step: Step): void {
    if (this.#step !== step) {
      throw new InvalidStateError(`pair-verify: cannot do ${step} now (next step: ${this.#step})`);
    }
  }
}

function openOrReject(key: Uint8Array, sealed: Uint8Array): TlvItems {
  try {
    return openSubTlv(key, "PV-Msg02", sealed);
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    throw new AuthenticationError("pair-verify: M2 could not be decrypted", { cause: error });
  }
}
