import { readFileSync } from "node:fs";
import { AtvError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStreamInfo } from "./decode-flac.js";
import { parseOggPage } from "./decode-ogg.js";
import { id3TagLength } from "./id3.js";
import { isMpegFrameStart, mpegDuration, parseMpegHeader } from "./mpeg.js";

const fixtures = new URL("../../test-fixtures/", import.meta.url).pathname;

describe("MPEG headers", () => {
  it("reads the fixture's first frame and its Xing/LAME length", () => {
    const file = new Uint8Array(readFileSync(`${fixtures}tone.mp3`));
    const frame = file.subarray(id3TagLength(file) ?? 0);
    expect(parseMpegHeader(frame)).toMatchObject({
      version: 1,
      layer: 3,
      sampleRate: 44100,
      bitrate: 128_000,
      samplesPerFrame: 1152,
      frameLength: 417,
    });
    expect(isMpegFrameStart(frame, 0)).toBe(true);
    // LAME's delay and padding are taken off: exactly the 22,050 frames that were encoded.
    expect(mpegDuration(frame, undefined)).toBe(0.5);
  });

  it("estimates a constant-bitrate length from the byte count without a Xing header", () => {
    const frame = Uint8Array.of(0xff, 0xfb, 0x90, 0x64, ...new Array(60).fill(0));
    expect(mpegDuration(frame, 16_000)).toBe(1);
    expect(mpegDuration(frame, undefined)).toBeUndefined();
  });

  it("never throws on random frames", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 300 }),
        fc.option(fc.nat()),
        (bytes, size) => {
          bytes[0] = 0xff;
          const duration = mpegDuration(bytes, size ?? undefined);
          if (duration !== undefined) expect(duration).toBeGreaterThanOrEqual(0);
          isMpegFrameStart(bytes, 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("FLAC STREAMINFO and Ogg pages", () => {
  it("reads the fixture's STREAMINFO", () => {
    const file = new Uint8Array(readFileSync(`${fixtures}tone.flac`));
    expect(parseStreamInfo(file.subarray(8, 42))).toEqual({
      sampleRate: 44100,
      channels: 2,
      totalSamples: 22050,
    });
  });

  it("reads the fixture's first Ogg page", () => {
    const file = new Uint8Array(readFileSync(`${fixtures}tone.ogg`));
    const page = parseOggPage(file);
    expect(page?.segments[0]?.subarray(1, 7)).toEqual(new TextEncoder().encode("vorbis"));
    expect(page?.granule).toBe(0n);
    expect(parseOggPage(file.subarray(0, 20))).toBeUndefined();
  });

  it("gives a value or a typed error on random input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, signed) => {
        if (signed && bytes.length >= 5) bytes.set([0x4f, 0x67, 0x67, 0x53, 0]);
        for (const parse of [parseStreamInfo, parseOggPage]) {
          try {
            parse(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(AtvError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
