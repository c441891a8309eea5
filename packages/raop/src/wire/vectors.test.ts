// Known answers recorded from pyatv 0.18.0 (shared/vectors/raop.json, described in
// shared/vectors/README.md): every vector byte for byte.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dbfsToPct,
  decodeAudioPacket,
  decodeRaopMetadata,
  decodeSyncPacket,
  decodeTimingPacket,
  encodeAudioHeader,
  encodeAudioPacket,
  encodeRaopMetadata,
  encodeSyncPacket,
  encodeTimingResponse,
  encodeVolumeParameter,
  l16ToPcm,
  ntpToTs,
  openAudioPacketV2,
  padPcm,
  parseVolumeParameter,
  pcmToL16,
  pctToDbfs,
  sealAudioPacketV2,
  tsToMs,
  tsToNtp,
} from "./index.js";

interface AudioVector {
  input_pcm_s16le_hex: string;
  frames_sent?: number;
  rtpseq?: number;
  rtptime?: number;
  ssrc?: number;
  packet_hex?: string;
  key_hex?: string;
  packets_hex?: string[];
}
interface SyncVector {
  head_ts: number;
  start_ts?: number;
  latency?: number;
  packet_hex: string;
  decoded: {
    proto: number;
    type: number;
    seqno: number;
    now_without_latency: number;
    last_sync_sec: number;
    last_sync_frac: number;
    now: number;
  };
}
interface Vectors {
  audio_packets: AudioVector[];
  sync_packets: SyncVector[];
  timing: {
    ntp_now: number | bigint;
    request_hex: string;
    response_hex: string;
    response_decoded: Record<string, number>;
  };
  metadata: { method: string; content_type: string; body_hex: string };
  volume: { percent: number; dbfs: number; set_parameter_body?: string; note: string }[];
  timing_conversions: { ts: number; ntp: number; ntp2ts_back: number; ts2ms: number }[];
}

const text = readFileSync(
  new URL("../../../../../shared/vectors/raop.json", import.meta.url),
  "utf8",
);
const vectors = JSON.parse(text) as Vectors;
// JSON numbers past 2^53 lose digits in JSON.parse: read ntp_now from the text itself.
const ntpNowText = /"ntp_now":\s*(\d+)/.exec(text)?.[1] as string;

const hex = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("audio packets", () => {
  const [first, second, v2] = vectors.audio_packets as [AudioVector, AudioVector, AudioVector];
  const ssrc = first.ssrc as number;
  const seqno = first.rtpseq as number;
  const timestamp = first.rtptime as number;

  it("encodes the first packet with the marker bit and L16 payload", () => {
    const payload = pcmToL16(padPcm(hex(first.input_pcm_s16le_hex)));
    const packet = encodeAudioPacket({ marker: true, seqno, timestamp, ssrc, payload });
    expect(toHex(packet)).toBe(first.packet_hex);
  });

  it("encodes the next packet, padding a short read to 352 frames", () => {
    const pcm = hex(second.input_pcm_s16le_hex);
    expect(pcm.length).toBe(100 * 4);
    const payload = pcmToL16(padPcm(pcm));
    const packet = encodeAudioPacket({
      marker: false,
      seqno: seqno + 1,
      timestamp: timestamp + 352,
      ssrc,
      payload,
    });
    expect(toHex(packet)).toBe(second.packet_hex);
  });

  it("decodes both packets back to their fields and PCM", () => {
    const decoded = decodeAudioPacket(hex(first.packet_hex as string));
    expect(decoded).toMatchObject({ marker: true, payloadType: 0x60, seqno, timestamp, ssrc });
    expect(toHex(l16ToPcm(decoded.payload))).toBe(first.input_pcm_s16le_hex);
    const next = decodeAudioPacket(hex(second.packet_hex as string));
    expect(next).toMatchObject({ marker: false, seqno: seqno + 1, timestamp: timestamp + 352 });
    expect(toHex(l16ToPcm(next.payload).subarray(0, 400))).toBe(second.input_pcm_s16le_hex);
  });

  it("seals and opens AirPlay 2 packets with the message counter as nonce", () => {
    const key = hex(v2.key_hex as string);
    const pcm = pcmToL16(hex(v2.input_pcm_s16le_hex));
    (v2.packets_hex as string[]).forEach((expected, counter) => {
      const header = encodeAudioHeader({
        marker: counter === 0,
        seqno: counter + 1,
        timestamp: timestamp + counter * 352,
        ssrc,
      });
      expect(toHex(sealAudioPacketV2(key, counter, header, pcm))).toBe(expected);
      const opened = openAudioPacketV2(key, hex(expected));
      expect(opened.counter).toBe(BigInt(counter));
      expect(toHex(opened.header)).toBe(toHex(header));
      expect(toHex(opened.pcm)).toBe(toHex(pcm));
    });
  });
});

