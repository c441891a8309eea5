import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ControlPacketType,
  controlPacketType,
  decodeRetransmitRequest,
  decodeRetransmitResponse,
  decodeSyncPacket,
  encodeRetransmitRequest,
  encodeRetransmitResponse,
  encodeSyncPacket,
} from "./control.js";
import { decodeAudioPacket, encodeAudioPacket } from "./rtp.js";

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("sync packets", () => {
  it("round-trips", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (first, rtpTime, latency, ntp, nextRtpTime) => {
          const packet = encodeSyncPacket({ first, rtpTime, latency, ntp, nextRtpTime });
          expect(controlPacketType(packet)).toBe(ControlPacketType.Sync);
          expect(decodeSyncPacket(packet)).toEqual({
            first,
            rtpTimeLessLatency: (rtpTime - latency) >>> 0,
            ntp,
            nextRtpTime,
            latency: (nextRtpTime - ((rtpTime - latency) >>> 0)) >>> 0,
          });
        },
      ),
    );
  });

  it("carries rtpTime as the next RTP time unless told otherwise, as pyatv", () => {
    const packet = encodeSyncPacket({ first: false, rtpTime: 1000, latency: 100, ntp: 1n });
    expect(decodeSyncPacket(packet)).toMatchObject({ nextRtpTime: 1000, latency: 100 });
  });

  it("rejects other packets and lengths", () => {
    const packet = encodeSyncPacket({ first: true, rtpTime: 1, latency: 0, ntp: 0n });
    expect(() => decodeSyncPacket(packet.subarray(0, 19))).toThrow(ProtocolError);
    expect(() => decodeSyncPacket(encodeRetransmitRequest({ seqno: 1, count: 1 }))).toThrow(
      ProtocolError,
    );
  });
});

describe("retransmission", () => {
  it("asks as shairport-sync does: 0x80 0xD5, seq 1, first lost seqno, count", () => {
    const request = encodeRetransmitRequest({ seqno: 0x1234, count: 3 });
    expect(toHex(request)).toBe("80d5000112340003");
    expect(decodeRetransmitRequest(request)).toEqual({ seqno: 0x1234, count: 3 });
    expect(controlPacketType(request)).toBe(ControlPacketType.RetransmitRequest);
  });

  it("answers with 0x80 0xD6, the seqno and the original packet", () => {
    const original = encodeAudioPacket({
      marker: false,
      seqno: 0xbeef,
      timestamp: 7,
      ssrc: 9,
      payload: new Uint8Array([1, 2, 3]),
    });
    const response = encodeRetransmitResponse(original);
    expect(toHex(response.subarray(0, 4))).toBe("80d6beef");
    expect(decodeRetransmitResponse(response)).toEqual(original);
    expect(decodeAudioPacket(decodeRetransmitResponse(response)).seqno).toBe(0xbeef);
  });

  it("rejects short or foreign packets", () => {
    expect(() => decodeRetransmitRequest(new Uint8Array([0x80, 0xd5, 0, 1]))).toThrow(
      ProtocolError,
    );
    expect(() => decodeRetransmitResponse(new Uint8Array([0x80, 0xd6, 0, 1, 0x80]))).toThrow(
      ProtocolError,
    );
    expect(() => decodeRetransmitResponse(new Uint8Array(20).fill(0x80))).toThrow(ProtocolError);
    expect(() => encodeRetransmitResponse(new Uint8Array(4))).toThrow(RangeError);
    expect(controlPacketType(new Uint8Array(1))).toBeUndefined();
  });
});
