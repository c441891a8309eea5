// Frames of the AirPlay 2 data stream, the channel that tunnels MRP (pyatv's
// protocols/airplay/channels.py, DataHeader and DataStreamChannel). Each frame is a 32-byte
// big-endian header (size of the whole frame, a 12-byte message type "sync" or "rply"
// padded with zeros, a 4-byte command "comm" or zeros, a 64-bit sequence number, 4 bytes
// of padding) and a payload: for "sync", a binary plist {params: {data}} whose data holds
// MRP ProtocolMessages, each behind its varint length. Pure code: the channel decrypts the
// stream (HAP framing) and feeds the bytes in.

import { concatBytes } from "@atv/hap";
import { ProtocolError } from "@atv/interface";
import { encodeVarint } from "@atv/mrp";
import { decodePlist, type PlistValue, plistTypeName } from "@atv/plist";

export const DATA_HEADER_LENGTH = 32;
/** Largest frame a decoder accepts unless given another limit. */
export const DEFAULT_MAX_DATA_FRAME = 1024 * 1024;

const TYPE_LENGTH = 12;
const COMMAND_LENGTH = 4;
const MAX_FRAME_SIZE = 0xffff_ffff;
const MAX_SEQNO = 2n ** 64n - 1n;

/** The message types pyatv sends: a request ("sync") and its acknowledgement ("rply"). */
export type DataFrameType = "sync" | "rply";

/** A received frame. */
export interface DataFrame {
  /** The message type without its zero padding: "sync", "rply", or what the peer sent. */
  readonly type: string;
  /** "comm", or "" when the field is zeros (as in "rply"). */
  readonly command: string;
  readonly seqno: bigint;
  readonly padding: number;
  readonly payload: Uint8Array;
}

/** A frame to send. */
export interface DataFrameInit {
  readonly type: DataFrameType;
  readonly command: "comm" | "";
  /** 0 … 2^64 - 1; pyatv starts at a random value above 2^32 and counts up. */
  readonly seqno: bigint;
  readonly payload?: Uint8Array;
}

/** A frame's bytes. A seqno outside 64 bits or an oversized payload is a RangeError. */
export function encodeDataFrame(init: DataFrameInit): Uint8Array {
  const payload = init.payload ?? new Uint8Array(0);
  const size = DATA_HEADER_LENGTH + payload.length;
  if (size > MAX_FRAME_SIZE)
    throw new RangeError(`a data frame holds at most ${MAX_FRAME_SIZE} bytes`);
  if (init.seqno < 0n || init.seqno > MAX_SEQNO) {
    throw new RangeError(`seqno ${init.seqno} does not fit in 64 bits`);
  }
  const frame = new Uint8Array(size);
  const view = new DataView(frame.buffer);
  view.setUint32(0, size);
  frame.set(ascii(init.type, TYPE_LENGTH), 4);
  frame.set(ascii(init.command, COMMAND_LENGTH), 4 + TYPE_LENGTH);
  view.setBigUint64(20, init.seqno);
  // The padding word (bytes 28–31) stays zero, as pyatv's DATA_HEADER_PADDING.
  frame.set(payload, DATA_HEADER_LENGTH);
  return frame;
}

/** The acknowledgement of a "sync" frame: same seqno, no command, no payload. */
export function replyFrame(seqno: bigint): Uint8Array {
  return encodeDataFrame({ type: "rply", command: "", seqno });
}

function ascii(text: string, length: number): Uint8Array {
  const field = new Uint8Array(length);
  for (let i = 0; i < text.length; i++) field[i] = text.charCodeAt(i);
  return field;
}

/** A fixed-width text field up to its first zero byte. */
function fieldText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString("latin1");
}

export interface DataFrameDecoderOptions {
  /** Largest frame (header included), in bytes; default 1 MiB. */
  readonly maxFrameLength?: number;
}

/**
 * Reassembles frames from the decrypted stream, cut at arbitrary places. A size below the
 * header's 32 bytes or above the limit is a ProtocolError; the stream cannot be
 * resynchronised after one, so the decoder stays failed and every later `push()` throws
 * the same error.
 */
export class DataFrameDecoder {
  readonly #max: number;
  // Bytes received and not yet returned, in the chunks they came in (copied).
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #failure: ProtocolError | undefined;

