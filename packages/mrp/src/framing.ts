// MRP over TCP sends each (possibly encrypted) message as a protobuf-style varint
// length followed by that many bytes (pyatv's connection.py, support/variant.py).
// Pure code: the connection feeds received chunks in and writes encoded frames out.

import { ProtocolError } from "@atv/interface";

/** Frames larger than this are refused unless a decoder is given another limit. */
export const DEFAULT_MAX_FRAME_LENGTH = 4 * 1024 * 1024;

// Seven payload bits per varint byte: five bytes carry 35 bits, enough for any length
// a decoder accepts (limits are capped at 2^32 - 1 below). A longer varint is garbage.
const MAX_VARINT_BYTES = 5;
const MAX_LIMIT = 0xffff_ffff;

/** The varint encoding of a non-negative integer (at most 2^53 - 1). */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`cannot encode ${value} as a varint`);
  }
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** One frame: the payload's length as a varint, then the payload. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix = encodeVarint(payload.length);
  const frame = new Uint8Array(prefix.length + payload.length);
  frame.set(prefix, 0);
  frame.set(payload, prefix.length);
  return frame;
}

export interface FrameDecoderOptions {
  /** Largest payload accepted, in bytes; default {@link DEFAULT_MAX_FRAME_LENGTH}. */
  maxFrameLength?: number;
}

/**
 * Reassembles frames from a byte stream cut at arbitrary places.
 *
 * `push()` throws ProtocolError on a malformed length prefix or an oversized frame;
 * the stream cannot be resynchronised after that, so the decoder stays failed and
 * every later `push()` throws the same error. The owner should close the connection.
 */
export class FrameDecoder {
  readonly #maxFrameLength: number;
  // Bytes received but not yet returned: whole chunks, the first one partly consumed.
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #buffered = 0;
  #failure: ProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const limit = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
      throw new RangeError(`maxFrameLength must be an integer from 0 to ${MAX_LIMIT}`);
    }
    this.#maxFrameLength = limit;
  }

  /** Number of bytes held while waiting for the rest of a frame. */
  get bufferedLength(): number {
    return this.#buffered;
  }

  /** Adds received bytes; returns the payloads of every frame now complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      const header = this.#readHeader();
      if (header === undefined || this.#buffered < header.size + header.length) break;
      this.#skip(header.size);
      frames.push(this.#take(header.length));
    }
    return frames;
  }

  /** Parses the length prefix at the front without consuming it. */
  #readHeader(): { size: number; length: number } | undefined {
    let length = 0;
    let size = 0;
    for (const [index, chunk] of this.#chunks.entries()) {
      for (let i = index === 0 ? this.#offset : 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        length += (byte & 0x7f) * 2 ** (7 * size);
        size++;
        if ((byte & 0x80) === 0) {
          if (length > this.#maxFrameLength) {
            this.#fail(`frame of ${length} bytes exceeds the limit of ${this.#maxFrameLength}`);
          }
          return { size, length };
        }
        if (size >= MAX_VARINT_BYTES) {
          this.#fail(`frame length prefix is longer than ${MAX_VARINT_BYTES} bytes`);
        }
      }
    }
    return undefined;
  }

  #fail(message: string): never {
    this.#failure = new ProtocolError(message);
    this.#chunks = [];
    this.#offset = 0;
    this.#buffered = 0;
    throw this.#failure;
  }

  #skip(count: number): void {
    let rest = count;
    while (rest > 0) {
      const first = this.#chunks[0]!;
      const available = first.length - this.#offset;
      if (available > rest) {
        this.#offset += rest;
        break;
      }
      rest -= available;
      this.#chunks.shift();
      this.#offset = 0;
    }
    this.#buffered -= count;
  }

  /** Removes `count` bytes from the front; a view into the chunk when possible. */
  #take(count: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.length - this.#offset >= count) {
      const frame = first.subarray(this.#offset, this.#offset + count);
      this.#skip(count);
      return frame;
    }
    const frame = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0]!;
      const part = chunk.subarray(this.#offset, this.#offset + (count - filled));
      frame.set(part, filled);
      filled += part.length;
      this.#skip(part.length);
    }
    return frame;
  }
}
