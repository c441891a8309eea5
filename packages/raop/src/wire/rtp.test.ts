import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { l16ToPcm, padPcm, pcmToL16 } from "./pcm.js";
import { decodeAudioPacket, encodeAudioHeader, encodeAudioPacket } from "./rtp.js";
import { openAudioPacketV2, sealAudioPacketV2 } from "./rtp-v2.js";

const packetArb = fc.record({
  marker: fc.boolean(),
  seqno: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 1500 }),
});

describe("RTP audio packets", () => {
  it("round-trips every field", () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        expect(decodeAudioPacket(encodeAudioPacket(p))).toEqual({ ...p, payloadType: 0x60 });
      }),
    );
  });

  it("wraps seqno at 16 bits and times at 32", () => {
    const packet = encodeAudioPacket({
      marker: false,
      seqno: 0x1_0002,
      timestamp: 2 ** 32 + 5,
      ssrc: -1,
      payload: new Uint8Array(0),
    });
    expect(decodeAudioPacket(packet)).toMatchObject({ seqno: 2, timestamp: 5, ssrc: 0xffffffff });
  });

  it("writes the header alone as the packet's first 12 bytes", () => {
    const fields = { marker: true, seqno: 9, timestamp: 99, ssrc: 999 };
    const packet = encodeAudioPacket({ ...fields, payload: new Uint8Array([1, 2]) });
    expect(encodeAudioHeader(fields)).toEqual(packet.subarray(0, 12));
  });

  it("rejects short packets, other RTP versions and CSRCs", () => {
    expect(() => decodeAudioPacket(new Uint8Array(11))).toThrow(ProtocolError);
    const packet = encodeAudioPacket({
      marker: false,
      seqno: 1,
      timestamp: 1,
      ssrc: 1,
      payload: new Uint8Array(4),
    });
    packet[0] = 0x40;
    expect(() => decodeAudioPacket(packet)).toThrow(ProtocolError);
    packet[0] = 0x81;
    expect(() => decodeAudioPacket(packet)).toThrow(ProtocolError);
  });
});

describe("AirPlay 2 audio packets", () => {
  const key = new Uint8Array(32).fill(7);
  const header = encodeAudioHeader({ marker: false, seqno: 5, timestamp: 1000, ssrc: 42 });

  it("round-trips payload and counter", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1408 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (pcm, counter) => {
          const opened = openAudioPacketV2(key, sealAudioPacketV2(key, counter, header, pcm));
          expect(opened.pcm).toEqual(pcm);
          expect(opened.counter).toBe(counter);
          expect(opened.header).toEqual(header);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("authenticates the header's timestamp and ssrc", () => {
    const packet = sealAudioPacketV2(key, 1, header, new Uint8Array(16));
    packet[7] = (packet[7] as number) ^ 1;
    expect(() => openAudioPacketV2(key, packet)).toThrow(ProtocolError);
  });

  it("rejects a wrong key and short packets", () => {
    const packet = sealAudioPacketV2(key, 1, header, new Uint8Array(16));
    expect(() => openAudioPacketV2(new Uint8Array(32), packet)).toThrow(ProtocolError);
    expect(() => openAudioPacketV2(key, packet.subarray(0, 35))).toThrow(ProtocolError);
  });
});

describe("L16", () => {
  it("swaps bytes and back", () => {
    expect(pcmToL16(new Uint8Array([1, 2, 3, 4]))).toEqual(new Uint8Array([2, 1, 4, 3]));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }).filter((b) => b.length % 2 === 0),
        (pcm) => {
          expect(l16ToPcm(pcmToL16(pcm))).toEqual(pcm);
        },
      ),
    );
  });

  it("rejects half samples", () => {
    expect(() => l16ToPcm(new Uint8Array(3))).toThrow(ProtocolError);
  });

  it("pads a short read with silence", () => {
    expect(padPcm(new Uint8Array([1, 2, 3, 4]), 8)).toEqual(
      new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]),
    );
    expect(padPcm(new Uint8Array(1408)).length).toBe(1408);
  });
});
