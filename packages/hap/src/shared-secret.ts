import { hkdfSha512, type KdfInput } from "./hkdf.js";

/** A pair of session keys: one to encrypt what we send, one to decrypt what we receive. */
export interface SessionKeys {
  readonly outputKey: Uint8Array;
  readonly inputKey: Uint8Array;
}

/**
 * The secret a handshake agreed on (the X25519 secret of pair-verify, or the SRP key of a
 * transient pair-setup), from which each protocol derives its session keys.
 */
export class SharedSecret {
  readonly secret: Uint8Array;

  constructor(secret: Uint8Array) {
    this.secret = secret.slice();
  }

  /** HKDF-SHA512 of the secret with a salt and an info. */
  deriveKey(salt: KdfInput, info: KdfInput, length = 32): Uint8Array {
    return hkdfSha512(this.secret, salt, info, length);
  }

  /**
   * Both session keys under one salt, e.g. for MRP's client: ("MediaRemote-Salt",
   * "MediaRemote-Write-Encryption-Key", "MediaRemote-Read-Encryption-Key"); the device
   * side swaps the two infos.
   */
  sessionKeys(salt: KdfInput, outputInfo: KdfInput, inputInfo: KdfInput): SessionKeys {
    return {
      outputKey: this.deriveKey(salt, outputInfo),
      inputKey: this.deriveKey(salt, inputInfo),
    };
  }
}
