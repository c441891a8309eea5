import { readFileSync } from "node:fs";
import { DecryptionError } from "@atv/hap";
import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CompanionCipher,
  type CompanionFrame,
  encodeFrame,
  encodeFrameHeader,
  FrameDecoder,
  FrameType,
} from "./frame.js";

// biome-ignore lint/suspicious/noExplicitAny: vector files are untyped JSON
type Json = any;

const vectors: Json = JSON.parse(
  readFileSync(new URL("../../../../shared/vectors/companion.json", import.meta.url), "utf8"),
);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));
const outputKey = unhex(vectors.output_key_hex);
const inputKey = unhex(vectors.input_key_hex);
const encrypted = (vectors.vectors as Json[]).filter((v) => v.encrypted && v.opack_hex);

describe("companion frame vectors", () => {
  it("FrameType has pyatv's names and numbers", () => {
    expect({ ...FrameType }).toEqual(vectors.frame_types);
  });

  it("vector 0: a U_OPACK frame in clear", () => {
    const vector = vectors.vectors[0];
    expect(vector.encrypted).toBe(false);
    const frame = encodeFrame(vector.frame_type, unhex(vector.opack_hex));
    expect(hex(frame)).toBe(vector.frame_hex);
    expect(hex(frame.subarray(0, 4))).toBe(vector.header_hex);
    expect(new FrameDecoder().push(frame)).toEqual([
      { type: FrameType.U_OPACK, payload: unhex(vector.opack_hex) },
    ]);
  });

  it("vectors 1-3: E_OPACK frames sealed with the output key, counter 0, 1, 2", () => {
    expect(encrypted.map((v) => v.counter)).toEqual([0, 1, 2]);
    const cipher = new CompanionCipher(outputKey, inputKey);
    for (const vector of encrypted) {
      expect(vector.nonce_hex).toBe(
        `${vector.counter.toString(16).padStart(2, "0")}${"00".repeat(11)}`,
      );
      const frame = cipher.sealFrame(vector.frame_type, unhex(vector.opack_hex));
      expect(hex(frame)).toBe(vector.frame_hex);
      expect(hex(frame.subarray(0, 4))).toBe(vector.header_hex);
    }
    // Vector 4: an empty payload goes in clear, with no tag.
    const noop = vectors.vectors[4];
    expect(hex(cipher.sealFrame(noop.frame_type, new Uint8Array(0)))).toBe(noop.frame_hex);
  });

  it("an empty frame uses no nonce", () => {
    const cipher = new CompanionCipher(outputKey, inputKey);
    expect(hex(cipher.sealFrame(FrameType.NoOp, new Uint8Array(0)))).toBe("01000000");
    expect(hex(cipher.sealFrame(8, unhex(encrypted[0].opack_hex)))).toBe(encrypted[0].frame_hex);
  });

  it("a peer with the keys swapped opens them, across an empty frame", () => {
    const peer = new CompanionCipher(inputKey, outputKey);
    const decoder = new FrameDecoder();
    const stream = unhex(
      encrypted[0].frame_hex +
        vectors.vectors[4].frame_hex +
        encrypted[1].frame_hex +
        encrypted[2].frame_hex,
    );
    const frames = decoder.push(stream).map((frame) => peer.openFrame(frame));
    expect(frames.map((f) => [f.type, hex(f.payload)])).toEqual([
      [8, encrypted[0].opack_hex],
      [1, ""],
      [8, encrypted[1].opack_hex],
      [8, encrypted[2].opack_hex],
    ]);
  });

  it("tampering, replay and the wrong key are DecryptionErrors", () => {
    const frame: CompanionFrame = new FrameDecoder().push(
      unhex(encrypted[0].frame_hex),
    )[0] as CompanionFrame;
    const tampered = frame.payload.slice();
    tampered[3] = (tampered[3] as number) ^ 1;
    expect(() =>
      new CompanionCipher(inputKey, outputKey).openFrame({ type: 8, payload: tampered }),
    ).toThrow(DecryptionError);
    // The header is authenticated: another type fails.
    expect(() =>
      new CompanionCipher(inputKey, outputKey).openFrame({ type: 7, payload: frame.payload }),
    ).toThrow(ProtocolError);
    // Our own output key does not open what we sent.
    expect(() => new CompanionCipher(outputKey, inputKey).openFrame(frame)).toThrow(
      DecryptionError,
    );
    // A second frame is expected under nonce 1.
    const peer = new CompanionCipher(inputKey, outputKey);
    peer.openFrame(frame);
    expect(() => peer.openFrame(frame)).toThrow(DecryptionError);
    expect(() => peer.openFrame({ type: 8, payload: new Uint8Array(5) })).toThrow(ProtocolError);
  });

  it("a bad frame uses up its nonce, so the next frame still opens (as pyatv)", () => {
    const peer = new CompanionCipher(inputKey, outputKey);
    const decoder = new FrameDecoder();
    const [first, second] = decoder.push(
      unhex(encrypted[0].frame_hex + encrypted[1].frame_hex),
    ) as [CompanionFrame, CompanionFrame];
    const broken = first.payload.slice();
    broken[0] = (broken[0] as number) ^ 0xff;
    expect(() => peer.openFrame({ type: first.type, payload: broken })).toThrow(DecryptionError);
    expect(hex(peer.openFrame(second).payload)).toBe(encrypted[1].opack_hex);
  });
});

