import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chacha20Seal, counterNonce, NonceLayout } from "./chacha20.js";
import { DecryptionError } from "./errors.js";
import { HapSession } from "./hap-session.js";

const keyA = new Uint8Array(32).fill(0x6b);
const keyB = new Uint8Array(32).fill(0x42);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("HapSession", () => {
  it("talks to its mirror image, with one counter per direction", () => {
    const client = new HapSession(keyA, keyB);
    const device = new HapSession(keyB, keyA);
    for (const text of ["one", "two", "three"]) {
      expect(device.decrypt(client.encrypt(bytes(text)))).toEqual(bytes(text));
    }
    expect(client.decrypt(device.encrypt(bytes("back")))).toEqual(bytes("back"));
    expect(client.outputCounter).toBe(3n);
    expect(client.inputCounter).toBe(1n);
    expect(device.inputCounter).toBe(3n);
  });

  it("uses the counter nonce of its layout for message n", () => {
    for (const layout of [NonceLayout.Counter64, NonceLayout.Counter96]) {
      const session = new HapSession(keyA, keyB, { nonce: layout });
      session.encrypt(bytes("first"));
      const second = session.encrypt(bytes("second"), bytes("aad"));
      expect(second).toEqual(
        chacha20Seal(keyA, counterNonce(1n, layout), bytes("second"), bytes("aad")),
      );
    }
  });

  it("defaults to the four-zero-bytes layout of MRP and HAP", () => {
    const sealed = new HapSession(keyA, keyB).encrypt(bytes("x"));
    expect(sealed).toEqual(chacha20Seal(keyA, new Uint8Array(12), bytes("x")));
    const second = new HapSession(keyA, keyB);
    second.encrypt(bytes("x"));
    expect(second.encrypt(bytes("x"))).toEqual(
      chacha20Seal(keyA, Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]), bytes("x")),
    );
  });

  it("rejects a tampered message without advancing the counter", () => {
    const client = new HapSession(keyA, keyB);
    const device = new HapSession(keyB, keyA);
    const sealed = client.encrypt(bytes("play"));
    const tampered = sealed.slice();
    tampered[0] = (tampered[0] as number) ^ 0x80;
    expect(() => device.decrypt(tampered)).toThrow(DecryptionError);
    expect(device.inputCounter).toBe(0n);
    expect(device.decrypt(sealed)).toEqual(bytes("play"));
  });

  it("rejects a replayed message", () => {
    const client = new HapSession(keyA, keyB);
    const device = new HapSession(keyB, keyA);
    const sealed = client.encrypt(bytes("play"));
    device.decrypt(sealed);
    expect(() => device.decrypt(sealed)).toThrow(DecryptionError);
  });

  it("checks additional data and key lengths", () => {
    const client = new HapSession(keyA, keyB);
    const device = new HapSession(keyB, keyA);
    expect(() => device.decrypt(client.encrypt(bytes("x"), bytes("a")), bytes("b"))).toThrow(
      DecryptionError,
    );
    expect(() => new HapSession(new Uint8Array(16), keyB)).toThrow(RangeError);
  });

  it("never throws anything but DecryptionError on random input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
        expect(() => new HapSession(keyA, keyB).decrypt(data)).toThrow(DecryptionError);
      }),
      { numRuns: 300 },
    );
  });
});
