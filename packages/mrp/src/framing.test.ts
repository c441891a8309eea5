import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_FRAME_LENGTH, encodeFrame, encodeVarint, FrameDecoder } from "./framing.js";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const bytes = (length: number, fill = 0xab) => new Uint8Array(length).fill(fill);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** Cuts `data` at the given offsets (taken modulo its length, sorted). */
function cut(data: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(start, point));
    start = point;
  }
  return chunks;
}

function feed(decoder: FrameDecoder, chunks: readonly Uint8Array[]): Uint8Array[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

function pushError(decoder: FrameDecoder, chunk: Uint8Array): unknown {
  try {
    decoder.push(chunk);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("encodeVarint", () => {
  // Vectors from pyatv's tests/support/test_variant.py.
  it.each([
    [0, "00"],
    [0x35, "35"],
    [8757, "b544"],
    [18757, "c59201"],
  ])("encodes %i as %s", (value, expected) => {
    expect(Buffer.from(encodeVarint(value)).toString("hex")).toBe(expected);
  });

  it("encodes lengths beyond 32 bits without overflowing", () => {
    expect(Buffer.from(encodeVarint(2 ** 35)).toString("hex")).toBe("8080808080" + "01");
  });

  it("refuses negative and fractional numbers", () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
  });
});

describe("encodeFrame", () => {
  it("prefixes the payload with its length", () => {
    expect(Buffer.from(encodeFrame(hex("cafe"))).toString("hex")).toBe("02cafe");
    expect(encodeFrame(new Uint8Array(0))).toEqual(hex("00"));
    const frame = encodeFrame(bytes(300));
    expect(Buffer.from(frame.subarray(0, 2)).toString("hex")).toBe("ac02");
    expect(frame.length).toBe(302);
  });
});

describe("FrameDecoder", () => {
  it("returns a frame that arrives whole", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(hex("03010203"))).toEqual([hex("010203")]);
    expect(decoder.bufferedLength).toBe(0);
  });

  it("returns nothing until a frame is complete, then the frame", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(hex("0401"))).toEqual([]);
    expect(decoder.push(hex("02"))).toEqual([]);
    expect(decoder.bufferedLength).toBe(3);
    expect(decoder.push(hex("0304"))).toEqual([hex("01020304")]);
    expect(decoder.bufferedLength).toBe(0);
  });

  it("handles a chunk boundary inside the length prefix", () => {
    const payload = bytes(200, 7);
    const frame = encodeFrame(payload);
    const decoder = new FrameDecoder();
    expect(decoder.push(frame.subarray(0, 1))).toEqual([]);
    expect(decoder.push(frame.subarray(1, 2))).toEqual([]);
    expect(decoder.push(frame.subarray(2))).toEqual([payload]);
  });

  it("decodes frames fed one byte at a time", () => {
    const payloads = [hex("aa"), new Uint8Array(0), bytes(130, 1), hex("0102")];
    const stream = concat(payloads.map(encodeFrame));
    const decoder = new FrameDecoder();
    const frames = feed(decoder, cut(stream, [...stream.keys()]));
    expect(frames).toEqual(payloads);
  });

  it("returns every frame of a chunk holding several, and keeps the remainder", () => {
    const stream = concat([encodeFrame(hex("01")), encodeFrame(hex("0203")), hex("0304")]);
    const decoder = new FrameDecoder();
    expect(decoder.push(stream)).toEqual([hex("01"), hex("0203")]);
    expect(decoder.bufferedLength).toBe(2);
    expect(decoder.push(hex("0506"))).toEqual([hex("040506")]);
  });

  it("returns empty frames", () => {
    expect(new FrameDecoder().push(hex("000000"))).toEqual([
      new Uint8Array(0),
      new Uint8Array(0),
      new Uint8Array(0),
    ]);
  });

  it("accepts a frame of exactly the limit", () => {
    const decoder = new FrameDecoder({ maxFrameLength: 16 });
    expect(decoder.push(encodeFrame(bytes(16)))).toEqual([bytes(16)]);
  });

  it("refuses a frame over the default limit as soon as its length is known", () => {
    const decoder = new FrameDecoder();
    const error = pushError(decoder, encodeVarint(DEFAULT_MAX_FRAME_LENGTH + 1));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe(
      `frame of ${DEFAULT_MAX_FRAME_LENGTH + 1} bytes exceeds the limit of ${DEFAULT_MAX_FRAME_LENGTH}`,
    );
  });

  it("refuses a frame over a configured limit, and stays failed", () => {
    const decoder = new FrameDecoder({ maxFrameLength: 10 });
    expect(decoder.push(encodeFrame(bytes(10)))).toEqual([bytes(10)]);
    const error = pushError(decoder, hex("0b"));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe("frame of 11 bytes exceeds the limit of 10");
    expect(pushError(decoder, hex("01aa"))).toBe(error);
    expect(decoder.bufferedLength).toBe(0);
  });

  it("refuses a length prefix longer than five bytes", () => {
    const decoder = new FrameDecoder({ maxFrameLength: 0xffff_ffff });
    expect(decoder.push(hex("ffffffff"))).toEqual([]);
    const error = pushError(decoder, hex("ff"));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/length prefix is longer than 5 bytes/);
  });

  it("refuses a five-byte prefix whose value is over the limit", () => {
    const decoder = new FrameDecoder({ maxFrameLength: 0xffff_ffff });
    expect(pushError(decoder, hex("ffffffff7f"))).toBeInstanceOf(ProtocolError);
  });

  it("refuses invalid limits", () => {
    expect(() => new FrameDecoder({ maxFrameLength: -1 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ maxFrameLength: 2 ** 32 })).toThrow(RangeError);
  });

  it("gives back the same frames for any chunking of any frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, offsets) => {
          const stream = concat(payloads.map(encodeFrame));
          const decoder = new FrameDecoder();
          expect(feed(decoder, cut(stream, offsets))).toEqual(payloads);
          expect(decoder.bufferedLength).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("never throws anything but ProtocolError on random input, and returns only valid frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        fc.integer({ min: 0, max: 64 }),
        (chunks, maxFrameLength) => {
          const decoder = new FrameDecoder({ maxFrameLength });
          const frames: Uint8Array[] = [];
          try {
            for (const chunk of chunks) frames.push(...decoder.push(chunk));
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
          // Whatever came out is what a plain reading of the input gives (length prefixes
          // may be written longer than needed, so re-encoding would not give the input).
          expect(frames).toEqual(
            referenceFrames(concat(chunks), maxFrameLength).slice(0, frames.length),
          );
          for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(maxFrameLength);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/** Frames read from `input` the simplest way, up to the first incomplete or invalid one. */
function referenceFrames(input: Uint8Array, maxFrameLength: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    let length = 0;
    let shift = 0;
    let byte = 0x80;
    let used = 0;
    while (byte & 0x80) {
      if (offset + used >= input.length || used === 5) return frames;
      byte = input[offset + used] ?? 0;
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      used += 1;
    }
    if (length > maxFrameLength || offset + used + length > input.length) return frames;
    frames.push(input.subarray(offset + used, offset + used + length));
    offset += used + length;
  }
}
