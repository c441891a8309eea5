import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeTimingPacket,
  encodeTimingRequest,
  encodeTimingResponse,
  ntpNow,
  ntpToMs,
  ntpToTs,
  tsToMs,
  tsToNtp,
} from "./timing.js";

const ntpArb = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe("timing packets", () => {
  it("round-trips a request and answers it", () => {
    fc.assert(
      fc.property(ntpArb, ntpArb, ntpArb, (sent, received, answered) => {
        const request = encodeTimingRequest({ ntpNow: sent });
        expect(decodeTimingPacket(request)).toEqual({
          kind: "request",
          seqno: 7,
          reftime: 0n,
          recvtime: 0n,
          sendtime: sent,
        });
        const response = encodeTimingResponse(request, received, answered);
        expect(decodeTimingPacket(response)).toEqual({
          kind: "response",
          seqno: 7,
          reftime: sent,
          recvtime: received,
          sendtime: answered,
        });
        expect(encodeTimingResponse(decodeTimingPacket(request), received, answered)).toEqual(
          response,
        );
      }),
    );
  });

  it("rejects other lengths and types", () => {
    expect(() => decodeTimingPacket(new Uint8Array(31))).toThrow(ProtocolError);
    const packet = encodeTimingRequest({ ntpNow: 1n });
    packet[1] = 0xd4;
    expect(() => decodeTimingPacket(packet)).toThrow(ProtocolError);
    expect(() => encodeTimingResponse(new Uint8Array(3), 0n, 0n)).toThrow(ProtocolError);
  });
});

describe("time conversions", () => {
  it("converts one second of frames to one NTP second", () => {
    expect(tsToNtp(44100)).toBe(1n << 32n);
    expect(ntpToTs(1n << 32n)).toBe(44100);
    expect(tsToMs(44100 * 60)).toBe(60_000);
    expect(ntpToMs(3n << 31n)).toBe(1500);
  });

  it("loses at most one frame on the way to NTP and back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (ts) => {
        const back = ntpToTs(tsToNtp(ts));
        expect(ts - back).toBeGreaterThanOrEqual(0);
        expect(ts - back).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("gives the wall clock as NTP, 1900-based", () => {
    const now = ntpNow();
    const unixSeconds = Number(now >> 32n) - 0x83aa7e80;
    expect(Math.abs(unixSeconds - Date.now() / 1000)).toBeLessThan(5);
    expect(now & 0xffffffffn).toBeLessThan(1n << 32n);
  });
});
