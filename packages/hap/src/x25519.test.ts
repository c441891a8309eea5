import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { x25519KeyPair, x25519KeyPairFromPrivate, x25519SharedSecret } from "./x25519.js";

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));

describe("X25519", () => {
  it("matches RFC 7748 §5.2 (first vector)", () => {
    const scalar = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    const u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    expect(Buffer.from(x25519SharedSecret(scalar, u)).toString("hex")).toBe(
      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    );
  });

  it("matches RFC 7748 §6.1 (Diffie-Hellman)", () => {
    const alice = x25519KeyPairFromPrivate(
      hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
    );
    const bob = x25519KeyPairFromPrivate(
      hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
    );
    expect(Buffer.from(alice.publicKey).toString("hex")).toBe(
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    );
    expect(Buffer.from(bob.publicKey).toString("hex")).toBe(
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    );
    const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(Buffer.from(x25519SharedSecret(alice.privateKey, bob.publicKey)).toString("hex")).toBe(
      shared,
    );
    expect(Buffer.from(x25519SharedSecret(bob.privateKey, alice.publicKey)).toString("hex")).toBe(
      shared,
    );
  });

  it("agrees with tweetnacl's scalar multiplication", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          const peer = nacl.scalarMult.base(b);
          expect(x25519KeyPairFromPrivate(a).publicKey).toEqual(nacl.scalarMult.base(a));
          expect(x25519SharedSecret(a, peer)).toEqual(nacl.scalarMult(a, peer));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("makes fresh key pairs that agree", () => {
    const a = x25519KeyPair();
    const b = x25519KeyPair();
    expect(a.privateKey).toHaveLength(32);
    expect(x25519SharedSecret(a.privateKey, b.publicKey)).toEqual(
      x25519SharedSecret(b.privateKey, a.publicKey),
    );
  });

  it("rejects a short peer key and a low-order point", () => {
    const ours = x25519KeyPair().privateKey;
    expect(() => x25519SharedSecret(ours, new Uint8Array(31))).toThrow(ProtocolError);
    expect(() => x25519SharedSecret(ours, new Uint8Array(32))).toThrow(ProtocolError);
  });
});
