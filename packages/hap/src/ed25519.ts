import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { LruCache } from "@atv/interface";

// Ed25519 through node:crypto (OpenSSL): about a hundred times faster than a pure
// JavaScript implementation, which matters for a pair-verify on every connect.
// Raw keys travel as JWK because Node 20 has no raw import format for them.

/** An Ed25519 key pair: the 32-byte seed (the private key) and the 32-byte public key. */
export interface Ed25519KeyPair {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

const KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

// Importing a seed derives its public key, a scalar multiplication of ~80 µs. Long-term
// keys sign at every pair-verify with the same few seeds, so the last few imports are kept.
const recentKeys = new LruCache<string, KeyObject>(8);

function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== KEY_LENGTH) {
    throw new RangeError(`an Ed25519 seed is ${KEY_LENGTH} bytes, got ${seed.length}`);
  }
  const d = b64url(seed);
  let key = recentKeys.get(d);
  if (key === undefined) {
    // The public part "x" is required by the JWK format but not used for a private key.
    key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x: "" }, format: "jwk" });
    recentKeys.set(d, key);
  }
  return key;
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const { x } = createPublicKey(key).export({ format: "jwk" });
  return new Uint8Array(Buffer.from(x ?? "", "base64url"));
}

/** The key pair of a 32-byte seed. */
export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  return { seed: seed.slice(), publicKey: rawPublicKey(privateKeyFromSeed(seed)) };
}

/** Signs a message with the key of a 32-byte seed; returns the 64-byte signature. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyFromSeed(seed)));
}

/** Whether a signature is valid; false for malformed keys and signatures too. */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  try {
    const key = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: b64url(publicKey) },
      format: "jwk",
    });
    return verify(null, message, key, signature);
  } catch {
    // OpenSSL refuses some byte strings as points; such a key verifies nothing.
    return false;
  }
}
