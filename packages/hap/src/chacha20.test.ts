import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chacha20Open, chacha20Seal, counterNonce, labelNonce, NonceLayout } from "./chacha20.js";
import { DecryptionError } from "./errors.js";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s/g, ""), "hex"));

// RFC 8439 §2.8.2: AEAD_CHACHA20_POLY1305 example.
const rfc = {
  plaintext: new TextEncoder().encode(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ),
  aad: hex("50515253c0c1c2c3c4c5c6c7"),
  key: hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
  nonce: hex("070000004041424344454647"),
  ciphertext: hex(`
    d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6
    3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36
    92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
    3ff4def08e4b7a9de576d26586cec64b6116`),
  tag: hex("1ae10b594f09e26a7e902ecbd0600691"),
};

describe("ChaCha20-Poly1305", () => {
  it("seals the RFC 8439 §2.8.2 example", () => {
    const sealed = chacha20Seal(rfc.key, rfc.nonce, rfc.plaintext, rfc.aad);
    expect(Buffer.from(sealed)).toEqual(Buffer.concat([rfc.ciphertext, rfc.tag]));
  });

  it("opens the RFC 8439 §2.8.2 example", () => {
    const sealed = new Uint8Array([...rfc.ciphertext, ...rfc.tag]);
    expect(Buffer.from(chacha20Open(rfc.key, rfc.nonce, sealed, rfc.aad))).toEqual(
      Buffer.from(rfc.plaintext),
    );
  });

  it("rejects a flipped bit, other additional data and a short input", () => {
    const sealed = new Uint8Array([...rfc.ciphertext, ...rfc.tag]);
    const tampered = sealed.slice();
    tampered[3] = (tampered[3] as number) ^ 1;
    expect(() => chacha20Open(rfc.key, rfc.nonce, tampered, rfc.aad)).toThrow(DecryptionError);
    expect(() => chacha20Open(rfc.key, rfc.nonce, sealed)).toThrow(DecryptionError);
    expect(() => chacha20Open(rfc.key, rfc.nonce, sealed.subarray(0, 15))).toThrow(DecryptionError);
  });

  it("opens what it seals", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.uint8Array({ maxLength: 20 }), { nil: undefined }),
        (key, nonce, plaintext, aad) => {
          const sealed = chacha20Seal(key, nonce, plaintext, aad);
          expect(sealed.length).toBe(plaintext.length + 16);
          expect(chacha20Open(key, nonce, sealed, aad)).toEqual(new Uint8Array(plaintext));
        },
      ),
    );
  });
});

describe("nonces", () => {
  it("puts a pairing label after four zero bytes, as pyatv pads it", () => {
    expect(Buffer.from(labelNonce("PV-Msg02"))).toEqual(
      Buffer.from([0, 0, 0, 0, ...new TextEncoder().encode("PV-Msg02")]),
    );
  });

  it("lays out counters as pyatv's two ciphers do", () => {
    // Chacha20Cipher8byteNonce: struct "<LQ" of (0, counter).
    expect(Buffer.from(counterNonce(0x0102n, NonceLayout.Counter64)).toString("hex")).toBe(
      "000000000201000000000000",
    );
    // Chacha20Cipher(nonce_length=12): the counter little-endian in 12 bytes.
    expect(Buffer.from(counterNonce(0x0102n, NonceLayout.Counter96)).toString("hex")).toBe(
      "020100000000000000000000",
    );
  });
});
