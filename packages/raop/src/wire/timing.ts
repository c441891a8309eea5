// NTP-style timing packets of the timing port (pyatv's protocols.TimingServer) and the
// conversions between RTP timestamps and 64-bit NTP times (pyatv's raop/timing.py, after
// RAOP-Player). NTP times are 32.32 fixed point seconds since 1900, as bigints.

import { ProtocolError } from "@atv/interface";
import { SAMPLE_RATE } from "./constants.js";

const TIMING_REQUEST_TYPE = 0x52;
const TIMING_RESPONSE_TYPE = 0x53;
const TIMING_LENGTH = 32;
// pyatv answers every timing request with sequence number 7.
const TIMING_SEQNO = 7;
/** Seconds from 1900 (NTP's epoch) to 1970. */
const NTP_EPOCH_OFFSET = 0x83aa7e80n;

export interface TimingPacket {
  readonly kind: "request" | "response";
  readonly seqno: number;
  /** The request's send time, echoed by a response (0 in a request). */
  readonly reftime: bigint;
  /** When the responder received the request (0 in a request). */
  readonly recvtime: bigint;
  readonly sendtime: bigint;
}

/** A timing request: 0x80 0xD2, seq 7, zero padding, reference and receive times, send time. */
export function encodeTimingRequest(o: { ntpNow: bigint; seqno?: number }): Uint8Array {
  return encodeTiming(0x80, TIMING_REQUEST_TYPE, o.seqno ?? TIMING_SEQNO, 0n, 0n, o.ntpNow);
}

/**
 * pyatv's answer to a timing request: the request's first byte, 0xD3, seq 7, the
 * request's send time as reference time, then the receive and send times.
 */
export function encodeTimingResponse(
  request: Uint8Array | TimingPacket,
  receivedNtp: bigint,
  sentNtp: bigint,
): Uint8Array {
  const first = request instanceof Uint8Array ? (request[0] ?? 0x80) : 0x80;
  const decoded = request instanceof Uint8Array ? decodeTimingPacket(request) : request;
  return encodeTiming(
    first,
    TIMING_RESPONSE_TYPE,
    TIMING_SEQNO,
    decoded.sendtime,
    receivedNtp,
    sentNtp,
  );
}

function encodeTiming(
  first: number,
  type: number,
  seqno: number,
  reftime: bigint,
  recvtime: bigint,
  sendtime: bigint,
): Uint8Array {
  const out = new Uint8Array(TIMING_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = first;
  out[1] = 0x80 | type;
  view.setUint16(2, seqno & 0xffff);
  view.setBigUint64(8, BigInt.asUintN(64, reftime));
  view.setBigUint64(16, BigInt.asUintN(64, recvtime));
  view.setBigUint64(24, BigInt.asUintN(64, sendtime));
  return out;
}

/** A timing request or response; other packets are a ProtocolError. */
export function decodeTimingPacket(bytes: Uint8Array): TimingPacket {
  if (bytes.length !== TIMING_LENGTH) {
    throw new ProtocolError(`timing packet of ${bytes.length} bytes, expected ${TIMING_LENGTH}`);
  }
  if ((bytes[0] as number) >> 6 !== 2)
    throw new ProtocolError("timing packet is not RTP version 2");
  const type = (bytes[1] as number) & 0x7f;
  if (type !== TIMING_REQUEST_TYPE && type !== TIMING_RESPONSE_TYPE) {
    throw new ProtocolError(`packet type 0x${type.toString(16)} is not a timing packet`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    kind: type === TIMING_REQUEST_TYPE ? "request" : "response",
    seqno: view.getUint16(2),
    reftime: view.getBigUint64(8),
    recvtime: view.getBigUint64(16),
    sendtime: view.getBigUint64(24),
  };
}

/** The NTP time of an RTP timestamp (pyatv's ts2ntp: whole 1/65536 s, truncated). */
export function tsToNtp(ts: number, rate: number = SAMPLE_RATE): bigint {
  return ((BigInt(Math.trunc(ts)) << 16n) / BigInt(rate)) << 16n;
}

/** The RTP timestamp of an NTP time (pyatv's ntp2ts). */
export function ntpToTs(ntp: bigint, rate: number = SAMPLE_RATE): number {
  return Number(((ntp >> 16n) * BigInt(rate)) >> 16n);
}

/** Milliseconds of an NTP time (pyatv's ntp2ms). */
export function ntpToMs(ntp: bigint): number {
  return Number(((ntp >> 10n) * 1000n) >> 22n);
}

/** Milliseconds of an RTP timestamp (pyatv's ts2ms). */
export function tsToMs(ts: number, rate: number = SAMPLE_RATE): number {
  return ntpToMs(tsToNtp(ts, rate));
}

/** The wall-clock time now as NTP, to the microsecond (pyatv's ntp_now). */
export function ntpNow(): bigint {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  const seconds = micros / 1_000_000n;
  const fraction = ((micros % 1_000_000n) << 32n) / 1_000_000n;
  return ((seconds + NTP_EPOCH_OFFSET) << 32n) | fraction;
}
