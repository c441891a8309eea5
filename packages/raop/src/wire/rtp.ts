// RTP audio packets as pyatv's StreamClient._send_packet builds them: 0x80, then payload
// type 0x60 with the marker bit on the first packet of a stream (0xE0), the sequence
// number, the RTP timestamp and the SSRC (the RTSP session id), then the payload.

import { ProtocolError } from "@atv/interface";

export const RTP_HEADER_LENGTH = 12;
/** The dynamic payload type announced in the SDP (`m=audio 0 RTP/AVP 96`). */
export const AUDIO_PAYLOAD_TYPE = 0x60;

export interface AudioPacket {
  readonly marker: boolean;
  readonly seqno: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

export interface DecodedAudioPacket extends AudioPacket {
  readonly payloadType: number;
}

/** An audio packet's bytes; seqno wraps at 16 bits, timestamp and ssrc at 32. */
export function encodeAudioPacket(p: AudioPacket): Uint8Array {
  const out = new Uint8Array(RTP_HEADER_LENGTH + p.payload.length);
  writeAudioHeader(out, p.marker, p.seqno, p.timestamp, p.ssrc);
  out.set(p.payload, RTP_HEADER_LENGTH);
  return out;
}

/** The 12-byte RTP header alone (the AAD source of an AirPlay 2 packet). */
export function encodeAudioHeader(p: Omit<AudioPacket, "payload">): Uint8Array {
  const out = new Uint8Array(RTP_HEADER_LENGTH);
  writeAudioHeader(out, p.marker, p.seqno, p.timestamp, p.ssrc);
  return out;
}

function writeAudioHeader(
  out: Uint8Array,
  marker: boolean,
  seqno: number,
  timestamp: number,
  ssrc: number,
): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = 0x80;
  out[1] = (marker ? 0x80 : 0) | AUDIO_PAYLOAD_TYPE;
  view.setUint16(2, seqno & 0xffff);
  view.setUint32(4, timestamp >>> 0);
  view.setUint32(8, ssrc >>> 0);
}

/**
 * Reads an RTP packet: version 2, no CSRCs, 12-byte header. The payload is a view into
 * `bytes`, not a copy.
 */
export function decodeAudioPacket(bytes: Uint8Array): DecodedAudioPacket {
  if (bytes.length < RTP_HEADER_LENGTH) {
    throw new ProtocolError(`RTP packet of ${bytes.length} bytes is shorter than its header`);
  }
  const first = bytes[0] as number;
  if (first >> 6 !== 2) throw new ProtocolError(`not an RTP version 2 packet (0x${hex(first)})`);
  if ((first & 0x0f) !== 0) throw new ProtocolError("RTP packets with CSRCs are not audio");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const second = bytes[1] as number;
  return {
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    seqno: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: bytes.subarray(RTP_HEADER_LENGTH),
  };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
