// Companion link frames: a 1-byte type, a 3-byte big-endian payload length, the payload.
// Facts from pyatv's pyatv/protocols/companion/connection.py (MIT) and
// shared/vectors/companion.json.

import { chacha20Open, chacha20Seal, counterNonce, NonceLayout } from "@atv/hap";
import { ProtocolError } from "@atv/interface";

/** Frame types, with pyatv's names (connection.py `FrameType`). */
export const FrameType = {
  Unknown: 0,
  NoOp: 1,
  PS_Start: 3,
  PS_Next: 4,
  PV_Start: 5,
  PV_Next: 6,
  U_OPACK: 7,
  E_OPACK: 8,
  P_OPACK: 9,
  PA_Req: 10,
  PA_Rsp: 11,
  SessionStartRequest: 16,
  SessionStartResponse: 17,
  SessionData: 18,
  FamilyIdentityRequest: 32,
  FamilyIdentityResponse: 33,
  FamilyIdentityUpdate: 34,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/**
 * One frame. `type` is the raw byte: the device may send types outside `FrameType`
 * (pyatv drops those), and it is up to the caller what to do with them.
 */
export interface CompanionFrame {
  readonly type: number;
  readonly payload: Uint8Array;
}

export const FRAME_HEADER_LENGTH = 4;
/** The largest length three bytes can carry. */
export const MAX_FRAME_PAYLOAD_LENGTH = 0xff_ffff;
/** ChaCha20-Poly1305's tag, counted in the header length of an encrypted frame. */
export const AUTH_TAG_LENGTH = 16;
const DEFAULT_MAX_PAYLOAD_LENGTH = 1024 * 1024;

/** The 4-byte header of a frame whose payload (as sent) is `length` bytes. */
export function encodeFrameHeader(type: number, length: number): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) {
    throw new RangeError(`frame type ${type} is not a byte`);
  }
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_PAYLOAD_LENGTH) {
    throw new RangeError(`frame payload of ${length} bytes does not fit 3 length bytes`);
  }
  return Uint8Array.of(type, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** A whole frame in clear: header then payload. */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_LENGTH + payload.length);
  frame.set(encodeFrameHeader(type, payload.length), 0);
  frame.set(payload, FRAME_HEADER_LENGTH);
  return frame;
}

export interface FrameDecoderOptions {
  /** The longest payload accepted, tag included (default 1 MiB); longer is a ProtocolError. */
  readonly maxPayloadLength?: number;
}

/**
 * Splits a byte stream into frames. Partial frames are buffered; after a ProtocolError the
 * decoder stays failed (the stream cannot be resynchronised) and every push throws.
 */
export class FrameDecoder {
  private readonly maxPayloadLength: number;
  // Received bytes not yet framed, copied (the caller may reuse its chunks); joined only
  // once they can complete a frame, so a big frame in small chunks costs linear time.
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private needed = FRAME_HEADER_LENGTH;
  private error: ProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxPayloadLength = options.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD_LENGTH;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedLength(): number {
    return this.buffered;
  }

  get failed(): boolean {
    return this.error !== undefined;
  }

  push(chunk: Uint8Array): CompanionFrame[] {
    if (this.error !== undefined) throw this.error;
    if (chunk.length === 0) return [];
    this.chunks.push(new Uint8Array(chunk));
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return [];

    const data = this.chunks.length === 1 ? (this.chunks[0] as Uint8Array) : join(this.chunks);
    const frames: CompanionFrame[] = [];
    let offset = 0;
    this.needed = FRAME_HEADER_LENGTH;
    while (data.length - offset >= FRAME_HEADER_LENGTH) {
      const type = data[offset] as number;
      const length =
        ((data[offset + 1] as number) << 16) |
        ((data[offset + 2] as number) << 8) |
        (data[offset + 3] as number);
      if (length > this.maxPayloadLength) {
        this.error = new ProtocolError(
          `Companion frame of ${length} bytes is over the limit of ${this.maxPayloadLength}`,
        );
        this.chunks = [];
        this.buffered = 0;
        throw this.error;
      }
      const end = offset + FRAME_HEADER_LENGTH + length;
      if (data.length < end) {
        this.needed = FRAME_HEADER_LENGTH + length;
        break;
      }
      frames.push({ type, payload: data.slice(offset + FRAME_HEADER_LENGTH, end) });
      offset = end;
    }
    const rest = data.subarray(offset);
    this.chunks = rest.length === 0 ? [] : [rest.slice()];
    this.buffered = rest.length;
    return frames;
  }
}

/**
 * The E_OPACK channel cipher (pyatv's `Chacha20Cipher(output_key, input_key,
 * nonce_length=12)`): ChaCha20-Poly1305 with the frame header as AAD, and as nonce a
 * 12-byte little-endian counter starting at byte 0 (`NonceLayout.Counter96`), one counter
 * per direction starting at 0. An empty payload is sent in clear, takes no nonce and no
 * tag (connection.py `send` / `data_received`).
 */
export class CompanionCipher {
  private readonly outputKey: Uint8Array;
  private readonly inputKey: Uint8Array;
  private outputCounter = 0n;
  private inputCounter = 0n;

  /** `outputKey` seals what we send, `inputKey` opens what we receive. */
  constructor(outputKey: Uint8Array, inputKey: Uint8Array) {
    if (outputKey.length !== 32 || inputKey.length !== 32) {
      throw new RangeError("Companion keys are 32 bytes");
    }
    this.outputKey = Uint8Array.from(outputKey);
    this.inputKey = Uint8Array.from(inputKey);
  }

  /** A whole frame to send: header (length counting the tag) then ciphertext and tag. */
  sealFrame(type: number, payload: Uint8Array): Uint8Array {
    if (payload.length === 0) return encodeFrame(type, payload);
    const header = encodeFrameHeader(type, payload.length + AUTH_TAG_LENGTH);
    const nonce = counterNonce(this.outputCounter, NonceLayout.Counter96);
    const sealed = chacha20Seal(this.outputKey, nonce, payload, header);
    this.outputCounter += 1n;
    const frame = new Uint8Array(FRAME_HEADER_LENGTH + sealed.length);
    frame.set(header, 0);
    frame.set(sealed, FRAME_HEADER_LENGTH);
    return frame;
  }

  /**
   * The plaintext payload of a received frame. A wrong tag is a `DecryptionError` (a
   * ProtocolError). As in pyatv (chacha20.py `decrypt`), the counter moves on even then, so
   * the frames after a bad one still open.
   */
  openFrame(frame: CompanionFrame): CompanionFrame {
    if (frame.payload.length === 0) return frame;
    const nonce = counterNonce(this.inputCounter, NonceLayout.Counter96);
    this.inputCounter += 1n;
    if (frame.payload.length < AUTH_TAG_LENGTH) {
      throw new ProtocolError(
        `encrypted Companion frame of ${frame.payload.length} bytes has no tag`,
      );
    }
    const header = encodeFrameHeader(frame.type, frame.payload.length);
    const payload = chacha20Open(this.inputKey, nonce, frame.payload, header);
    return { type: frame.type, payload };
  }
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
