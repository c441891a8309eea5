import { randomBytes, randomUUID } from "node:crypto";
import { AuthenticationError, InvalidStateError } from "@atv/interface";
import { concatBytes, toBytes } from "./bytes.js";
import { HapCredentials } from "./credentials.js";
import { ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from "./ed25519.js";
import { DecryptionError } from "./errors.js";
import { HapKdf } from "./hkdf.js";
import {
  openSubTlv,
  pairSetupKey,
  readMessage,
  requireItem,
  sealSubTlv,
} from "./pairing-messages.js";
import { SharedSecret } from "./shared-secret.js";
import { SrpClientSession } from "./srp.js";
import { TlvMethod, TlvState, TlvType } from "./tlv-types.js";
import { encodeTlv, type TlvInput, type TlvItems } from "./tlv8.js";

export interface PairSetupClientOptions {
  /** Our pairing identifier; by default a random UUID string, as pyatv uses. */
  readonly clientId?: Uint8Array | string;
  /** Our long-term Ed25519 seed (32 bytes); random by default. */
  readonly seed?: Uint8Array;
  /** Method item of M1; pyatv sends PairSetup (0) for MRP, AirPlay and Companion. */
  readonly method?: number;
  /** Flags item of M1 (e.g. `TlvFlags.TransientPairing`); not sent unless given. */
  readonly flags?: number;
  /** The SRP private value, for reproducible tests; random by default. */
  readonly srpSecret?: Uint8Array;
}

type Step = "m1" | "m2" | "m3" | "m5" | "m6" | "done";

/**
 * The controller side of pair-setup (HAP specification §5.6), one method per message:
 * `m1()` → device; device's M2 → `receiveM2()`; `m3(pin)` → device; device's M4 → `m5()`;
 * device's M6 → `finish()`, which returns the credentials. Every proof and signature of
 * the device is checked. Methods called out of order throw InvalidStateError.
 */
export class PairSetupClient {
  readonly clientId: Uint8Array;
  readonly #seed: Uint8Array;
  readonly #publicKey: Uint8Array;
  readonly #options: PairSetupClientOptions;
  #step: Step = "m1";
  #salt: Uint8Array | undefined;
  #serverPublicKey: Uint8Array | undefined;
  #srp: SrpClientSession | undefined;

  constructor(options: PairSetupClientOptions = {}) {
    this.clientId = toBytes(options.clientId ?? randomUUID());
    const keys = ed25519KeyPairFromSeed(options.seed ?? randomBytes(32));
    this.#seed = keys.seed;
    this.#publicKey = keys.publicKey;
    this.#options = options;
  }

  /** M1: asks the device to start pairing (it shows a PIN). */
  m1(): Uint8Array {
    this.#advance("m1", "m2");
    const entries: TlvInput[] = [
      [TlvType.Method, this.#options.method ?? TlvMethod.PairSetup],
      [TlvType.State, TlvState.M1],
    ];
    if (this.#options.flags !== undefined) entries.push([TlvType.Flags, this.#options.flags]);
    return encodeTlv(entries);
  }

  /** Reads M2 (the device's salt and SRP public key); a device error throws here. */
  receiveM2(m2: Uint8Array): void {
    this.#expect("m2");
    const items = readMessage(m2, "pair-setup", TlvState.M2);
    this.#salt = requireItem(items, TlvType.Salt, "salt", "M2");
    this.#serverPublicKey = requireItem(items, TlvType.PublicKey, "public key", "M2");
    this.#step = "m3";
  }

  /** M3: our SRP public key and proof for the PIN the device shows. */
  m3(pin: string | number): Uint8Array {
    this.#expect("m3");
    this.#srp = new SrpClientSession(
      this.#salt as Uint8Array,
      this.#serverPublicKey as Uint8Array,
      String(pin),
      this.#options.srpSecret === undefined ? {} : { secret: this.#options.srpSecret },
    );
    this.#step = "m5";
    return encodeTlv([
      [TlvType.State, TlvState.M3],
      [TlvType.PublicKey, this.#srp.publicKey],
      [TlvType.Proof, this.#srp.proof],
    ]);
  }

  /**
   * Checks M4 (a wrong PIN is a PairingError saying so; a wrong device proof an
   * AuthenticationError) and returns M5: our identifier, long-term public key and
   * signature, sealed. `extraItems` go into the sealed sub-TLV after them (e.g. a Name).
   */
  m5(m4: Uint8Array, extraItems: readonly TlvInput[] = []): Uint8Array {
    this.#expect("m5");
    const srp = this.#checkM4(m4);
    const controllerX = pairSetupKey(srp.sessionKey, HapKdf.PairSetupControllerSign);
    const signature = ed25519Sign(
      this.#seed,
      concatBytes(controllerX, this.clientId, this.#publicKey),
    );
    const sealed = sealSubTlv(pairSetupKey(srp.sessionKey, HapKdf.PairSetupEncrypt), "PS-Msg05", [
      [TlvType.Identifier, this.clientId],
      [TlvType.PublicKey, this.#publicKey],
      [TlvType.Signature, signature],
      ...extraItems,
    ]);
    this.#step = "m6";
    return encodeTlv([
      [TlvType.State, TlvState.M5],
      [TlvType.EncryptedData, sealed],
    ]);
  }

  /**
   * For a transient pairing (flags `TransientPairing`), which ends at M4: checks M4 and
   * returns the SRP session key as the secret to derive session keys from.
   */
  finishTransient(m4: Uint8Array): SharedSecret {
    this.#expect("m5");
    const srp = this.#checkM4(m4);
    this.#step = "done";
    return new SharedSecret(srp.sessionKey);
  }

  /** Checks M6, the device's identity and signature, and returns the new credentials. */
  finish(m6: Uint8Array): HapCredentials {
    this.#expect("m6");
    const srp = this.#srp as SrpClientSession;
    const items = readMessage(m6, "pair-setup", TlvState.M6);
    const sealed = requireItem(items, TlvType.EncryptedData, "encrypted data", "M6");
    const key = pairSetupKey(srp.sessionKey, HapKdf.PairSetupEncrypt);
    let sub: TlvItems;
    try {
      sub = openSubTlv(key, "PS-Msg06", sealed);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new AuthenticationError("pair-setup: M6 could not be decrypted", { cause: error });
    }
    const deviceId = requireItem(sub, TlvType.Identifier, "identifier", "M6");
    const deviceKey = requireItem(sub, TlvType.PublicKey, "public key", "M6", 32);
    const signature = requireItem(sub, TlvType.Signature, "signature", "M6");
    const accessoryX = pairSetupKey(srp.sessionKey, HapKdf.PairSetupAccessorySign);
    if (!ed25519Verify(deviceKey, concatBytes(accessoryX, deviceId, deviceKey), signature)) {
      throw new AuthenticationError("pair-setup: the device's signature in M6 is invalid");
    }
    this.#step = "done";
    return new HapCredentials({
      ltpk: deviceKey,
      ltsk: this.#seed,
      atvId: deviceId,
      clientId: this.clientId,
    });
  }

  #checkM4(m4: Uint8Array): SrpClientSession {
    const srp = this.#srp as SrpClientSession;
    const items = readMessage(m4, "pair-setup", TlvState.M4);
    const proof = requireItem(items, TlvType.Proof, "proof", "M4");
    if (!srp.verifyServerProof(proof)) {
      throw new AuthenticationError("pair-setup: the device's SRP proof in M4 is wrong");
    }
    return srp;
  }

  #expect(step: Step): void {
    if (this.#step !== step) {
      throw new InvalidStateError(`pair-setup: cannot do ${step} now (next step: ${this.#step})`);
    }
  }

  #advance(step: Step, next: Step): void {
    this.#expect(step);
    this.#step = next;
  }
}
