import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodePlist, isXmlPlist } from "./plist.js";
import { decodeAnyPlist } from "./xml-plist.js";

// What an AirPlay 1 receiver answers /playback-info with while a video plays (the shape
// pyatv's fake device sends as XML).
const PLAYING_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>duration</key><real>125.5</real>
  <key>position</key><real>12.25</real>
  <key>rate</key><real>1</real>
  <key>readyToPlay</key><true/>
  <key>loadedTimeRanges</key><array><dict><key>start</key><real>0</real></dict></array>
  <key>uuid</key><string>abc</string>
  <key>blob</key><data>AAEC</data>
</dict>
</plist>`;

const bytes = (text: string) => new TextEncoder().encode(text);

describe("XML plists", () => {
  it("reads what an AirPlay 1 receiver answers, as binary ones are read", () => {
    const value = decodeAnyPlist(bytes(PLAYING_XML));
    expect(value).toMatchObject({
      duration: 125.5,
      position: 12.25,
      readyToPlay: true,
      uuid: "abc",
    });
    expect((value as { blob: Uint8Array }).blob).toEqual(Uint8Array.of(0, 1, 2));
    expect(decodeAnyPlist(bytes(`<plist><string>a &lt;&amp;&#x41;&#66;</string></plist>`))).toBe(
      "a <&AB",
    );
  });

  it("still reads binary plists", () => {
    expect(isXmlPlist(encodePlist({ a: 1 }))).toBe(false);
    expect(decodeAnyPlist(encodePlist({ a: 1 }))).toEqual({ a: 1 });
  });

  it("refuses entity declarations, oversized and malformed XML with a ProtocolError", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa">]><plist><string>&a;</string></plist>`;
    expect(() => decodeAnyPlist(bytes(bomb))).toThrow(ProtocolError);
    for (const broken of [
      `<?xml version="1.0"?><plist><dict><key>a</key>`,
      `<?xml version="1.0"?><plist><dict><key>a</key><string>b</dict></plist>`,
      `<?xml version="1.0"?><plist><string><![CDATA[x]]></string></plist>`,
      `<?xml version="1.0"?><plist><string>&nope;</string></plist>`,
      `<?xml version="1.0"?><plist><integer>1.5</integer></plist>`,
      `<?xml version="1.0"?><plist><dict><string>a</string><true/></dict></plist>`,
      `<?xml version="1.0"?><plist><true/><true/></plist>`,
      `<?xml version="1.0"?><dict></dict>`,
    ]) {
      expect(() => decodeAnyPlist(bytes(broken)), broken).toThrow(ProtocolError);
    }
    const huge = `<?xml version="1.0"?><plist><string>${"a".repeat(1024 * 1024)}</string></plist>`;
    expect(() => decodeAnyPlist(bytes(huge))).toThrow(ProtocolError);
    const deep = `<?xml version="1.0"?><plist>${"<array>".repeat(100)}${"</array>".repeat(100)}</plist>`;
    expect(() => decodeAnyPlist(bytes(deep))).toThrow(ProtocolError);
  });

  it("never fails with anything but a ProtocolError on random and mutated XML", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string().map((s) => `<?xml version="1.0"?>${s}`),
          fc
            .tuple(
              fc.nat(PLAYING_XML.length),
              fc.nat(PLAYING_XML.length),
              fc.string({ maxLength: 8 }),
            )
            .map(
              ([a, b, s]) =>
                PLAYING_XML.slice(0, Math.min(a, b)) + s + PLAYING_XML.slice(Math.max(a, b)),
            ),
        ),
        (text) => {
          try {
            decodeAnyPlist(bytes(text));
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
