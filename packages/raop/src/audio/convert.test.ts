import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OUTPUT_RATE, PcmConverter, toInt16, toStereo } from "./convert.js";

function run(rate: number, input: Float32Array, splits: number[]): Int16Array {
  const converter = new PcmConverter(rate);
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const size of [...splits, input.length]) {
    const end = Math.min(input.length, offset + size);
    parts.push(converter.convert([input.subarray(offset, end)]).slice());
    offset = end;
    if (offset >= input.length) break;
  }
  parts.push(converter.flush());
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new Int16Array(out.buffer);
}

function sine(n: number, rate: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / rate) * 0.5);
}

describe("PcmConverter", () => {
  it.each([8000, 22050, 32000, 44100, 48000, 96000])("gives n × 44100 / %i frames", (rate) => {
    const out = run(rate, sine(rate, rate), [1000, 333, 1]);
    expect(out.length / 2).toBe(OUTPUT_RATE);
  });

  it("duplicates mono into both channels and passes 44.1 kHz through exactly", () => {
    const input = Float32Array.from([0, 0.5, -0.5, 32767 / 32768, -1]);
    const out = run(44100, input, []);
    expect(Array.from(out)).toEqual([
      0, 0, 16384, 16384, -16384, -16384, 32767, 32767, -32768, -32768,
    ]);
  });

  it("clips out-of-range floats and silences NaN", () => {
    expect(toInt16(1.5)).toBe(32767);
    expect(toInt16(-3)).toBe(-32768);
    expect(toInt16(Number.NaN)).toBe(0);
  });

  it("mixes more than two channels down to stereo", () => {
    const [l, r] = toStereo([
      Float32Array.of(1),
      Float32Array.of(0),
      Float32Array.of(0),
      Float32Array.of(1),
    ]);
    expect(l?.[0]).toBe(0.5);
    expect(r?.[0]).toBe(0.5);
  });

  it("gives the same output however the input is chunked (no clicks at borders)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8000, 22050, 48000, 88200),
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 12 }),
        (rate, splits) => {
          const input = sine(3000, rate);
          const whole = run(rate, input, []);
          const chunked = run(rate, input, splits);
          expect(Buffer.from(chunked.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
          expect(whole.length / 2).toBe(Math.ceil((3000 * OUTPUT_RATE) / rate));
          // A 440 Hz sine at half scale never jumps by more than one step's slope.
          let jump = 0;
          for (let i = 2; i < whole.length; i += 2) {
            jump = Math.max(jump, Math.abs((whole[i] as number) - (whole[i - 2] as number)));
          }
          expect(jump).toBeLessThan(1100);
        },
      ),
      { numRuns: 60 },
    );
  });
});
