import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecryptionError } from "./errors.js";
import { HapFrameCipher } from "./frame-cipher.js";
import { HapSession } from "./hap-session.js";

const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);
const pair = (): [HapFrameCipher, HapFrameCipher] => [
  new HapFrameCipher(keyA, keyB),
  new HapFrameCipher(keyB, keyA),
];

describe("HapFrameCipher", () => {
  it("cuts data into frames of at most 1024 bytes, length as additional data", () => {
    const [sender] = pair();
    const data = new Uint8Array(1500).map((_, i) => i % 251);
    const frames = sender.encrypt(data);
    expect(frames.length).toBe(2 + 1024 + 16 + 2 + 476 + 16);
    expect(Array.from(frames.subarray(0, 2))).toEqual([0x00, 0x04]);
    expect(Array.from(frames.subarray(1042, 1044))).toEqual([476 & 0xff, 476 >> 8]);

    // Each frame is a session message sealed with its length field as additional data.
    const session = new HapSession(keyB, keyA);
    const first = session.decrypt(frames.subarray(2, 1042), frames.subarray(0, 2));
    expect(first).toEqual(data.subarray(0, 1024));
  });

  it("gives nothing for nothing", () => {
    const [sender, receiver] = pair();
    expect(sender.encrypt(new Uint8Array(0))).toHaveLength(0);
    expect(receiver.decrypt(new Uint8Array(0))).toHaveLength(0);
  });

  it("decrypts a stream however it is split or coalesced", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 2500 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 1200 }), { minLength: 1, maxLength: 20 }),
        (messages, cuts) => {
          const [sender, receiver] = pair();
          const stream = Buffer.concat(messages.map((m) => sender.encrypt(m)));
          const received: Uint8Array[] = [];
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const size = cuts[i % cuts.length] as number;
            received.push(receiver.decrypt(stream.subarray(offset, offset + size)));
            offset += size;
          }
          expect(receiver.bufferedBytes).toBe(0);
          expect(Buffer.concat(received)).toEqual(Buffer.concat(messages));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("waits for the rest of a partial frame", () => {
    const [sender, receiver] = pair();
    const frames = sender.encrypt(new TextEncoder().encode("hello"));
    expect(receiver.decrypt(frames.subarray(0, 1))).toHaveLength(0);
    expect(receiver.decrypt(frames.subarray(1, 10))).toHaveLength(0);
    expect(receiver.bufferedBytes).toBe(10);
    expect(new TextDecoder().decode(receiver.decrypt(frames.subarray(10)))).toBe("hello");
  });

  it("fails on a tampered length or body, and stays failed", () => {
    for (const position of [0, 5]) {
      const [sender, receiver] = pair();
      const frames = sender.encrypt(new TextEncoder().encode("hello world"));
      const later = sender.encrypt(new TextEncoder().encode("later"));
      const tampered = frames.slice();
      tampered[position] = (tampered[position] as number) ^ (position === 0 ? 0x01 : 0xff);
      // A changed length either leaves the frame incomplete or breaks its tag.
      const attempt = (): Uint8Array => receiver.decrypt(Buffer.concat([tampered, later]));
      expect(attempt).toThrow(DecryptionError);
      expect(() => receiver.decrypt(later)).toThrow(DecryptionError);
    }
  });

  it("never throws anything but DecryptionError on random streams", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), (chunks) => {
        const [, receiver] = pair();
        try {
          for (const chunk of chunks) receiver.decrypt(chunk);
        } catch (error) {
          expect(error).toBeInstanceOf(DecryptionError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
