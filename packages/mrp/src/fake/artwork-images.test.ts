import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, solidPng, TINY_JPEG, TINY_JPEG_SIZE } from "./artwork-images.js";

/** The chunks of a PNG: type, data, and whether the stored CRC matches. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array; crcOk: boolean }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset);
    const type = Buffer.from(png.subarray(offset + 4, offset + 8)).toString("latin1");
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    out.push({ type, data, crcOk: crc === crc32(png.subarray(offset + 4, offset + 8 + length)) });
    offset += 12 + length;
  }
  return out;
}

describe("crc32", () => {
  it("matches the standard check value", () => {
    // CRC-32/ISO-HDLC of "123456789".
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe("solidPng", () => {
  it("is a valid PNG: signature, IHDR, IDAT, IEND, every CRC right", () => {
    const png = solidPng(3, 2, [255, 0, 10]);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    expect([...(parts[0]?.data ?? [])]).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    // Two rows, each filter byte 0 then three red-ish pixels.
    const row = [0, 255, 0, 10, 255, 0, 10, 255, 0, 10];
    expect([...inflateSync(parts[1]?.data ?? new Uint8Array(0))]).toEqual([...row, ...row]);
  });

  it("refuses sizes it cannot make", () => {
    expect(() => solidPng(0, 1)).toThrow(RangeError);
    expect(() => solidPng(1, 4097)).toThrow(RangeError);
    expect(() => solidPng(1.5, 1)).toThrow(RangeError);
  });
});

describe("TINY_JPEG", () => {
  it("is a baseline JPEG of the stated size, from SOI to EOI", () => {
    expect([...TINY_JPEG.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...TINY_JPEG.subarray(-2)]).toEqual([0xff, 0xd9]);
    // Walk the segments to the scan: each length must land on the next marker.
    const markers: number[] = [];
    let offset = 2;
    while (TINY_JPEG[offset] === 0xff && TINY_JPEG[offset + 1] !== 0xda) {
      markers.push(TINY_JPEG[offset + 1] ?? 0);
      offset += 2 + (((TINY_JPEG[offset + 2] ?? 0) << 8) | (TINY_JPEG[offset + 3] ?? 0));
    }
    expect(markers).toEqual([0xe0, 0xdb, 0xc0, 0xc4, 0xc4]);
    const sof = TINY_JPEG.indexOf(0xc0) + 1;
    expect(TINY_JPEG[sof + 2]).toBe(8); // precision
    expect((TINY_JPEG[sof + 3] ?? 0) * 256 + (TINY_JPEG[sof + 4] ?? 0)).toBe(TINY_JPEG_SIZE.height);
    expect((TINY_JPEG[sof + 5] ?? 0) * 256 + (TINY_JPEG[sof + 6] ?? 0)).toBe(TINY_JPEG_SIZE.width);
  });
});
