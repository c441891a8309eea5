// MPEG audio frame headers and the Xing/Info and VBRI headers that give a VBR file's length.

const BITRATES: Record<string, readonly number[]> = {
  // kbit/s by [version 1 | 2], layer; index 1..14.
  "1-1": [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES = [44100, 48000, 32000];

export interface MpegFrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2 and 2.5. */
  version: 1 | 2;
  layer: 1 | 2 | 3;
  sampleRate: number;
  bitrate: number;
  mono: boolean;
  samplesPerFrame: number;
  /** Bytes in this frame, header included. */
  frameLength: number;
}

/** The frame header at `offset`, or undefined when those bytes are not one. */
export function parseMpegHeader(bytes: Uint8Array, offset = 0): MpegFrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1] as number;
  const b2 = bytes[offset + 2] as number;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15) {
    return undefined;
  }
  if (rateIndex === 3) return undefined;
  const version = versionBits === 3 ? 1 : 2;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const divisor = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 4;
  const sampleRate = (RATES[rateIndex] as number) / divisor;
  const bitrate = (BITRATES[`${version}-${layer}`]?.[bitrateIndex - 1] ?? 0) * 1000;
  const mono = (bytes[offset + 3] as number) >> 6 === 3;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version === 2 ? 576 : 1152;
  const padding = (b2 >> 1) & 1;
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding;
  return { version, layer, sampleRate, bitrate, mono, samplesPerFrame, frameLength };
}

/**
 * Whether a frame starts at `offset` and, where the bytes reach that far, another follows it
 * with the same version, layer and rate: one sync word alone is too easily found in noise.
 */
export function isMpegFrameStart(bytes: Uint8Array, offset: number): boolean {
  const first = parseMpegHeader(bytes, offset);
  if (!first) return false;
  const nextOffset = offset + first.frameLength;
  if (nextOffset + 4 > bytes.length) return true;
  const next = parseMpegHeader(bytes, nextOffset);
  return (
    next !== undefined &&
    next.version === first.version &&
    next.layer === first.layer &&
    next.sampleRate === first.sampleRate
  );
}

/**
 * Seconds from the first frame's Xing/Info or VBRI header, else a constant-bitrate estimate
 * from `audioBytes` when known, else undefined.
 */
export function mpegDuration(
  frame: Uint8Array,
  audioBytes: number | undefined,
): number | undefined {
  const header = parseMpegHeader(frame);
  if (!header) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  // Xing sits after the side information, whose size depends on version and channels.
  const side = header.version === 1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
  const xing = 4 + side;
  const tag = ascii(frame, xing, 4);
  if ((tag === "Xing" || tag === "Info") && xing + 12 <= frame.length) {
    const flags = view.getUint32(xing + 4);
    if (flags & 1) {
      const samples = view.getUint32(xing + 8) * header.samplesPerFrame;
      return Math.max(0, samples - encoderGap(frame, xing, flags)) / header.sampleRate;
    }
  }
  if (ascii(frame, 36, 4) === "VBRI" && 36 + 18 <= frame.length) {
    return (view.getUint32(36 + 14) * header.samplesPerFrame) / header.sampleRate;
  }
  if (audioBytes === undefined || header.bitrate === 0) return undefined;
  return (audioBytes * 8) / header.bitrate;
}

/** Encoder delay plus padding from a LAME (or libavcodec) tag after the Xing fields. */
function encoderGap(frame: Uint8Array, xing: number, flags: number): number {
  let offset = xing + 8;
  if (flags & 1) offset += 4;
  if (flags & 2) offset += 4;
  if (flags & 4) offset += 100;
  if (flags & 8) offset += 4;
  const encoder = ascii(frame, offset, 4);
  if (
    (encoder !== "LAME" && encoder !== "Lavc" && encoder !== "Lavf") ||
    offset + 24 > frame.length
  ) {
    return 0;
  }
  const b0 = frame[offset + 21] as number;
  const b1 = frame[offset + 22] as number;
  const b2 = frame[offset + 23] as number;
  const delay = (b0 << 4) | (b1 >> 4);
  const padding = ((b1 & 0x0f) << 8) | b2;
  return delay + padding;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset + length > bytes.length) return "";
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
