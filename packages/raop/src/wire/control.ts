// Packets of the control port (pyatv's stream_client.ControlClient): sync packets the
// sender sends once a second, and retransmission requests and answers for lost packets.

import { ProtocolError } from "@atv/interface";
import { RTP_HEADER_LENGTH } from "./rtp.js";

const SYNC_TYPE = 0x54;
const RETRANSMIT_REQUEST_TYPE = 0x55;
const RETRANSMIT_RESPONSE_TYPE = 0x56;
const SYNC_LENGTH = 20;
const RETRANSMIT_REQUEST_LENGTH = 8;
const RETRANSMIT_RESPONSE_HEADER = 4;
// pyatv sends every sync packet with sequence number 7.
const SYNC_SEQNO = 7;

export interface SyncPacket {
  /** The first sync packet of a stream carries the extension bit (0x90, else 0x80). */
  readonly first: boolean;
  /** The RTP time playing now (pyatv's context.rtptime). */
  readonly rtpTime: number;
  /** The receiver's latency in frames; the packet carries rtpTime - latency. */
  readonly latency: number;
  /** The NTP time that rtpTime corresponds to (pyatv: ts2ntp(head_ts)). */
  readonly ntp: bigint;
  /** The RTP time of the next packet; pyatv sends rtpTime here, the default. */
  readonly nextRtpTime?: number;
}

export interface DecodedSyncPacket {
  readonly first: boolean;
  /** rtpTime - latency, as carried. */
  readonly rtpTimeLessLatency: number;
  readonly ntp: bigint;
  readonly nextRtpTime: number;
  /** nextRtpTime - rtpTimeLessLatency: the latency when the sender follows pyatv. */
  readonly latency: number;
}

/** 0x90|0x80, 0xD4, seq 7, rtpTime - latency, NTP seconds and fraction, nextRtpTime. */
export function encodeSyncPacket(o: SyncPacket): Uint8Array {
  const out = new Uint8Array(SYNC_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = o.first ? 0x90 : 0x80;
  out[1] = 0x80 | SYNC_TYPE;
  view.setUint16(2, SYNC_SEQNO);
  view.setUint32(4, (o.rtpTime - o.latency) >>> 0);
  view.setBigUint64(8, BigInt.asUintN(64, o.ntp));
  view.setUint32(16, (o.nextRtpTime ?? o.rtpTime) >>> 0);
  return out;
}

export function decodeSyncPacket(bytes: Uint8Array): DecodedSyncPacket {
  const view = controlView(bytes, SYNC_TYPE, "sync");
  if (bytes.length !== SYNC_LENGTH) {
    throw new ProtocolError(`sync packet of ${bytes.length} bytes, expected ${SYNC_LENGTH}`);
  }
  const rtpTimeLessLatency = view.getUint32(4);
  const nextRtpTime = view.getUint32(16);
  return {
    first: ((bytes[0] as number) & 0x10) !== 0,
    rtpTimeLessLatency,
    ntp: view.getBigUint64(8),
    nextRtpTime,
    latency: (nextRtpTime - rtpTimeLessLatency) >>> 0,
  };
}

export interface RetransmitRequest {
  /** The first lost sequence number. */
  readonly seqno: number;
  /** How many packets from seqno on. */
  readonly count: number;
}

/**
 * 0x80, 0xD5, the request's own sequence number (1, as shairport-sync sends), then the
 * first lost seqno and the count (pyatv's RetransmitReqeust packet).
 */
export function encodeRetransmitRequest(o: RetransmitRequest): Uint8Array {
  const out = new Uint8Array(RETRANSMIT_REQUEST_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = 0x80 | RETRANSMIT_REQUEST_TYPE;
  view.setUint16(2, 1);
  view.setUint16(4, o.seqno & 0xffff);
  view.setUint16(6, o.count & 0xffff);
  return out;
}

export function decodeRetransmitRequest(bytes: Uint8Array): RetransmitRequest {
  const view = controlView(bytes, RETRANSMIT_REQUEST_TYPE, "retransmit request");
  if (bytes.length !== RETRANSMIT_REQUEST_LENGTH) {
    throw new ProtocolError(`retransmit request of ${bytes.length} bytes`);
  }
  return { seqno: view.getUint16(4), count: view.getUint16(6) };
}

/**
 * 0x80, 0xD6, the original packet's seqno, then the original audio packet whole (pyatv's
 * ControlClient._retransmit_lost_packets).
 */
export function encodeRetransmitResponse(audioPacket: Uint8Array): Uint8Array {
  if (audioPacket.length < RTP_HEADER_LENGTH) {
    throw new RangeError(`audio packet of ${audioPacket.length} bytes has no RTP header`);
  }
  const out = new Uint8Array(RETRANSMIT_RESPONSE_HEADER + audioPacket.length);
  out[0] = 0x80;
  out[1] = 0x80 | RETRANSMIT_RESPONSE_TYPE;
  out[2] = audioPacket[2] as number;
  out[3] = audioPacket[3] as number;
  out.set(audioPacket, RETRANSMIT_RESPONSE_HEADER);
  return out;
}

/** The audio packet inside a retransmission (a view into `bytes`). */
export function decodeRetransmitResponse(bytes: Uint8Array): Uint8Array {
  controlView(bytes, RETRANSMIT_RESPONSE_TYPE, "retransmit response");
  if (bytes.length < RETRANSMIT_RESPONSE_HEADER + RTP_HEADER_LENGTH) {
    throw new ProtocolError(`retransmit response of ${bytes.length} bytes holds no packet`);
  }
  return bytes.subarray(RETRANSMIT_RESPONSE_HEADER);
}

/**
 * The packet type of a control packet without its marker bit (as pyatv's
 * ControlClient.datagram_received reads it), or undefined for fewer than 2 bytes.
 */
export function controlPacketType(bytes: Uint8Array): number | undefined {
  return bytes.length < 2 ? undefined : (bytes[1] as number) & 0x7f;
}

export const ControlPacketType = {
  Sync: SYNC_TYPE,
  RetransmitRequest: RETRANSMIT_REQUEST_TYPE,
  RetransmitResponse: RETRANSMIT_RESPONSE_TYPE,
} as const;

function controlView(bytes: Uint8Array, type: number, what: string): DataView {
  if (bytes.length < 4) throw new ProtocolError(`${what} of ${bytes.length} bytes is too short`);
  if ((bytes[0] as number) >> 6 !== 2) throw new ProtocolError(`${what} is not RTP version 2`);
  if (((bytes[1] as number) & 0x7f) !== type) {
    throw new ProtocolError(
      `packet type 0x${((bytes[1] as number) & 0x7f).toString(16)} is not a ${what}`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
