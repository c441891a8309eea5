import { AtvError, NotSupportedError, ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFmt, parseInfoList, wavToFloat } from "./wav.js";
import { buildWav, infoList } from "./wav-builder.js";

function fmtOf(spec: Parameters<typeof buildWav>[0]): Uint8Array {
  const wav = buildWav(spec, new Uint8Array(0));
  const size = new DataView(wav.buffer).getUint32(16, true);
  return wav.subarray(20, 20 + size);
}

describe("parseFmt", () => {
  it("reads PCM, float and WAVE_FORMAT_EXTENSIBLE", () => {
    expect(parseFmt(fmtOf({ sampleRate: 44100, channels: 2, bitsPerSample: 16 }))).toEqual({
      float: false,
      bitsPerSample: 16,
      channels: 2,
      sampleRate: 44100,
      blockAlign: 4,
    });
    const ext = parseFmt(
      fmtOf({ sampleRate: 48000, channels: 1, bitsPerSample: 32, float: true, extensible: true }),
    );
    expect(ext).toMatchObject({ float: true, bitsPerSample: 32, channels: 1, sampleRate: 48000 });
  });

  it("rejects formats it does not decode", () => {
    const adpcm = fmtOf({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    new DataView(adpcm.buffer, adpcm.byteOffset).setUint16(0, 2, true);
    expect(() => parseFmt(adpcm)).toThrow(NotSupportedError);
    expect(() => parseFmt(fmtOf({ sampleRate: 8000, channels: 1, bitsPerSample: 12 }))).toThrow(
      NotSupportedError,
    );
    expect(() => parseFmt(new Uint8Array(10))).toThrow(ProtocolError);
  });
});

describe("wavToFloat", () => {
  it("scales 8, 16, 24 and 32-bit integers and 64-bit floats to [-1, 1)", () => {
    const cases: [number, boolean, number[], number][] = [
      [8, false, [0x00], -1],
      [16, false, [0x00, 0x80], -1],
      [24, false, [0x00, 0x00, 0xc0], -0.5],
      [32, false, [0, 0, 0, 0x40], 0.5],
      [64, true, [0, 0, 0, 0, 0, 0, 0xe0, 0x3f], 0.5],
    ];
    for (const [bits, float, bytes, expected] of cases) {
      const format = {
        float,
        bitsPerSample: bits,
        channels: 1,
        sampleRate: 8000,
        blockAlign: bits / 8,
      };
      expect(wavToFloat(Uint8Array.from(bytes), format)[0]?.[0]).toBe(expected);
    }
  });
});

describe("parseInfoList", () => {
  it("reads INAM, IART and IPRD", () => {
    const list = infoList([
      ["INAM", "Title é"],
      ["ICMT", "ignored"],
      ["IART", "Artist"],
      ["IPRD", "Album"],
    ]);
    expect(parseInfoList(list)).toEqual({ title: "Title é", artist: "Artist", album: "Album" });
  });

  it("never throws on random or mutated input", () => {
    const valid = infoList([
      ["INAM", "x"],
      ["IART", "y"],
    ]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 8 })
            .map((edits) => {
              const copy = valid.slice();
              for (const [at, value] of edits) copy[at] = value;
              return copy;
            }),
        ),
        (bytes) => {
          expect(typeof parseInfoList(bytes)).toBe("object");
        },
      ),
    );
  });
});

describe("parseFmt fuzz", () => {
  it("gives a format or a typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const format = parseFmt(bytes);
          expect(format.blockAlign).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(AtvError);
        }
      }),
    );
  });
});
