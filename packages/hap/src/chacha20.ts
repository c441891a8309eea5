import { createCipheriv, createDecipheriv } from "node:crypto";
import { DecryptionError } from "./errors.js";

const KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const ALGORITHM = "chacha20-poly1305";

/**
 * Seals a plaintext with ChaCha20-Poly1305 (RFC 8439); returns the ciphertext followed by
 * its 16-byte tag.
 */
export function chacha20Seal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  checkKeyAndNonce(key, nonce);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_LENGTH });
  if (aad !== undefined) cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const head = cipher.update(plaintext);
  cipher.final();
  const out = new Uint8Array(head.length + TAG_LENGTH);
  out.set(head, 0);
  out.set(cipher.getAuthTag(), head.length);
  return out;
}

/** Opens what `chacha20Seal` sealed; a wrong tag is a DecryptionError. */
export function chacha20Open(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  checkKeyAndNonce(key, nonce);
  if (sealed.length < TAG_LENGTH) {
    throw new DecryptionError(`ciphertext of ${sealed.length} bytes is shorter than its tag`);
  }
  const bodyLength = sealed.length - TAG_LENGTH;
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(sealed.subarray(bodyLength));
  if (aad !== undefined) decipher.setAAD(aad, { plaintextLength: bodyLength });
  const plaintext = decipher.update(sealed.subarray(0, bodyLength));
  try {
    decipher.final();
  } catch (error) {
    throw new DecryptionError("ChaCha20-Poly1305 authentication tag mismatch", { cause: error });
  }
  return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
}

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== KEY_LENGTH) {
    throw new RangeError(`a ChaCha20-Poly1305 key is ${KEY_LENGTH} bytes, got ${key.length}`);
  }
  if (nonce.length !== NONCE_LENGTH) {
    throw new RangeError(`a ChaCha20-Poly1305 nonce is ${NONCE_LENGTH} bytes, got ${nonce.length}`);
  }
}

/** The nonce of a pairing message, e.g. "PV-Msg02": the ASCII label after 4 zero bytes. */
export function labelNonce(label: string): Uint8Array {
  const bytes = new TextEncoder().encode(label);
  if (bytes.length > NONCE_LENGTH) throw new RangeError(`nonce label too long: ${label}`);
  const nonce = new Uint8Array(NONCE_LENGTH);
  nonce.set(bytes, NONCE_LENGTH - bytes.length);
  return nonce;
}

/**
 * How a message counter becomes a 12-byte nonce (pyatv's support/chacha20.py has both).
 */
export const NonceLayout = {
  /**
   * Four zero bytes, then the counter as 64-bit little-endian: HAP's layout, used by MRP,
   * AirPlay and HAP frames (pyatv's `Chacha20Cipher8byteNonce` and its default).
   */
  Counter64: "counter64",
  /** The counter little-endian over all 12 bytes: Companion (pyatv's `nonce_length=12`). */
  Counter96: "counter96",
} as const;
export type NonceLayout = (typeof NonceLayout)[keyof typeof NonceLayout];

/** The nonce of message number `counter` in a layout. */
export function counterNonce(counter: bigint, layout: NonceLayout): Uint8Array {
  const nonce = Buffer.alloc(NONCE_LENGTH);
  if (layout === NonceLayout.Counter64) {
    nonce.writeBigUInt64LE(BigInt.asUintN(64, counter), 4);
  } else {
    nonce.writeBigUInt64LE(BigInt.asUintN(64, counter), 0);
    nonce.writeUInt32LE(Number(BigInt.asUintN(32, counter >> 64n)), 8);
  }
  return nonce;
}
