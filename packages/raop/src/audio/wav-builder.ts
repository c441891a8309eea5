// WAV files and tag blocks made in memory: 44.1 kHz stereo WAVs of PCM for anyone (encodeWav),
// and the odder shapes the tests need.

export interface WavSpec {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  float?: boolean;
  extensible?: boolean;
  /** Chunks before data, as [id, body]. */
  chunks?: [string, Uint8Array][];
  /** Overrides the data chunk's size field (0xffffffff for "unknown"). */
  dataSizeField?: number;
}

export function buildWav(spec: WavSpec, data: Uint8Array): Uint8Array {
  const blockAlign = (spec.channels * spec.bitsPerSample) / 8;
  const tag = spec.float ? 3 : 1;
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const view = new DataView(fmt.buffer);
  view.setUint16(0, spec.extensible ? 0xfffe : tag, true);
  view.setUint16(2, spec.channels, true);
  view.setUint32(4, spec.sampleRate, true);
  view.setUint32(8, spec.sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, spec.bitsPerSample, true);
  if (spec.extensible) {
    view.setUint16(16, 22, true);
    view.setUint16(18, spec.bitsPerSample, true);
    view.setUint16(24, tag, true);
    fmt.set(
      [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71],
      26,
    );
  }
  const chunks: [string, Uint8Array][] = [["fmt ", fmt], ...(spec.chunks ?? [])];
  const parts: Uint8Array[] = [];
  for (const [id, body] of chunks) parts.push(chunk(id, body));
  const dataHead = new Uint8Array(8);
  dataHead.set(ascii("data"));
  new DataView(dataHead.buffer).setUint32(4, spec.dataSizeField ?? data.length, true);
  parts.push(dataHead, data);
  if (data.length % 2) parts.push(new Uint8Array(1));
  const body = concat(parts);
  const riff = new Uint8Array(12);
  riff.set(ascii("RIFF"));
  new DataView(riff.buffer).setUint32(4, body.length + 4, true);
  riff.set(ascii("WAVE"), 8);
  return concat([riff, body]);
}

export function infoList(entries: [string, string][]): Uint8Array {
  const parts: Uint8Array[] = [ascii("INFO")];
  for (const [id, text] of entries) {
    parts.push(chunk(id, concat([new TextEncoder().encode(text), new Uint8Array(1)])));
  }
  return concat(parts);
}

export function chunk(id: string, body: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  head.set(ascii(id));
  new DataView(head.buffer).setUint32(4, body.length, true);
  return concat(body.length % 2 ? [head, body, new Uint8Array(1)] : [head, body]);
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A 16-bit stereo sine at `rate`, as little-endian PCM. */
export function sinePcm16(frames: number, rate = 44100, freq = 440): Uint8Array {
  const out = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(Math.sin((2 * Math.PI * freq * i) / rate) * 16000);
    out[i * 2] = v;
    out[i * 2 + 1] = -v;
  }
  return new Uint8Array(out.buffer);
}

export async function readAll(
  source: { read(frames: number): Promise<Uint8Array | undefined> },
  frames = 352,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const block = await source.read(frames);
    if (!block) break;
    parts.push(block.slice());
  }
  return concat(parts);
}

/** A WAV file of `pcm` (interleaved 16-bit little-endian stereo at 44.1 kHz). */
export function encodeWav(pcm: Uint8Array): Uint8Array {
  return buildWav({ sampleRate: 44_100, channels: 2, bitsPerSample: 16 }, pcm);
}
