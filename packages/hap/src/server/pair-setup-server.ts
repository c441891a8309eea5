import { ProtocolError } from "@atv/interface";
import { concatBytes, toBytes } from "../bytes.js";
import {
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
} from "../ed25519.js";
import { DecryptionError } from "../errors.js";
import { HapKdf } from "../hkdf.js";
import {
  errorMessage,
  openSubTlv,
  pairSetupKey,
  readControllerMessage,
  requireItem,
  sealSubTlv,
} from "../pairing-messages.js";
import { SharedSecret } from "../shared-secret.js";
import { SrpServerSession } from "../srp.js";
import { TlvErrorCode, TlvFlags, TlvMethod, TlvState, TlvType } from "../tlv-types.js";
import { encodeTlv, type TlvEntry, type TlvItems } from "../tlv8.js";

export interface PairSetupServerOptions {
  /** The device's pairing identifier (pyatv's fake uses a UUID string). */
  readonly identifier: Uint8Array | string;
  /** The device's long-term Ed25519 seed (32 bytes). */
  readonly seed: Uint8Array;
  /** The PIN the device "shows"; compared as a string, so 1111 and "1111" are the same. */
  readonly pin: string | number;
  /** SRP salt and private value, for reproducible tests; random by default. */
  readonly salt?: Uint8Array;
  readonly srpSecret?: Uint8Array;
}

/** A controller that completed pair-setup: what a device stores to verify it later. */
export interface PairedClient {
  readonly identifier: Uint8Array;
  /** Its long-term Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Further items of its M5 sub-TLV (e.g. a Name), in order. */
  readonly extraItems: readonly TlvEntry[];
}

type Step = "m2" | "m4" | "m6" | "done";

/**
 * The device side of pair-setup, strict as a device: `m2(m1)`, `m4(m3)`, `m6(m5)`, each
 * taking the controller's message and returning the answer. A wrong PIN or a bad
 * signature is answered with the device's error item (Authentication), as a device does;
 * a malformed or unexpected message throws ProtocolError. An M1 restarts the handshake.
 */
export class PairSetupServer {
  readonly identifier: Uint8Array;
  readonly #keys: Ed25519KeyPair;
  readonly #options: PairSetupServerOptions;
  #step: Step = "m2";
  #srp: SrpServerSession | undefined;
  #flags = 0;
  #pairedClient: PairedClient | undefined;
  #sharedSecret: SharedSecret | undefined;

  constructor(options: PairSetupServerOptions) {
    this.identifier = toBytes(options.identifier);
    this.#keys = ed25519KeyPairFromSeed(options.seed);
    this.#options = options;
  }

  /** The device's long-term public key. */
  get publicKey(): Uint8Array {
    return this.#keys.publicKey;
  }

  /** Whether M1 asked for a transient pairing (which ends at M4). */
  get transient(): boolean {
    return (this.#flags & TlvFlags.TransientPairing) !== 0;
  }

  /** The controller paired by the last successful M5. */
  get pairedClient(): PairedClient | undefined {
    return this.#pairedClient;
  }

  /** The SRP session key after a successful M3, for transient pairings. */
  get sharedSecret(): SharedSecret | undefined {
    return this.#sharedSecret;
  }

  /** M1 → M2: salt and SRP public key. */
  m2(m1: Uint8Array): Uint8Array {
    const items = readControllerMessage(m1, "pair-setup", TlvState.M1);
    const method = items.getInteger(TlvType.Method);
    if (method !== TlvMethod.PairSetup && method !== TlvMethod.PairSetupWithAuth) {
      throw new ProtocolError(`pair-setup: M1 has method ${method}, not pair-setup`);
    }
    this.#flags = items.getInteger(TlvType.Flags) ?? 0;
    this.#srp = new SrpServerSession(String(this.#options.pin), {
      ...(this.#options.salt === undefined ? {} : { salt: this.#options.salt }),
      ...(this.#options.srpSecret === undefined ? {} : { secret: this.#options.srpSecret }),
    });
    this.#sharedSecret = undefined;
    this.#step = "m4";
    return encodeTlv([
      [TlvType.State, TlvState.M2],
      [TlvType.Salt, this.#srp.salt],
      [TlvType.PublicKey, this.#srp.publicKey],
    ]);
  }

  /** M3 → M4: our proof if the controller's proof shows the right PIN, else an error. */
  m4(m3: Uint8Array): Uint8Array {
    const items = this.#read(m3, "m4", TlvState.M3);
    const clientKey = requireItem(items, TlvType.PublicKey, "public key", "M3");
    const proof = requireItem(items, TlvType.Proof, "proof", "M3");
    const srp = this.#srp as SrpServerSession;
    if (!srp.verifyClient(clientKey, proof) || srp.proof === undefined) {
      this.#step = "done";
      return errorMessage(TlvState.M4, TlvErrorCode.Authentication);
    }
    this.#sharedSecret = new SharedSecret(srp.sessionKey as Uint8Array);
    this.#step = this.transient ? "done" : "m6";
    return encodeTlv([
      [TlvType.State, TlvState.M4],
      [TlvType.Proof, srp.proof],
    ]);
  }

  /** M5 → M6: checks the controller's signature, then sends our identity, signed. */
  m6(m5: Uint8Array): Uint8Array {
    const items = this.#read(m5, "m6", TlvState.M5);
    this.#step = "done";
    const sealed = requireItem(items, TlvType.EncryptedData, "encrypted data", "M5");
    const srpKey = this.#sharedSecret?.secret as Uint8Array;
    const key = pairSetupKey(srpKey, HapKdf.PairSetupEncrypt);
    let sub: TlvItems;
    try {
      sub = openSubTlv(key, "PS-Msg05", sealed);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      return errorMessage(TlvState.M6, TlvErrorCode.Authentication);
    }
    const clientId = requireItem(sub, TlvType.Identifier, "identifier", "M5");
    const clientKey = requireItem(sub, TlvType.PublicKey, "public key", "M5", 32);
    const signature = requireItem(sub, TlvType.Signature, "signature", "M5");
    const controllerX = pairSetupKey(srpKey, HapKdf.PairSetupControllerSign);
    if (!ed25519Verify(clientKey, concatBytes(controllerX, clientId, clientKey), signature)) {
      return errorMessage(TlvState.M6, TlvErrorCode.Authentication);
    }
    const known = new Set<number>([TlvType.Identifier, TlvType.PublicKey, TlvType.Signature]);
    this.#pairedClient = {
      identifier: clientId,
      publicKey: clientKey,
      extraItems: sub.entries.filter(([type]) => !known.has(type)),
    };

    const accessoryX = pairSetupKey(srpKey, HapKdf.PairSetupAccessorySign);
    const ourSignature = ed25519Sign(
      this.#keys.seed,
      concatBytes(accessoryX, this.identifier, this.#keys.publicKey),
    );
    return encodeTlv([
      [TlvType.State, TlvState.M6],
      [
        TlvType.EncryptedData,
        sealSubTlv(key, "PS-Msg06", [
          [TlvType.Identifier, this.identifier],
          [TlvType.PublicKey, this.#keys.publicKey],
          [TlvType.Signature, ourSignature],
        ]),
      ],
    ]);
  }

  #read(data: Uint8Array, step: Step, state: number): TlvItems {
    if (this.#step !== step) {
      throw new ProtocolError(`pair-setup: unexpected M${state} (expecting ${this.#step})`);
    }
    return readControllerMessage(data, "pair-setup", state);
  }
}
