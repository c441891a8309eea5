// The RTSP header and body fields an AirPlay 1 receiver reads: Transport (SETUP),
// RTP-Info (RECORD, FLUSH, SET_PARAMETER) and the range of a volume.
// Formats per pyatv's support/rtsp.py and protocols/raop/protocols/airplayv1.py.

import { ProtocolError } from "@atv/interface";

/** The client's UDP ports from a SETUP Transport header. */
export interface ClientTransport {
  readonly controlPort: number;
  readonly timingPort: number;
}

/**
 * Reads `RTP/AVP/UDP;unicast;interleaved=0-1;mode=record;control_port=N;timing_port=M`.
 * A receiver cannot stream without both ports, so a missing or bad one is a ProtocolError.
 */
export function parseClientTransport(value: string): ClientTransport {
  const options = new Map<string, string>();
  const params: string[] = [];
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) params.push(part.trim());
    else options.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  if (!params.some((p) => /^RTP\/AVP(\/UDP)?$/i.test(p))) {
    throw new ProtocolError("transport is not RTP/AVP over UDP");
  }
  return {
    controlPort: port(options.get("control_port"), "control_port"),
    timingPort: port(options.get("timing_port"), "timing_port"),
  };
}

function port(value: string | undefined, name: string): number {
  if (value === undefined || !/^\d{1,5}$/.test(value)) {
    throw new ProtocolError(`transport has no valid ${name}`);
  }
  const n = Number(value);
  if (n < 1 || n > 65535) throw new ProtocolError(`transport ${name} ${n} is out of range`);
  return n;
}

/** `seq=N;rtptime=M`: the first sequence number and RTP time of what follows. */
export interface RtpInfo {
  readonly seq: number;
  readonly rtptime: number;
}

export function parseRtpInfo(value: string): RtpInfo | undefined {
  const seq = /(?:^|;)\s*seq=(\d{1,5})\s*(?:;|$)/.exec(value);
  const time = /(?:^|;)\s*rtptime=(\d{1,10})\s*(?:;|$)/.exec(value);
  if (seq === null || time === null) return undefined;
  const s = Number(seq[1]);
  const t = Number(time[1]);
  if (s > 0xffff || t > 0xffffffff) return undefined;
  return { seq: s, rtptime: t };
}

/** dB a receiver takes: -30 to 0, and -144 for mute (pyatv's pct_to_dbfs). */
export function checkVolume(db: number): number {
  if (!Number.isFinite(db) || db > 0 || db < -144) {
    throw new ProtocolError(`volume ${db} dB is out of range`);
  }
  return db;
}
