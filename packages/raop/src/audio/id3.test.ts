import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { id3TagLength, parseId3 } from "./id3.js";
import { ascii, concat } from "./wav-builder.js";

function frame(version: 3 | 4, id: string, body: Uint8Array): Uint8Array {
  const head = new Uint8Array(10);
  head.set(ascii(id));
  const size = body.length;
  if (version === 4)
    head.set([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 4);
  else new DataView(head.buffer).setUint32(4, size);
  return concat([head, body]);
}

function tag(version: 3 | 4, frames: Uint8Array[]): Uint8Array {
  const body = concat(frames);
  const size = body.length;
  const head = Uint8Array.of(
    0x49,
    0x44,
    0x33,
    version,
    0,
    0,
    (size >> 21) & 0x7f,
    (size >> 14) & 0x7f,
    (size >> 7) & 0x7f,
    size & 0x7f,
  );
  return concat([head, body]);
}

const utf16 = (text: string) =>
  concat([Uint8Array.of(0xff, 0xfe), new Uint8Array(Buffer.from(text, "utf16le"))]);

describe("parseId3", () => {
  it("reads v2.3 text frames in Latin-1 and UTF-16, and APIC", () => {
    const picture = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3);
    const bytes = tag(3, [
      frame(3, "TIT2", concat([Uint8Array.of(0), ascii("Caf\xe9")])),
      frame(3, "TPE1", concat([Uint8Array.of(1), utf16("Ärtist ♪"), Uint8Array.of(0, 0)])),
      frame(3, "TALB", concat([Uint8Array.of(0), ascii("Album")])),
      frame(
        3,
        "APIC",
        concat([
          Uint8Array.of(1),
          ascii("image/png\0"),
          Uint8Array.of(3),
          utf16("cover"),
          Uint8Array.of(0, 0),
          picture,
        ]),
      ),
    ]);
    expect(id3TagLength(bytes)).toBe(bytes.length);
    expect(parseId3(bytes)).toEqual({
      title: "Café",
      artist: "Ärtist ♪",
      album: "Album",
      artwork: { bytes: picture, mimetype: "image/png" },
    });
  });

  it("reads v2.4 with syncsafe frame sizes and UTF-8", () => {
    const long = "x".repeat(300);
    const bytes = tag(4, [
      frame(4, "TIT2", concat([Uint8Array.of(3), new TextEncoder().encode(`${long}€`)])),
    ]);
    expect(parseId3(bytes).title).toBe(`${long}€`);
  });

  it("never throws on random or mutated tags", () => {
    const valid = tag(3, [
      frame(3, "TIT2", concat([Uint8Array.of(1), utf16("Title")])),
      frame(
        3,
        "APIC",
        concat([Uint8Array.of(0), ascii("image/jpeg\0"), Uint8Array.of(3, 0, 1, 2, 3)]),
      ),
    ]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .uint8Array({ maxLength: 300 })
            .map((b) => concat([Uint8Array.of(0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 1, 0), b])),
          fc
            .array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { maxLength: 10 })
            .map((edits) => {
              const copy = valid.slice();
              for (const [at, value] of edits) copy[at] = value;
              return copy;
            }),
        ),
        (bytes) => {
          const length = id3TagLength(bytes);
          if (length !== undefined) expect(length).toBeGreaterThanOrEqual(10);
          expect(typeof parseId3(bytes)).toBe("object");
        },
      ),
      { numRuns: 300 },
    );
  });
});
