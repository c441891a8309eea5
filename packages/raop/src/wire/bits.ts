// MSB-first bit packing for the ALAC bitstream. Fields are at most 16 bits wide, so the
// accumulator never holds more than 23 bits and plain 32-bit integer arithmetic suffices.

import { ProtocolError } from "@atv/interface";

export class BitWriter {
  readonly bytes: Uint8Array;
  #pos = 0;
  #acc = 0;
  #count = 0;

  constructor(byteLength: number) {
    this.bytes = new Uint8Array(byteLength);
  }

  write(value: number, width: number): void {
    this.#acc = (this.#acc << width) | (value & ((1 << width) - 1));
    this.#count += width;
    while (this.#count >= 8) {
      this.#count -= 8;
      this.bytes[this.#pos++] = (this.#acc >>> this.#count) & 0xff;
    }
    this.#acc &= (1 << this.#count) - 1;
  }

  /** Pads the last partial byte with zero bits; returns the bytes written. */
  finish(): Uint8Array {
    if (this.#count > 0) {
      this.bytes[this.#pos++] = (this.#acc << (8 - this.#count)) & 0xff;
      this.#acc = 0;
      this.#count = 0;
    }
    return this.bytes.subarray(0, this.#pos);
  }
}

export class BitReader {
  readonly #bytes: Uint8Array;
  #pos = 0;
  #acc = 0;
  #count = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  read(width: number): number {
    while (this.#count < width) {
      if (this.#pos >= this.#bytes.length) {
        throw new ProtocolError("ALAC frame ends in the middle of a field");
      }
      this.#acc = ((this.#acc << 8) | (this.#bytes[this.#pos++] as number)) & 0xffffff;
      this.#count += 8;
    }
    this.#count -= width;
    return (this.#acc >>> this.#count) & ((1 << width) - 1);
  }

  /** The bits left in the current byte (the padding after the last field). */
  get paddingBits(): number {
    return this.#count;
  }

  /** The bits of the current byte not yet read, as a number. */
  get padding(): number {
    return this.#acc & ((1 << this.#count) - 1);
  }

  /** Bytes not yet touched. */
  get bytesLeft(): number {
    return this.#bytes.length - this.#pos;
  }
}