describe("sync packets", () => {
  const [first, next] = vectors.sync_packets as [SyncVector, SyncVector];
  const latency = first.latency as number;
  const start = first.start_ts as number;

  it.each([
    [first, true],
    [next, false],
  ] as const)("encodes %#", (vector, isFirst) => {
    // pyatv's context.rtptime: frames sent since start, plus the latency.
    const rtpTime = vector.head_ts - start + latency;
    const packet = encodeSyncPacket({
      first: isFirst,
      rtpTime,
      latency,
      ntp: tsToNtp(vector.head_ts),
      nextRtpTime: rtpTime,
    });
    expect(toHex(packet)).toBe(vector.packet_hex);
    expect(vector.decoded.now).toBe(rtpTime);
  });

  it.each([first, next])("decodes %#", (vector) => {
    const decoded = decodeSyncPacket(hex(vector.packet_hex));
    const { decoded: want } = vector;
    expect(decoded.first).toBe(want.proto === 0x90);
    expect(decoded.rtpTimeLessLatency).toBe(want.now_without_latency);
    expect(decoded.nextRtpTime).toBe(want.now);
    expect(decoded.latency).toBe(latency);
    expect(decoded.ntp).toBe((BigInt(want.last_sync_sec) << 32n) | BigInt(want.last_sync_frac));
  });
});

describe("timing", () => {
  const { timing } = vectors;
  const ntpNow = BigInt(ntpNowText);

  it("answers a timing request as pyatv's TimingServer", () => {
    const response = encodeTimingResponse(hex(timing.request_hex), ntpNow, ntpNow);
    expect(toHex(response)).toBe(timing.response_hex);
  });

  it("decodes the request and the response", () => {
    const request = decodeTimingPacket(hex(timing.request_hex));
    expect(request).toEqual({
      kind: "request",
      seqno: 7,
      reftime: 0n,
      recvtime: 0n,
      sendtime: 0xe6a1b2c0_12345678n,
    });
    const d = timing.response_decoded as Record<string, number>;
    const ntp = (sec: string, frac: string): bigint =>
      (BigInt(d[sec] as number) << 32n) | BigInt(d[frac] as number);
    expect(decodeTimingPacket(hex(timing.response_hex))).toEqual({
      kind: "response",
      seqno: d.seqno,
      reftime: ntp("reftime_sec", "reftime_frac"),
      recvtime: ntp("recvtime_sec", "recvtime_frac"),
      sendtime: ntp("sendtime_sec", "sendtime_frac"),
    });
  });
});

describe("metadata", () => {
  it("encodes title, album, artist in pyatv's order", () => {
    const body = encodeRaopMetadata({ title: "T", artist: "A", album: "B" });
    expect(toHex(body)).toBe(vectors.metadata.body_hex);
    expect(decodeRaopMetadata(body)).toEqual({ title: "T", artist: "A", album: "B" });
  });
});

describe("volume", () => {
  const toDb = vectors.volume.filter((v) => v.set_parameter_body !== undefined);
  const toPct = vectors.volume.filter((v) => v.set_parameter_body === undefined);

  it.each(toDb)("maps $percent % to $dbfs dBFS", (v) => {
    expect(pctToDbfs(v.percent)).toBe(v.dbfs);
    expect(encodeVolumeParameter(pctToDbfs(v.percent))).toBe(v.set_parameter_body);
    expect(parseVolumeParameter(v.set_parameter_body as string)).toBe(v.dbfs);
  });

  it.each(toPct)("maps $dbfs dBFS to $percent %", (v) => {
    expect(dbfsToPct(v.dbfs)).toBe(v.percent);
  });
});

describe("timing conversions", () => {
  it.each(vectors.timing_conversions)("converts ts $ts", (v) => {
    const ntp = tsToNtp(v.ts, 44100);
    expect(ntp).toBe(BigInt(v.ntp));
    expect(ntpToTs(ntp, 44100)).toBe(v.ntp2ts_back);
    expect(tsToMs(v.ts, 44100)).toBe(v.ts2ms);
  });
});