  constructor(options: DataFrameDecoderOptions = {}) {
    const max = options.maxFrameLength ?? DEFAULT_MAX_DATA_FRAME;
    if (!Number.isInteger(max) || max < DATA_HEADER_LENGTH || max > MAX_FRAME_SIZE) {
      throw new RangeError(
        `maxFrameLength must be an integer from ${DATA_HEADER_LENGTH} to ${MAX_FRAME_SIZE}`,
      );
    }
    this.#max = max;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Adds decrypted bytes; returns every frame now complete, in order. */
  push(chunk: Uint8Array): DataFrame[] {
    if (this.#failure !== undefined) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(chunk.slice());
      this.#buffered += chunk.length;
    }
    const frames: DataFrame[] = [];
    while (this.#buffered >= DATA_HEADER_LENGTH) {
      const size = new DataView(this.#peek(4).buffer).getUint32(0);
      if (size < DATA_HEADER_LENGTH || size > this.#max) {
        this.#chunks = [];
        this.#buffered = 0;
        this.#failure = new ProtocolError(
          `data stream frame of ${size} bytes (must be ${DATA_HEADER_LENGTH} to ${this.#max})`,
        );
        throw this.#failure;
      }
      if (this.#buffered < size) break;
      const frame = this.#take(size);
      const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
      frames.push({
        type: fieldText(frame.subarray(4, 4 + TYPE_LENGTH)),
        command: fieldText(frame.subarray(16, 16 + COMMAND_LENGTH)),
        seqno: view.getBigUint64(20),
        padding: view.getUint32(28),
        payload: frame.subarray(DATA_HEADER_LENGTH),
      });
    }
    return frames;
  }

  /** A copy of the first `count` buffered bytes, left in place. */
  #peek(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, count - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === count) break;
    }
    return out;
  }

  /** Removes the first `count` buffered bytes into one fresh array. */
  #take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0] as Uint8Array;
      const part = chunk.subarray(0, count - filled);
      out.set(part, filled);
      filled += part.length;
      if (part.length === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part.length);
    }
    this.#buffered -= count;
    return out;
  }
}

// A ProtocolMessage begins with its type field, tag 0x08 (field 1, varint).
const MESSAGE_TAG = 0x08;
// Five varint bytes carry 35 bits: more than any length a frame can hold.
const MAX_VARINT_BYTES = 5;

/**
 * The data of a sync frame: each serialised ProtocolMessage behind its varint length, as
 * pyatv's encode_protobufs. A message must start with its type field (0x08) and must not
 * be exactly 8 bytes long, since a length prefix 0x08 reads as an unprefixed message (see
 * decodeMrpPayload); breaking either rule is a RangeError.
 */
export function encodeMrpPayload(messages: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const message of messages) {
    if (message[0] !== MESSAGE_TAG)
      throw new RangeError("an MRP message starts with its type field (0x08)");
    if (message.length === MESSAGE_TAG) {
      throw new RangeError("an 8-byte MRP message cannot be length-prefixed unambiguously");
    }
    const prefix = encodeVarint(message.length);
    parts.push(prefix, message);
  }
  return concatBytes(...parts);
}

/**
 * The MRP messages in a sync frame's data, by pyatv's decode_protobufs rule: where the
 * next byte is 0x08, the rest is one message without a length prefix (some devices send
 * ConfigureConnection so; 8 is never the length of a real message); otherwise a varint
 * length and that many bytes. A length past the end, a bad varint or a message that does
 * not start with 0x08 is a ProtocolError (pyatv logs and drops the rest).
 */
export function decodeMrpPayload(data: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] === MESSAGE_TAG) {
      messages.push(data.slice(offset));
      break;
    }
    let length = 0;
    let size = 0;
    for (;;) {
      if (offset + size >= data.length)
        throw new ProtocolError("MRP payload ends inside a length prefix");
      const byte = data[offset + size] as number;
      length += (byte & 0x7f) * 2 ** (7 * size);
      size++;
      if ((byte & 0x80) === 0) break;
      if (size === MAX_VARINT_BYTES)
        throw new ProtocolError("MRP payload has an overlong length prefix");
    }
    const start = offset + size;
    if (start + length > data.length) {
      throw new ProtocolError(
        `MRP payload announces a message of ${length} bytes, ${data.length - start} remain`,
      );
    }
    if (length === 0 || data[start] !== MESSAGE_TAG) {
      throw new ProtocolError("MRP payload holds a message that does not start with its type");
    }
    messages.push(data.slice(start, start + length));
    offset = start + length;
  }
  return messages;
}

