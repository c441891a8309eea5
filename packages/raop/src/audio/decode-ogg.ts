import { NotSupportedError, ProtocolError } from "@atv/interface";
import type { FormatDecoder } from "./block.js";
import type { ByteReader } from "./byte-reader.js";
import { WasmStreamDecoder } from "./decode-flac.js";
import type { ByteInput } from "./input.js";
import type { AudioMetadata } from "./types.js";
import { parseVorbisComment } from "./vorbis-comment.js";

const MAX_HEADER = 16 * 1024 * 1024;
const TAIL = 64 * 1024;

export interface OggPage {
  granule: bigint;
  serial: number;
  /** Header and body, as read. */
  bytes: Uint8Array;
  /** Body split by the lacing values; the last is open when `open`. */
  segments: Uint8Array[];
  open: boolean;
}

/** The page at the start of `bytes`; undefined when more bytes are needed. Pure. */
export function parseOggPage(bytes: Uint8Array): OggPage | undefined {
  if (bytes.length < 27) return undefined;
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== "OggS" || bytes[4] !== 0) {
    throw new ProtocolError("bad Ogg page");
  }
  const count = bytes[26] as number;
  if (bytes.length < 27 + count) return undefined;
  const lacing = bytes.subarray(27, 27 + count);
  const bodyLength = lacing.reduce((sum, n) => sum + n, 0);
  const end = 27 + count + bodyLength;
  if (bytes.length < end) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segments: Uint8Array[] = [];
  let offset = 27 + count;
  let start = offset;
  for (const n of lacing) {
    offset += n;
    if (n < 255) {
      segments.push(bytes.subarray(start, offset));
      start = offset;
    }
  }
  const open = count > 0 && lacing[count - 1] === 255;
  if (open) segments.push(bytes.subarray(start, offset));
  return {
    granule: view.getBigInt64(6, true),
    serial: view.getUint32(14, true),
    bytes: bytes.subarray(0, end),
    segments,
    open,
  };
}

async function readPage(reader: ByteReader): Promise<OggPage> {
  let want = 282;
  for (;;) {
    const bytes = await reader.peek(want);
    const page = parseOggPage(bytes);
    if (page) {
      const copy = (await reader.read(page.bytes.length)).slice();
      return parseOggPage(copy) as OggPage;
    }
    if (bytes.length < want) throw new ProtocolError("Ogg file ends inside a page");
    const next = 27 + (bytes[26] as number) * 256;
    if (next <= want) throw new ProtocolError("bad Ogg page");
    want = next;
  }
}

export async function openOgg(reader: ByteReader, extra: AudioMetadata): Promise<FormatDecoder> {
  const pages: Uint8Array[] = [];
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let total = 0;
  let serial: number | undefined;
  let checked = false;
  // The identification and comment headers are the first two packets of the stream.
  while (packets.length < 2) {
    const page = await readPage(reader);
    total += page.bytes.length;
    if (total > MAX_HEADER) throw new ProtocolError("Ogg headers too large");
    pages.push(page.bytes);
    serial ??= page.serial;
    if (page.serial !== serial) continue;
    page.segments.forEach((segment, i) => {
      partial.push(segment);
      if (i < page.segments.length - 1 || !page.open) {
        packets.push(concat(partial));
        partial = [];
      }
    });
    if (!checked && packets[0]) {
      checkIdentification(packets[0]);
      checked = true;
    }
  }
  const ident = packets[0] as Uint8Array;
  const channels = ident[11] as number;
  const sampleRate = new DataView(ident.buffer, ident.byteOffset).getUint32(12, true);
  if (channels < 1 || channels > 8 || sampleRate < 1000 || sampleRate > 384_000) {
    throw new ProtocolError(`Ogg Vorbis header: ${channels} channels at ${sampleRate} Hz`);
  }
  const comment = packets[1] as Uint8Array;
  const metadata =
    comment[0] === 3 && String.fromCharCode(...comment.subarray(1, 7)) === "vorbis"
      ? parseVorbisComment(comment.subarray(7))
      : {};
  const duration = await lastGranuleSeconds(reader.input, serial as number, sampleRate);
  // Loaded here, not with this module: the decoder is large to load, and only this
  // format needs it.
  const { OggVorbisDecoder: Decoder } = await import("@wasm-audio-decoders/ogg-vorbis");
  const decoder = new Decoder();
  await decoder.ready;
  return new WasmStreamDecoder(reader, decoder, pages, duration, { ...metadata, ...extra });
}

function checkIdentification(packet: Uint8Array): void {
  const text = String.fromCharCode(...packet.subarray(0, 8));
  if (text.startsWith("OpusHead")) throw new NotSupportedError("Ogg Opus is not supported");
  if (packet[0] === 0x7f && text.slice(1, 5) === "FLAC") {
    throw new NotSupportedError("FLAC in Ogg is not supported");
  }
  if (!(packet[0] === 1 && text.slice(1, 7) === "vorbis") || packet.length < 30) {
    throw new NotSupportedError("Ogg stream is not Vorbis");
  }
}

/** Duration from the last page's granule position, where the input can seek. */
async function lastGranuleSeconds(
  input: ByteInput,
  serial: number,
  sampleRate: number,
): Promise<number | undefined> {
  if (!input.readAt || input.size === undefined) return undefined;
  const start = Math.max(0, input.size - TAIL);
  const tail = await input.readAt(start, input.size - start);
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53) {
      continue;
    }
    const view = new DataView(tail.buffer, tail.byteOffset + i, 27);
    if (view.getUint32(14, true) !== serial) continue;
    const granule = view.getBigInt64(6, true);
    if (granule > 0n) return Number(granule) / sampleRate;
  }
  return undefined;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
