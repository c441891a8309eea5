import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solidPng, TINY_JPEG } from "./fake/artwork-images.js";
import { imageInfo } from "./image-info.js";

describe("imageInfo", () => {
  it("reads a PNG's size from its header", () => {
    expect(imageInfo(solidPng(300, 7))).toEqual({ mimetype: "image/png", width: 300, height: 7 });
  });

  it("reads a JPEG's size from its frame header, past other segments", () => {
    expect(imageInfo(TINY_JPEG)).toEqual({ mimetype: "image/jpeg", width: 8, height: 8 });
  });

  it("knows the type but not the size of a cut-off image", () => {
    expect(imageInfo(solidPng(3, 3).subarray(0, 12))).toEqual({
      mimetype: "image/png",
      width: 0,
      height: 0,
    });
    expect(imageInfo(TINY_JPEG.subarray(0, 30))).toEqual({
      mimetype: "image/jpeg",
      width: 0,
      height: 0,
    });
  });

  it("is undefined for anything else", () => {
    expect(imageInfo(new Uint8Array(0))).toBeUndefined();
    expect(imageInfo(new TextEncoder().encode("GIF89a"))).toBeUndefined();
  });

  it("never throws on random or mutated images", () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(TINY_JPEG, solidPng(2, 2)),
        fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(200),
      )
      .map(([image, flips, cut]) => {
        const bytes = image.slice(0, Math.max(2, cut));
        for (const [index, value] of flips)
          if (index >= 2 && index < bytes.length) bytes[index] = value;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 64 })), (bytes) => {
        const info = imageInfo(bytes);
        if (info !== undefined) {
          expect(info.width).toBeGreaterThanOrEqual(0);
          expect(info.height).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
