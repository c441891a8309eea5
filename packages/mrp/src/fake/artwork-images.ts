// Small but genuinely valid images for the fake device's artwork: a PNG of any size in
// one colour, and an 8x8 grey baseline JPEG. Real decoders accept both, so what a client
// saves (atvremote artwork_save) opens in any viewer.

import { deflateSync } from "node:zlib";

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
// Colour type 2: RGB, 8 bits a sample (PNG spec, section 11.2.2).
const PNG_COLOR_TYPE_RGB = 2;

/** Red, green, blue: 0 to 255 each. */
export type RgbColor = readonly [red: number, green: number, blue: number];

/**
 * A PNG of `width` x `height` pixels in one colour (default a mid blue). Sizes run from 1
 * to 4096, enough for artwork and small enough to build in a test.
 */
export function solidPng(
  width: number,
  height: number,
  color: RgbColor = [32, 96, 192],
): Uint8Array {
  for (const [name, value] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 4096) {
      throw new RangeError(`PNG ${name} must be an integer from 1 to 4096, not ${value}`);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = PNG_COLOR_TYPE_RGB;
  // Compression, filter and interlace methods stay 0 (the only defined ones, no interlace).

  // Every row starts with its filter type, 0 (none), then the pixels.
  const row = new Uint8Array(1 + width * 3);
  for (let x = 0; x < width; x++)
    row.set(
      color.map((c) => c & 0xff),
      1 + x * 3,
    );
  const pixels = new Uint8Array(row.length * height);
  for (let y = 0; y < height; y++) pixels.set(row, y * row.length);

  return concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(pixels)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(Buffer.from(type, "latin1"), 4);
  chunk.set(data, 8);
  // The CRC covers the type and the data, not the length.
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG (and zlib, gzip) use it: reflected polynomial 0xEDB88320. */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= makeCrcTable();
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Width and height of `TINY_JPEG`. */
export const TINY_JPEG_SIZE = { width: 8, height: 8 } as const;

/**
 * An 8x8 mid-grey baseline JPEG (JFIF, one component), 159 bytes. Mid grey makes every
 * DCT coefficient zero, so one Huffman code per table suffices: the scan is "DC difference
 * 0, end of block", two bits, padded with ones.
 */
export const TINY_JPEG: Uint8Array = Uint8Array.from(
  [
    // SOI
    [0xff, 0xd8],
    // APP0: JFIF 1.1, no density units, 1:1, no thumbnail
    [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01],
    [0x00, 0x01, 0x00, 0x00],
    // DQT: table 0, 8-bit, every quantiser 1
    [0xff, 0xdb, 0x00, 0x43, 0x00],
    new Array<number>(64).fill(1),
    // SOF0: 8-bit samples, 8 lines, 8 columns, one component (id 1, 1x1 sampling, table 0)
    [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00],
    // DHT: DC table 0, one code of length 1, for category 0
    [0xff, 0xc4, 0x00, 0x14, 0x00, 0x01],
    new Array<number>(15).fill(0),
    [0x00],
    // DHT: AC table 0, one code of length 1, for end of block
    [0xff, 0xc4, 0x00, 0x14, 0x10, 0x01],
    new Array<number>(15).fill(0),
    [0x00],
    // SOS: one component (id 1, tables 0/0), spectral selection 0..63, no approximation
    [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00],
    // The scan: bits 0 (DC category 0) and 0 (end of block), then ones to the byte's end
    [0x3f],
    // EOI
    [0xff, 0xd9],
  ].flat(),
);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
