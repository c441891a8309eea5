import { DecryptionError } from "./errors.js";
import { HapSession, type HapSessionOptions } from "./hap-session.js";

/** Largest plaintext in one frame (HAP specification §6.5.2). */
export const HAP_FRAME_LENGTH = 1024;
const LENGTH_FIELD = 2;
const TAG_LENGTH = 16;

/**
 * HAP's framed channel encryption (used by AirPlay and HAP over TCP): the plaintext is cut
 * into frames of at most 1024 bytes, each sent as its 2-byte little-endian length, the
 * sealed frame and its tag, with the length field as additional data.
 *
 * Decryption takes a byte stream in arbitrary pieces and returns the plaintext of every
 * frame completed so far; partial frames wait for more bytes. After a frame fails its tag
 * the stream cannot be trusted again and every later call fails too.
 */
export class HapFrameCipher {
  readonly #session: HapSession;
  #pending: Buffer = Buffer.alloc(0);
  #failure: DecryptionError | undefined;

  constructor(outputKey: Uint8Array, inputKey: Uint8Array, options: HapSessionOptions = {}) {
    this.#session = new HapSession(outputKey, inputKey, options);
  }

  /** Bytes received that do not yet make a whole frame. */
  get bufferedBytes(): number {
    return this.#pending.length;
  }

  /** Encrypts data into frames; empty data gives no frame. */
  encrypt(data: Uint8Array): Uint8Array {
    const frames: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; offset += HAP_FRAME_LENGTH) {
      const chunk = data.subarray(offset, offset + HAP_FRAME_LENGTH);
      const length = new Uint8Array([chunk.length & 0xff, chunk.length >> 8]);
      frames.push(length, this.#session.encrypt(chunk, length));
    }
    return Buffer.concat(frames);
  }

  /** Feeds received bytes; returns the plaintext of the frames they complete. */
  decrypt(chunk: Uint8Array): Uint8Array {
    if (this.#failure !== undefined) throw this.#failure;
    this.#pending =
      this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);

    const plaintexts: Uint8Array[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= LENGTH_FIELD) {
      const length = this.#pending.readUInt16LE(offset);
      const end = offset + LENGTH_FIELD + length + TAG_LENGTH;
      if (end > this.#pending.length) break;
      const aad = this.#pending.subarray(offset, offset + LENGTH_FIELD);
      try {
        plaintexts.push(
          this.#session.decrypt(this.#pending.subarray(offset + LENGTH_FIELD, end), aad),
        );
      } catch (error) {
        this.#pending = Buffer.alloc(0);
        this.#failure =
          error instanceof DecryptionError
            ? error
            : new DecryptionError("frame decryption failed", { cause: error });
        throw this.#failure;
      }
      offset = end;
    }
    this.#pending = this.#pending.subarray(offset);
    return Buffer.concat(plaintexts);
  }
}
