// RIFF/WAVE: the fmt chunk, LIST/INFO tags and the position of the data chunk.
import { NotSupportedError, ProtocolError } from "@atv/interface";
import type { ByteReader } from "./byte-reader.js";
import type { AudioMetadata } from "./types.js";

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_FMT = 1024;
const MAX_LIST = 1024 * 1024;
const MAX_CHUNKS = 1000;

export interface WavFormat {
  float: boolean;
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

export interface WavHeader {
  format: WavFormat;
  /** Bytes of sample data; undefined when the header says "until the end" (a pipe). */
  dataSize: number | undefined;
  metadata: AudioMetadata;
}

/** Parses the fmt chunk body. Pure: throws ProtocolError or NotSupportedError. */
export function parseFmt(body: Uint8Array): WavFormat {
  if (body.length < 16) throw new ProtocolError("WAV fmt chunk too short");
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let tag = view.getUint16(0, true);
  const channels = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bitsPerSample = view.getUint16(14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new ProtocolError("WAV extensible fmt chunk too short");
    // The sub-format GUID starts with the plain format tag.
    tag = view.getUint16(24, true);
  }
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    throw new NotSupportedError(`WAV format tag 0x${tag.toString(16)} is not supported`);
  }
  const float = tag === FORMAT_FLOAT;
  const valid = float ? [32, 64] : [8, 16, 24, 32];
  if (!valid.includes(bitsPerSample)) {
    throw new NotSupportedError(`WAV with ${bitsPerSample}-bit ${float ? "float" : "PCM"} samples`);
  }
  if (channels < 1 || channels > 8) throw new NotSupportedError(`WAV with ${channels} channels`);
  if (sampleRate < 1000 || sampleRate > 384_000) {
    throw new NotSupportedError(`WAV at ${sampleRate} Hz`);
  }
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw new ProtocolError(`WAV block align ${blockAlign} does not match its format`);
  }
  return { float, bitsPerSample, channels, sampleRate, blockAlign };
}

/** LIST/INFO: INAM title, IART artist, IPRD album. Pure and lenient: bad entries are skipped. */
export function parseInfoList(body: Uint8Array): AudioMetadata {
  const metadata: AudioMetadata = {};
  if (body.length < 4 || ascii(body, 0, 4) !== "INFO") return metadata;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let offset = 4;
  while (offset + 8 <= body.length) {
    const id = ascii(body, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    if (size > body.length - start) break;
    const text = decodeInfoText(body.subarray(start, start + size));
    if (text) {
      if (id === "INAM") metadata.title = text;
      else if (id === "IART") metadata.artist = text;
      else if (id === "IPRD") metadata.album = text;
    }
    offset = start + size + (size % 2);
  }
  return metadata;
}

function decodeInfoText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes).trim();
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** Reads chunks up to the start of the data chunk; the reader is left at the first sample. */
export async function readWavHeader(reader: ByteReader): Promise<WavHeader> {
  const riff = await reader.read(12);
  if (riff.length < 12 || ascii(riff, 0, 4) !== "RIFF" || ascii(riff, 8, 4) !== "WAVE") {
    throw new ProtocolError("not a RIFF/WAVE file");
  }
  let format: WavFormat | undefined;
  let metadata: AudioMetadata = {};
  for (let count = 0; count < MAX_CHUNKS; count++) {
    const head = await reader.read(8);
    if (head.length < 8) throw new ProtocolError("WAV file has no data chunk");
    const id = ascii(head, 0, 4);
    const size = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true);
    if (id === "data") {
      if (!format) throw new ProtocolError("WAV data chunk before its fmt chunk");
      // 0 and 0xFFFFFFFF are what writers to a pipe put where the size is not yet known.
      const streaming = size === 0 || size === 0xffffffff;
      return { format, dataSize: streaming ? undefined : size, metadata };
    }
    const padded = size + (size % 2);
    if (id === "fmt ") {
      if (size > MAX_FMT) throw new ProtocolError(`WAV fmt chunk of ${size} bytes`);
      const body = await reader.read(padded);
      if (body.length < size) throw new ProtocolError("WAV file ends inside its fmt chunk");
      format = parseFmt(body.subarray(0, size));
    } else if (id === "LIST" && size <= MAX_LIST) {
      const body = await reader.read(padded);
      if (body.length < size) throw new ProtocolError("WAV file ends inside a LIST chunk");
      metadata = { ...metadata, ...parseInfoList(body.subarray(0, size)) };
    } else if ((await reader.skip(padded)) < padded) {
      throw new ProtocolError(`WAV file ends inside its ${JSON.stringify(id)} chunk`);
    }
  }
  throw new ProtocolError("WAV file has too many chunks before its data");
}

/** Converts whole sample frames of `format` to float channels. */
export function wavToFloat(bytes: Uint8Array, format: WavFormat): Float32Array[] {
  const frames = Math.floor(bytes.length / format.blockAlign);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = format.bitsPerSample / 8;
  const channels: Float32Array[] = [];
  for (let c = 0; c < format.channels; c++) channels.push(new Float32Array(frames));
  for (let c = 0; c < format.channels; c++) {
    const out = channels[c] as Float32Array;
    let offset = c * width;
    for (let i = 0; i < frames; i++, offset += format.blockAlign) {
      out[i] = readSample(view, offset, format);
    }
  }
  return channels;
}

function readSample(view: DataView, offset: number, format: WavFormat): number {
  if (format.float) {
    const value =
      format.bitsPerSample === 32 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
    return Number.isFinite(value) ? value : 0;
  }
  switch (format.bitsPerSample) {
    case 8:
      return (view.getUint8(offset) - 128) / 128;
    case 16:
      return view.getInt16(offset, true) / 32768;
    case 24:
      return ((view.getInt8(offset + 2) << 16) | view.getUint16(offset, true)) / 8388608;
    default:
      return view.getInt32(offset, true) / 2147483648;
  }
}
