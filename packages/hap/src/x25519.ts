import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { ProtocolError } from "@atv/interface";

// X25519 through node:crypto, for the same reason as ./ed25519.ts.

/** An X25519 key pair, both 32 bytes. */
export interface X25519KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

const KEY_LENGTH = 32;

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

function fromB64url(text: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(text ?? "", "base64url"));
}

/** A fresh random key pair. */
export function x25519KeyPair(): X25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  return {
    privateKey: fromB64url(privateKey.export({ format: "jwk" }).d),
    publicKey: fromB64url(publicKey.export({ format: "jwk" }).x),
  };
}

/** The key pair of a 32-byte private key (scalar). */
export function x25519KeyPairFromPrivate(privateKey: Uint8Array): X25519KeyPair {
  const key = importPrivate(privateKey);
  return {
    privateKey: privateKey.slice(),
    publicKey: fromB64url(createPublicKey(key).export({ format: "jwk" }).x),
  };
}

/**
 * The shared secret of our private key and the peer's public key. A peer key of the wrong
 * length, or one that yields the all-zero secret (a low-order point), is a ProtocolError.
 */
export function x25519SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  if (peerPublicKey.length !== KEY_LENGTH) {
    throw new ProtocolError(`X25519 public key must be 32 bytes, got ${peerPublicKey.length}`);
  }
  const ours = importPrivate(privateKey);
  try {
    const publicKey = createPublicKey({
      key: { kty: "OKP", crv: "X25519", x: b64url(peerPublicKey) },
      format: "jwk",
    });
    return new Uint8Array(diffieHellman({ privateKey: ours, publicKey }));
  } catch (error) {
    throw new ProtocolError("X25519 key agreement failed: unusable public key", {
      cause: error,
    });
  }
}

function importPrivate(privateKey: Uint8Array): KeyObject {
  if (privateKey.length !== KEY_LENGTH) {
    throw new RangeError(`an X25519 private key is ${KEY_LENGTH} bytes, got ${privateKey.length}`);
  }
  return createPrivateKey({
    key: { kty: "OKP", crv: "X25519", d: b64url(privateKey), x: "" },
    format: "jwk",
  });
}
