import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFlacPicture, parseVorbisComment } from "./vorbis-comment.js";
import { concat } from "./wav-builder.js";

function u32le(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function comments(entries: string[]): Uint8Array {
  const vendor = new TextEncoder().encode("test vendor");
  const parts = [u32le(vendor.length), vendor, u32le(entries.length)];
  for (const entry of entries) {
    const bytes = new TextEncoder().encode(entry);
    parts.push(u32le(bytes.length), bytes);
  }
  return concat(parts);
}

function picture(mime: string, data: Uint8Array): Uint8Array {
  const m = new TextEncoder().encode(mime);
  return concat([
    u32be(3),
    u32be(m.length),
    m,
    u32be(0),
    new Uint8Array(16),
    u32be(data.length),
    data,
  ]);
}

describe("parseVorbisComment", () => {
  it("reads TITLE, ARTIST, ALBUM in any case, and METADATA_BLOCK_PICTURE", () => {
    const image = Uint8Array.of(0xff, 0xd8, 0xff, 1, 2);
    const b64 = Buffer.from(picture("image/jpeg", image)).toString("base64");
    const bytes = comments([
      "title=Tïtle",
      "ARTIST=Artist",
      "Album=Album",
      "GENRE=x",
      `METADATA_BLOCK_PICTURE=${b64}`,
    ]);
    expect(parseVorbisComment(bytes)).toEqual({
      title: "Tïtle",
      artist: "Artist",
      album: "Album",
      artwork: { bytes: image, mimetype: "image/jpeg" },
    });
  });

  it("never throws on random or mutated comments and pictures", () => {
    const valid = comments([
      "TITLE=a",
      "ARTIST=b",
      `METADATA_BLOCK_PICTURE=${Buffer.from(picture("image/png", Uint8Array.of(1))).toString("base64")}`,
    ]);
    const mutated = fc
      .array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 10 })
      .map((edits) => {
        const copy = valid.slice();
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        expect(typeof parseVorbisComment(bytes)).toBe("object");
        const art = parseFlacPicture(bytes);
        if (art) expect(art.bytes.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
