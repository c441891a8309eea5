import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from "./ed25519.js";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s/g, ""), "hex"));

// RFC 8032 §7.1, tests 1 and 2.
const vectors = [
  {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: `e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155
      5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b`,
  },
  {
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: `92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da
      085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00`,
  },
];

describe("Ed25519", () => {
  for (const [index, v] of vectors.entries()) {
    it(`matches RFC 8032 test ${index + 1}`, () => {
      expect(ed25519KeyPairFromSeed(hex(v.seed)).publicKey).toEqual(hex(v.publicKey));
      expect(ed25519Sign(hex(v.seed), hex(v.message))).toEqual(hex(v.signature));
      expect(ed25519Verify(hex(v.publicKey), hex(v.message), hex(v.signature))).toBe(true);
    });
  }

  it("rejects a changed message, a changed signature and malformed keys", () => {
    const v = vectors[1] as (typeof vectors)[number];
    const signature = hex(v.signature);
    expect(ed25519Verify(hex(v.publicKey), hex("73"), signature)).toBe(false);
    signature[0] = (signature[0] as number) ^ 1;
    expect(ed25519Verify(hex(v.publicKey), hex(v.message), signature)).toBe(false);
    expect(ed25519Verify(new Uint8Array(31), hex(v.message), hex(v.signature))).toBe(false);
    expect(ed25519Verify(hex(v.publicKey), hex(v.message), new Uint8Array(63))).toBe(false);
    expect(() => ed25519Sign(new Uint8Array(64), hex(v.message))).toThrow(RangeError);
  });

  it("agrees with tweetnacl, which takes the 64-byte secret key instead of the seed", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        (seed, message) => {
          const nacl64 = nacl.sign.keyPair.fromSeed(seed);
          expect(ed25519KeyPairFromSeed(seed).publicKey).toEqual(nacl64.publicKey);
          const signature = ed25519Sign(seed, message);
          expect(signature).toEqual(nacl.sign.detached(message, nacl64.secretKey));
          expect(nacl.sign.detached.verify(message, signature, nacl64.publicKey)).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("signs with the right key when many seeds take turns (imports are kept for a few)", () => {
    const seeds = Array.from({ length: 12 }, (_, i) => new Uint8Array(32).fill(i + 1));
    const message = new TextEncoder().encode("turns");
    for (let round = 0; round < 3; round++) {
      for (const [i, seed] of seeds.entries()) {
        const index = round % 2 === 0 ? i : seeds.length - 1 - i;
        const used = seeds[index] ?? seed;
        const signature = ed25519Sign(used, message);
        const expected = nacl.sign.detached(message, nacl.sign.keyPair.fromSeed(used).secretKey);
        expect(Buffer.from(signature).equals(Buffer.from(expected))).toBe(true);
      }
    }
  });

  it("never throws when verifying random bytes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 10 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (key, message, signature) => {
          expect(ed25519Verify(key, message, signature)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
