// Every decoder, fed random bytes and mutated valid input: it returns a value or throws a
// ProtocolError, never anything else (no RangeError from a DataView, no TypeError).

import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildSdp,
  decodeAlacFrame,
  decodeAudioPacket,
  decodeRaopMetadata,
  decodeRetransmitRequest,
  decodeRetransmitResponse,
  decodeSyncPacket,
  decodeTimingPacket,
  encodeAlacFrame,
  encodeAudioHeader,
  encodeAudioPacket,
  encodeProgress,
  encodeRaopMetadata,
  encodeRetransmitRequest,
  encodeRetransmitResponse,
  encodeSyncPacket,
  encodeTimingRequest,
  encodeVolumeParameter,
  l16ToPcm,
  openAudioPacketV2,
  parseProgress,
  parseRtspResponse,
  parseSdp,
  parseTextParameters,
  parseVolumeParameter,
  sealAudioPacketV2,
} from "./index.js";

const KEY = new Uint8Array(32).fill(3);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Flips, overwrites, inserts and deletes bytes, and truncates. */
function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), value: fc.constant(0) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    const bytes = [...seed];
    for (const { kind, at, value } of edits) {
      const pos = bytes.length === 0 ? 0 : at % bytes.length;
      if (kind === "set" && bytes.length > 0) bytes[pos] = value;
      else if (kind === "insert") bytes.splice(pos, 0, value);
      else if (kind === "delete") bytes.splice(pos, 1);
      else if (kind === "truncate") bytes.length = pos;
    }
    return new Uint8Array(bytes);
  });
}

function valueOrProtocolError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

const header = encodeAudioHeader({ marker: true, seqno: 1, timestamp: 2, ssrc: 3 });
const audio = encodeAudioPacket({
  marker: true,
  seqno: 1,
  timestamp: 2,
  ssrc: 3,
  payload: new Uint8Array(64).fill(9),
});
const rtsp = text(
  "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 3\r\nAudio-Jack-Status: connected\r\n\r\nabc",
);
const decoders: [string, Uint8Array[], (bytes: Uint8Array) => unknown][] = [
  ["decodeAudioPacket", [audio], decodeAudioPacket],
  [
    "openAudioPacketV2",
    [sealAudioPacketV2(KEY, 5, header, new Uint8Array(32))],
    (b) => openAudioPacketV2(KEY, b),
  ],
  ["l16ToPcm", [new Uint8Array(16)], l16ToPcm],
  [
    "decodeAlacFrame",
    [
      encodeAlacFrame(new Uint8Array(352 * 4).fill(0x55)),
      encodeAlacFrame(new Uint8Array(12).fill(0xaa)),
    ],
    (b) => decodeAlacFrame(b),
  ],
  [
    "decodeSyncPacket",
    [encodeSyncPacket({ first: true, rtpTime: 9, latency: 3, ntp: 123n })],
    decodeSyncPacket,
  ],
  ["decodeTimingPacket", [encodeTimingRequest({ ntpNow: 99n })], decodeTimingPacket],
  [
    "decodeRetransmitRequest",
    [encodeRetransmitRequest({ seqno: 4, count: 2 })],
    decodeRetransmitRequest,
  ],
  ["decodeRetransmitResponse", [encodeRetransmitResponse(audio)], decodeRetransmitResponse],
  [
    "decodeRaopMetadata",
    [encodeRaopMetadata({ title: "Title", artist: "Artist", album: "Album" })],
    decodeRaopMetadata,
  ],
  ["parseRtspResponse", [rtsp], parseRtspResponse],
  [
    "parseSdp",
    [
      text(
        buildSdp({
          sessionId: "1",
          localAddress: "1.1.1.1",
          remoteAddress: "2.2.2.2",
          format: "alac",
        }),
      ),
    ],
    (b) => parseSdp(Buffer.from(b).toString("latin1")),
  ],
  [
    "parseProgress",
    [text(encodeProgress(1, 2, 3))],
    (b) => parseProgress(Buffer.from(b).toString("latin1")),
  ],
  [
    "parseVolumeParameter",
    [text(encodeVolumeParameter(-12.5))],
    (b) => parseVolumeParameter(Buffer.from(b).toString("latin1")),
  ],
  [
    "parseTextParameters",
    [text("volume: -3.0\r\nprogress: 1/2/3\r\n")],
    (b) => parseTextParameters(Buffer.from(b).toString("latin1")),
  ],
];

describe.each(decoders)("%s on bad input", (_, seeds, decode) => {
  it("takes the valid seeds", () => {
    for (const seed of seeds) expect(() => decode(seed)).not.toThrow();
  });

  it("returns a value or throws ProtocolError for random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) =>
        valueOrProtocolError(() => decode(bytes)),
      ),
      { numRuns: 300 },
    );
  });

  it("returns a value or throws ProtocolError for mutated valid input", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds).chain((seed) => mutated(seed)),
        (bytes) => valueOrProtocolError(() => decode(bytes)),
      ),
      { numRuns: 300 },
    );
  });
});

describe("SDP text fuzz", () => {
  it("returns a value or throws ProtocolError for random lines", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        "v=0",
        "m=audio 0 RTP/AVP 96",
        "a=rtpmap:96 AppleLossless",
        "a=rtpmap:96 L16/44100/2",
      ),
      fc.string({ maxLength: 40 }).map((s) => `a=fmtp:96 ${s}`),
      fc.string({ maxLength: 40 }).map((s) => `o=${s}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) =>
        valueOrProtocolError(() => parseSdp(lines.join("\r\n"))),
      ),
      { numRuns: 500 },
    );
  });
});
