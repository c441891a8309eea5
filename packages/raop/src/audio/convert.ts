// Float channel data at any rate → 44.1 kHz s16le stereo. Linear interpolation keeps the
// last input frame and the fractional read position between blocks, so chunk borders
// leave no clicks and the output length is n × 44100 / rate overall.

export const OUTPUT_RATE = 44100;

export class PcmConverter {
  /** Output frames written and input frames consumed so far: positions are computed from
   * them exactly (index × rate / 44100), so no rounding error builds up over a long file. */
  private written = 0;
  private consumed = 0;
  private previous: [number, number] | undefined;

  constructor(private readonly inputRate: number) {}

  /** Converts one block of one or two channels (more are mixed down by the caller). */
  convert(channels: readonly Float32Array[]): Uint8Array {
    const left = channels[0];
    if (left === undefined || left.length === 0) return new Uint8Array(0);
    const right = channels[1] ?? left;
    const n = Math.min(left.length, right.length);
    if (this.inputRate === OUTPUT_RATE) return interleave(left, right, n);
    return this.resample(left, right, n);
  }

  /** The output still owed after the last block: the final frame held to the end. */
  flush(): Uint8Array {
    const previous = this.previous;
    if (previous === undefined || this.inputRate === OUTPUT_RATE) return new Uint8Array(0);
    // Output frames whose position falls before the end of the input.
    const total = Math.ceil((this.consumed * OUTPUT_RATE) / this.inputRate);
    const count = Math.max(0, total - this.written);
    const out = new Int16Array(count * 2);
    out.fill(toInt16(previous[0]));
    for (let i = 0; i < count; i++) out[i * 2 + 1] = toInt16(previous[1]);
    this.written += count;
    this.previous = undefined;
    return new Uint8Array(out.buffer);
  }

  private resample(left: Float32Array, right: Float32Array, n: number): Uint8Array {
    const rate = this.inputRate;
    const base = this.consumed;
    const prevL = this.previous?.[0] ?? (left[0] as number);
    const prevR = this.previous?.[1] ?? (right[0] as number);
    const last = base + n - 1;
    // Output frames k with position k × rate / 44100 < last can be interpolated now.
    const end = Math.ceil((last * OUTPUT_RATE) / rate);
    const count = Math.max(0, end - this.written);
    const out = new Int16Array(count * 2);
    for (let j = 0; j < count; j++) {
      const k = this.written + j;
      const whole = Math.floor((k * rate) / OUTPUT_RATE);
      const frac = ((k * rate) % OUTPUT_RATE) / OUTPUT_RATE;
      const i = whole - base;
      const l0 = i < 0 ? prevL : (left[i] as number);
      const r0 = i < 0 ? prevR : (right[i] as number);
      const l1 = left[i + 1] as number;
      const r1 = right[i + 1] as number;
      out[j * 2] = toInt16(l0 + (l1 - l0) * frac);
      out[j * 2 + 1] = toInt16(r0 + (r1 - r0) * frac);
    }
    this.written += count;
    this.consumed += n;
    this.previous = [left[n - 1] as number, right[n - 1] as number];
    return new Uint8Array(out.buffer);
  }
}

function interleave(left: Float32Array, right: Float32Array, n: number): Uint8Array {
  const out = new Int16Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[i * 2] = toInt16(left[i] as number);
    out[i * 2 + 1] = toInt16(right[i] as number);
  }
  return new Uint8Array(out.buffer);
}

/** Float in [-1, 1) → int16, clipped; NaN becomes silence. */
export function toInt16(sample: number): number {
  const scaled = Math.round(sample * 32768);
  if (scaled >= 32767) return 32767;
  if (scaled <= -32768) return -32768;
  return scaled || 0;
}

/** Mixes any number of channels to stereo: mono and stereo pass, more are averaged per side. */
export function toStereo(channels: readonly Float32Array[]): Float32Array[] {
  if (channels.length <= 2) return channels as Float32Array[];
  const n = channels[0]?.length ?? 0;
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  // Even channels to the left, odd to the right (front L/R, then surround pairs).
  const lefts = channels.filter((_, i) => i % 2 === 0);
  const rights = channels.filter((_, i) => i % 2 === 1);
  for (let i = 0; i < n; i++) {
    let l = 0;
    for (const c of lefts) l += c[i] ?? 0;
    let r = 0;
    for (const c of rights) r += c[i] ?? 0;
    left[i] = l / lefts.length;
    right[i] = r / rights.length;
  }
  return [left, right];
}