// The fixed part of {params: {data}} as a binary plist: the header, then objects 0–3 —
// dict {1: 2}, "params", dict {3: 4}, "data" — with one-byte references. Object 4, the
// data, and the offset table and trailer follow (Apple's bplist00 layout, as CFBinaryPList
// and Python's plistlib write it).
const SYNC_PLIST_HEAD = Uint8Array.of(
  ...Buffer.from("bplist00", "latin1"),
  0xd1,
  0x01,
  0x02,
  0x56,
  ...Buffer.from("params", "latin1"),
  0xd1,
  0x03,
  0x04,
  0x54,
  ...Buffer.from("data", "latin1"),
);
const SYNC_PLIST_OFFSETS = [8, 11, 18, 21, SYNC_PLIST_HEAD.length];

/**
 * A sync frame's payload: the binary plist {params: {data}}, as pyatv's send_protobuf.
 * Written directly rather than by the general encoder: it is built for every message
 * through the tunnel, and this one shape never changes.
 */
export function syncFramePayload(data: Uint8Array): Uint8Array {
  const n = data.length;
  // The data object's marker: the length in the low nibble, or 0xF and an int object.
  const marker =
    n < 15
      ? [0x40 | n]
      : n < 0x100
        ? [0x4f, 0x10, n]
        : n < 0x10000
          ? [0x4f, 0x11, n >> 8, n & 0xff]
          : [0x4f, 0x12, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const tableOffset = SYNC_PLIST_HEAD.length + marker.length + n;
  const out = new Uint8Array(tableOffset + SYNC_PLIST_OFFSETS.length + 32);
  out.set(SYNC_PLIST_HEAD, 0);
  out.set(marker, SYNC_PLIST_HEAD.length);
  out.set(data, SYNC_PLIST_HEAD.length + marker.length);
  out.set(syncFramePayloadTail(tableOffset), tableOffset);
  return out;
}

// The offset table and the trailer: 6 unused bytes, offset size 1, reference size 1, 5
// objects, top object 0, then where the offset table starts (big-endian 64-bit each).
function syncFramePayloadTail(tableOffset: number): Uint8Array {
  const tail = new Uint8Array(SYNC_PLIST_OFFSETS.length + 32);
  tail.set(SYNC_PLIST_OFFSETS, 0);
  const trailer = new DataView(tail.buffer, SYNC_PLIST_OFFSETS.length);
  trailer.setUint8(6, 1);
  trailer.setUint8(7, 1);
  trailer.setBigUint64(8, 5n);
  trailer.setBigUint64(16, 0n);
  trailer.setBigUint64(24, BigInt(tableOffset));
  return tail;
}

/**
 * params.data of a sync frame's payload, read without the general plist reader when the
 * payload is laid out exactly as syncFramePayload() (and plistlib) write it — the common
 * case, at every message through the tunnel; any other layout goes through decodePlist.
 */
export function syncPayloadData(payload: Uint8Array): Uint8Array | undefined {
  const fixed = SYNC_PLIST_HEAD.length;
  if (payload.length > fixed + 6 + 5 + 32 && startsWith(payload, SYNC_PLIST_HEAD)) {
    const marker = payload[fixed] as number;
    let length = -1;
    let start = fixed + 1;
    if (marker >> 4 === 0x4 && (marker & 0xf) !== 0xf) length = marker & 0xf;
    else if (marker === 0x4f) {
      const width = payload[fixed + 1];
      const size = width === 0x10 ? 1 : width === 0x11 ? 2 : width === 0x12 ? 4 : 0;
      if (size > 0) {
        length = 0;
        for (let i = 0; i < size; i++) length = length * 256 + (payload[fixed + 2 + i] as number);
        start = fixed + 2 + size;
      }
    }
    const tableOffset = start + length;
    if (length >= 0 && payload.length === tableOffset + SYNC_PLIST_OFFSETS.length + 32) {
      const expected = syncFramePayloadTail(tableOffset);
      if (startsWith(payload.subarray(tableOffset), expected)) {
        return payload.slice(start, tableOffset);
      }
    }
  }
  return mrpDataOfPayload(decodePlist(payload));
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** params.data of a sync frame's decoded plist; undefined where there is none (pyatv skips those). */
export function mrpDataOfPayload(plist: PlistValue): Uint8Array | undefined {
  if (plistTypeName(plist) !== "dictionary") return undefined;
  const params = (plist as { [key: string]: PlistValue }).params;
  if (params === undefined || plistTypeName(params) !== "dictionary") return undefined;
  const data = (params as { [key: string]: PlistValue }).data;
  return data instanceof Uint8Array ? data : undefined;
}
