import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAlacFrame, encodeAlacFrame } from "./alac.js";
import { BYTES_PER_FRAME, FRAMES_PER_PACKET } from "./constants.js";

const hex = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** PCM of 1 to 352 stereo frames of random samples. */
const pcmArb = fc
  .integer({ min: 1, max: FRAMES_PER_PACKET })
  .chain((frames) =>
    fc.uint8Array({ minLength: frames * BYTES_PER_FRAME, maxLength: frames * BYTES_PER_FRAME }),
  );

describe("ALAC escape frames", () => {
  it("lays out a one-frame partial frame bit by bit", () => {
    // CPE(001) tag 0000, 12 zero bits, partial 1, shift 00, escape 1, count 1 (32 bits),
    // L 0x1234, R 0xABCD, END(111), zero padding.
    const frame = encodeAlacFrame(hex("3412cdab"));
    expect(toHex(frame)).toBe("200012000000022469579bc0");
    expect(toHex(decodeAlacFrame(frame))).toBe("3412cdab");
  });

  it("writes a full frame without a count: 1,412 bytes", () => {
    const pcm = new Uint8Array(FRAMES_PER_PACKET * BYTES_PER_FRAME);
    const view = new DataView(pcm.buffer);
    for (let i = 0; i < FRAMES_PER_PACKET; i++) {
      view.setInt16(i * 4, -32767, true);
      view.setInt16(i * 4 + 2, 32767, true);
    }
    const frame = encodeAlacFrame(pcm);
    expect(frame.length).toBe(1412);
    expect(toHex(frame.subarray(0, 8))).toBe("2000030002ffff00");
    expect(toHex(frame.subarray(-4))).toBe("02ffffc0");
    expect(decodeAlacFrame(frame)).toEqual(pcm);
  });

  it("round-trips random PCM of 1 to 352 frames", () => {
    fc.assert(
      fc.property(pcmArb, (pcm) => {
        expect(decodeAlacFrame(encodeAlacFrame(pcm))).toEqual(pcm);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips the extremes of every short length", () => {
    for (let frames = 1; frames <= FRAMES_PER_PACKET; frames++) {
      const pcm = new Uint8Array(frames * BYTES_PER_FRAME).map((_, i) => (i % 3 === 0 ? 0xff : i));
      expect(decodeAlacFrame(encodeAlacFrame(pcm))).toEqual(pcm);
    }
  });

  it("refuses PCM that is not 1 to 352 whole frames", () => {
    expect(() => encodeAlacFrame(new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeAlacFrame(new Uint8Array(6))).toThrow(RangeError);
    expect(() => encodeAlacFrame(new Uint8Array(353 * 4))).toThrow(RangeError);
  });

  it("reads a full frame with a smaller announced frame length as too long", () => {
    const frame = encodeAlacFrame(new Uint8Array(352 * 4));
    expect(() => decodeAlacFrame(frame, 100)).toThrow(ProtocolError);
    // A partial frame over the announced length is refused before anything is read.
    expect(() => decodeAlacFrame(encodeAlacFrame(new Uint8Array(200 * 4)), 100)).toThrow(
      ProtocolError,
    );
  });

  it.each([
    ["a mono element", "000012000000022469579bc0"],
    ["unused bits set", "200112000000022469579bc0"],
    ["a compressed frame", "200010000000022469579bc0"],
    ["bytes shifted", "200013000000022469579bc0"],
    ["a missing END", "200012000000022469579b00"],
    ["non-zero padding", "200012000000022469579bc1"],
    ["a trailing byte", "200012000000022469579bc000"],
    ["a truncated frame", "200012000000022469579b"],
    ["a count past the frame", "20001200000004"],
    ["an empty frame", ""],
  ])("rejects %s", (_, frame) => {
    expect(() => decodeAlacFrame(hex(frame))).toThrow(ProtocolError);
  });
});
