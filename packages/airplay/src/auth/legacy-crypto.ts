// The cryptography of AirPlay's legacy pairing (pyatv's protocols/airplay/srp.py), shared
// by both sides. The scheme: SRP-6a over the 2048-bit group of RFC 5054 with SHA-1, whose
// session key is SHA1(S | 00000000) | SHA1(S | 00000001) (srp.py's AtvSRPContext);
// the client's long-term Ed25519 public key then travels sealed with AES-128-GCM, and
// pair-verify proves possession of that key under AES-128-CTR. One 32-byte seed serves
// the client as Ed25519 seed, X25519 private key and SRP private value.

import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import type { SrpGroup } from "@atv/hap";
import { AuthenticationError } from "@atv/interface";
import { SRP } from "fast-srp-hap";

/**
 * fast-srp-hap's 2048-bit group with SHA-1. For SHA-1 that library derives the session key
 * with exactly the interleaved hash above, so it reproduces pyatv's exchanges bit for bit
 * (checked against a recorded pairing in legacy.test.ts).
 */
export function legacySrpGroup(): SrpGroup {
  legacyGroup ??= Object.freeze({ ...SRP.params[2048], hash: "sha1" });
  return legacyGroup;
}

// Built at first use: see @atv/hap's hapSrpGroup.
let legacyGroup: SrpGroup | undefined;

/** The length of an AES-GCM authentication tag. */
export const GCM_TAG_LENGTH = 16;

function sha512(label: string, secret: Uint8Array): Buffer {
  return createHash("sha512").update(label).update(secret).digest();
}

/** AES key and base IV that seal the public keys exchanged at the end of pair-setup. */
export function setupCipherParams(sessionKey: Uint8Array): { key: Buffer; iv: Buffer } {
  return {
    key: sha512("Pair-Setup-AES-Key", sessionKey).subarray(0, 16),
    iv: sha512("Pair-Setup-AES-IV", sessionKey).subarray(0, 16),
  };
}

/**
 * The IV of one sealed key: the base IV with its last byte raised by `step`. The client
 * seals its key with step 1 (srp.py: "Last byte must be increased by 1"); a device
 * answers with its own key sealed with step 2 (found by opening the answer of the real
 * device that pyatv's tests recorded).
 */
export function setupIv(iv: Uint8Array, step: number): Buffer {
  const out = Buffer.from(iv);
  out[15] = ((out[15] as number) + step) & 0xff;
  return out;
}

/** AES-128-GCM with pyatv's 16-byte IV; returns the ciphertext and the tag apart. */
export function gcmSeal(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const cipher = createCipheriv("aes-128-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: new Uint8Array(ciphertext), tag: new Uint8Array(cipher.getAuthTag()) };
}

/** Opens what gcmSeal made; a wrong key, IV or tag is an AuthenticationError. */
export function gcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Uint8Array {
  if (tag.length !== GCM_TAG_LENGTH) {
    throw new AuthenticationError(`legacy pairing: authentication tag is ${tag.length} bytes`);
  }
  try {
    const decipher = createDecipheriv("aes-128-gcm", key, iv);
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch (error) {
    throw new AuthenticationError("legacy pairing: sealed key does not open", { cause: error });
  }
}

/**
 * The AES-128-CTR stream of a legacy pair-verify, keyed from the X25519 secret. Both
 * signatures run through one stream: the device's first (64 bytes), then the client's,
 * so the client's starts 64 bytes in (srp.py's verify2 feeds the device's data to the
 * cipher before its own signature and keeps only the latter).
 */
export function verifyCipher(sharedSecret: Uint8Array): {
  update(data: Uint8Array): Uint8Array;
} {
  const key = sha512("Pair-Verify-AES-Key", sharedSecret).subarray(0, 16);
  const iv = sha512("Pair-Verify-AES-IV", sharedSecret).subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, iv);
  return { update: (data) => new Uint8Array(cipher.update(data)) };
}

/** Legacy pair-verify message prefixes: 1 before the keys, 0 before the signature. */
export const VERIFY_KEYS_PREFIX = Uint8Array.of(1, 0, 0, 0);
export const VERIFY_SIGNATURE_PREFIX = Uint8Array.of(0, 0, 0, 0);
/** Ed25519 signatures and X25519/Ed25519 keys. */
export const SIGNATURE_LENGTH = 64;
export const KEY_LENGTH = 32;
