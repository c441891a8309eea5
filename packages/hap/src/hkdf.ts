import { hkdfSync } from "node:crypto";

/** A salt or info for HKDF: a string is taken as its UTF-8 bytes. */
export type KdfInput = string | Uint8Array;

/** HKDF (RFC 5869) with any hash node:crypto knows, e.g. "sha512" or "sha256". */
export function hkdf(
  hash: string,
  ikm: Uint8Array,
  salt: KdfInput,
  info: KdfInput,
  length: number,
): Uint8Array {
  return new Uint8Array(hkdfSync(hash, ikm, toBytes(salt), toBytes(info), length));
}

/** HKDF-SHA512, the key derivation of HAP and of the protocols built on it. */
export function hkdfSha512(
  ikm: Uint8Array,
  salt: KdfInput,
  info: KdfInput,
  length = 32,
): Uint8Array {
  return hkdf("sha512", ikm, salt, info, length);
}

function toBytes(value: KdfInput): Uint8Array {
  return typeof value === "string" ? new TextEncoder().encode(value) : value;
}

/** A salt and an info that derive one key. */
export interface KdfLabel {
  readonly salt: string;
  readonly info: string;
}

/**
 * The salts and infos of HAP's own pairing steps (HAP specification §5.6 and §5.7; the same
 * strings in pyatv's auth/hap_srp.py). Each protocol keeps its session-key labels itself.
 */
export const HapKdf = {
  /** Key that seals the M5 and M6 sub-TLVs of pair-setup. */
  PairSetupEncrypt: { salt: "Pair-Setup-Encrypt-Salt", info: "Pair-Setup-Encrypt-Info" },
  /** iOSDeviceX: prefix of what the controller signs in pair-setup M5. */
  PairSetupControllerSign: {
    salt: "Pair-Setup-Controller-Sign-Salt",
    info: "Pair-Setup-Controller-Sign-Info",
  },
  /** AccessoryX: prefix of what the accessory signs in pair-setup M6. */
  PairSetupAccessorySign: {
    salt: "Pair-Setup-Accessory-Sign-Salt",
    info: "Pair-Setup-Accessory-Sign-Info",
  },
  /** Key that seals the M2 and M3 sub-TLVs of pair-verify. */
  PairVerifyEncrypt: { salt: "Pair-Verify-Encrypt-Salt", info: "Pair-Verify-Encrypt-Info" },
} as const satisfies Record<string, KdfLabel>;
