import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HapKdf, hkdf, hkdfSha512 } from "./hkdf.js";

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));

/** RFC 5869 written out with HMAC, independent of node's hkdfSync. */
function referenceHkdf(
  hash: string,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Buffer {
  const prk = createHmac(hash, salt).update(ikm).digest();
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    previous = createHmac(hash, prk)
      .update(previous)
      .update(info)
      .update(Buffer.from([i]))
      .digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

describe("HKDF", () => {
  it("matches RFC 5869 test case 1 (SHA-256) through the same code path", () => {
    const okm = hkdf(
      "sha256",
      new Uint8Array(22).fill(0x0b),
      hex("000102030405060708090a0b0c"),
      hex("f0f1f2f3f4f5f6f7f8f9"),
      42,
    );
    expect(Buffer.from(okm).toString("hex")).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  it("derives HKDF-SHA512 as RFC 5869 defines it", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 1, max: 200 }),
        (ikm, salt, info, length) => {
          expect(Buffer.from(hkdfSha512(ikm, salt, info, length))).toEqual(
            referenceHkdf("sha512", ikm, salt, info, length),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it("takes string salts and infos as UTF-8 and derives 32 bytes by default", () => {
    const ikm = hex("00112233");
    const { salt, info } = HapKdf.PairVerifyEncrypt;
    const key = hkdfSha512(ikm, salt, info);
    expect(key).toHaveLength(32);
    expect(Buffer.from(key)).toEqual(
      referenceHkdf("sha512", ikm, Buffer.from(salt), Buffer.from(info), 32),
    );
  });
});