describe("frame encoding", () => {
  it("writes a 3-byte big-endian length", () => {
    expect(hex(encodeFrameHeader(FrameType.E_OPACK, 0x123456))).toBe("08123456");
    expect(() => encodeFrameHeader(8, 0x1000000)).toThrow(RangeError);
    expect(() => encodeFrameHeader(256, 0)).toThrow(RangeError);
    expect(() => new CompanionCipher(new Uint8Array(31), inputKey)).toThrow(RangeError);
  });
});

describe("FrameDecoder", () => {
  it("buffers partial frames across pushes", () => {
    const stream = unhex(vectors.vectors[0].frame_hex + vectors.vectors[4].frame_hex);
    const decoder = new FrameDecoder();
    const frames: CompanionFrame[] = [];
    for (const byte of stream) frames.push(...decoder.push(Uint8Array.of(byte)));
    expect(frames.map((f) => f.type)).toEqual([7, 1]);
    expect(hex(frames[0]?.payload ?? new Uint8Array())).toBe(vectors.vectors[0].opack_hex);
    expect(decoder.bufferedLength).toBe(0);
  });

  it("refuses an oversized frame and stays failed", () => {
    const decoder = new FrameDecoder({ maxPayloadLength: 10 });
    expect(decoder.push(encodeFrame(7, new Uint8Array(10)))).toHaveLength(1);
    expect(() => decoder.push(unhex("0700000b"))).toThrow(ProtocolError);
    expect(decoder.failed).toBe(true);
    expect(() => decoder.push(encodeFrame(7, new Uint8Array(1)))).toThrow(ProtocolError);
    expect(() => new FrameDecoder().push(unhex("08100001"))).toThrow(ProtocolError);
  });

  const frameArb = fc.record({
    type: fc.integer({ min: 0, max: 255 }),
    payload: fc.uint8Array({ maxLength: 300 }),
  });

  it("any split of a stream of frames gives the frames back", () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.payload)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const decoder = new FrameDecoder();
          const out: CompanionFrame[] = [];
          let last = 0;
          for (const point of [...points, stream.length]) {
            out.push(...decoder.push(stream.subarray(last, point)));
            last = point;
          }
          expect(out).toEqual(frames);
          expect(decoder.bufferedLength).toBe(0);
        },
      ),
    );
  });

  it("random and mutated streams give frames or a ProtocolError, never more bytes than given", () => {
    const mutated = fc
      .tuple(
        fc.array(frameArb, { maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
      )
      .map(([frames, at, byte, cut]) => {
        const stream = Uint8Array.from(
          Buffer.concat(frames.map((f) => encodeFrame(f.type, f.payload))),
        );
        if (stream.length > 0) stream[at % stream.length] = byte;
        return stream.subarray(0, cut % (stream.length + 1));
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated), (stream) => {
        const decoder = new FrameDecoder({ maxPayloadLength: 4096 });
        try {
          const frames = decoder.push(stream);
          const used = frames.reduce((n, f) => n + 4 + f.payload.length, 0);
          expect(used + decoder.bufferedLength).toBe(stream.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect(decoder.failed).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("the cipher opens random payloads only if sealed by the peer", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }),
        (payload, junk) => {
          const sender = new CompanionCipher(outputKey, inputKey);
          const receiver = new CompanionCipher(inputKey, outputKey);
          const [frame] = new FrameDecoder().push(sender.sealFrame(FrameType.E_OPACK, payload));
          expect(hex(receiver.openFrame(frame as CompanionFrame).payload)).toBe(hex(payload));
          if (junk.length > 0) {
            expect(() => receiver.openFrame({ type: 8, payload: junk })).toThrow(ProtocolError);
          }
        },
      ),
    );
  });
});
