import { PlaybackError, ProtocolError } from "@atv/interface";
import { encodePlist, PlistReal, type PlistValue } from "@atv/plist";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mutatedFrom } from "../../../../scripts/byte-mutations.js";
import { parsePlaybackInfo, readPlaybackInfo } from "./playback-info.js";

// What the unofficial AirPlay specification records a playing Apple TV answering.
const PLAYING = encodePlist({
  duration: new PlistReal(1801),
  loadedTimeRanges: [{ duration: new PlistReal(51.541), start: new PlistReal(18.879) }],
  playbackBufferEmpty: true,
  playbackBufferFull: false,
  playbackLikelyToKeepUp: true,
  position: new PlistReal(18.8),
  rate: new PlistReal(1),
  readyToPlay: true,
  seekableTimeRanges: [{ duration: new PlistReal(1801), start: new PlistReal(0) }],
});
// pyatv's fake device when nothing plays.
const IDLE = encodePlist({ readyToPlay: false, uuid: 123 });
const FAILED = encodePlist({ error: { code: -11800, domain: "AVFoundationErrorDomain" } });

function outcome(body: Uint8Array): unknown {
  try {
    return parsePlaybackInfo(body);
  } catch (error) {
    return error;
  }
}

describe("parsePlaybackInfo", () => {
  it("reads a playing item", () => {
    expect(parsePlaybackInfo(PLAYING)).toEqual({
      playing: true,
      duration: 1801,
      position: 18.8,
      rate: 1,
      readyToPlay: true,
    });
  });

  it("reads nothing playing from an idle answer or an empty body", () => {
    expect(parsePlaybackInfo(IDLE)).toMatchObject({ playing: false, readyToPlay: false });
    expect(parsePlaybackInfo(new Uint8Array(0))).toEqual({ playing: false });
    expect(parsePlaybackInfo(encodePlist({}))).toMatchObject({ playing: false });
  });

  it("counts any duration as playing, as pyatv, and ignores mistyped numbers", () => {
    expect(parsePlaybackInfo(encodePlist({ duration: 0 }))).toMatchObject({
      playing: true,
      duration: 0,
    });
    expect(parsePlaybackInfo(encodePlist({ duration: "long", position: true }))).toEqual({
      playing: true,
      duration: undefined,
      position: undefined,
      rate: undefined,
      readyToPlay: undefined,
    });
  });

  it("raises the device's error with its code and domain, as pyatv words it", () => {
    expect(() => parsePlaybackInfo(FAILED)).toThrow(
      new PlaybackError("got error -11800 (AVFoundationErrorDomain) when playing video"),
    );
    expect(() => parsePlaybackInfo(encodePlist({ error: {} }))).toThrow(
      "got error unknown (unknown domain) when playing video",
    );
    expect(() => parsePlaybackInfo(encodePlist({ error: "boom", duration: 3 }))).toThrow(
      PlaybackError,
    );
    expect(() => parsePlaybackInfo(encodePlist({ error: { code: "E1", domain: 7 } }))).toThrow(
      "got error E1 (7) when playing video",
    );
  });

  it("refuses what is not a dictionary in a binary plist", () => {
    expect(() => parsePlaybackInfo(encodePlist([1, 2]))).toThrow(ProtocolError);
    expect(() => parsePlaybackInfo(encodePlist("duration"))).toThrow(ProtocolError);
    expect(() => parsePlaybackInfo(new TextEncoder().encode("duration: 3"))).toThrow(ProtocolError);
  });

  const key = fc.oneof(
    fc.constantFrom("duration", "position", "rate", "readyToPlay", "error", "code", "domain"),
    fc.string().filter((k) => !["__proto__", "bplistOverride", "UID"].includes(k)),
  );
  const value: fc.Arbitrary<PlistValue> = fc.letrec<{ value: PlistValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.string(),
      fc.boolean(),
      fc.maxSafeInteger(),
      fc.double(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.uint8Array({ maxLength: 20 }),
      fc.date({ min: new Date("1900-01-01"), max: new Date("2300-01-01"), noInvalidDate: true }),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(key, tie("value"), { maxKeys: 5 }),
    ),
  })).value;

  function checkOutcome(result: unknown): void {
    if (result instanceof PlaybackError || result instanceof ProtocolError) return;
    expect(result).toMatchObject({ playing: expect.any(Boolean) });
    const info = result as Record<string, unknown>;
    for (const name of ["duration", "position", "rate"]) {
      if (info[name] !== undefined) expect(Number.isFinite(info[name])).toBe(true);
    }
  }

  it("gives a state or a typed error for any plist value", () => {
    fc.assert(fc.property(value, (plist) => checkOutcome(outcome(encodePlist(plist)))));
  });

  it("gives a state or a typed error for any bytes, garbled answers included", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), mutatedFrom([PLAYING, IDLE, FAILED])),
        (bytes) => checkOutcome(outcome(bytes)),
      ),
    );
  });
});

describe("playback info in XML (AirPlay 1 receivers)", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("reads what an AirPlay 1 receiver answers while a video plays", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>duration</key><real>125.5</real><key>position</key><real>12.25</real>
  <key>rate</key><real>1</real><key>readyToPlay</key><true/>
</dict></plist>`;
    expect(readPlaybackInfo(bytes(xml))).toEqual({
      playing: true,
      duration: 125.5,
      position: 12.25,
      rate: 1,
      readyToPlay: true,
    });
  });

  it("turns a device's XML error into the same PlaybackError as a binary one", () => {
    const xml = `<?xml version="1.0"?><plist version="1.0"><dict><key>error</key><dict><key>code</key><integer>-11800</integer><key>domain</key><string>AVFoundationErrorDomain</string></dict></dict></plist>`;
    expect(() => readPlaybackInfo(bytes(xml))).toThrow(
      "got error -11800 (AVFoundationErrorDomain) when playing video",
    );
  });
});
