// The SDP of RAOP's ANNOUNCE. The session lines follow pyatv's support/rtsp.py
// ANNOUNCE_PAYLOAD (o=iTunes, s=iTunes, c=, t=0 0, m=audio 0 RTP/AVP 96). pyatv then
// announces `L16/44100/2` together with an ALAC fmtp line; we keep rtpmap and fmtp
// consistent instead, because shairport-sync 3.3.8 decodes as ALAC whenever an fmtp line
// is present and crashes on L16 payloads.

import { ProtocolError } from "@atv/interface";
import { CHANNELS, FRAMES_PER_PACKET, SAMPLE_RATE } from "./constants.js";

export type AudioFormat = "alac" | "l16";

/**
 * The fmtp values for 44.1 kHz 16-bit stereo in frames of 352, in the order of Apple's
 * ALAC magic cookie (ALACMagicCookieDescription.txt): frame length, compatible version,
 * bit depth, pb, mb, kb (Rice parameters), channels, max run, max frame bytes, average bit
 * rate, sample rate. The same line is in pyatv's rtsp.py template and in what iTunes
 * sends, as quoted by open receivers (shairport, nodetunes) and senders that parse it.
 */
export const ALAC_FMTP: readonly number[] = Object.freeze([
  FRAMES_PER_PACKET,
  0,
  16,
  40,
  10,
  14,
  CHANNELS,
  255,
  0,
  0,
  SAMPLE_RATE,
]);

const PAYLOAD_TYPE = 96;

export interface SdpOptions {
  /** The RTSP session id (decimal), also the RTP SSRC. */
  readonly sessionId: string;
  /** Our address on the connection to the receiver. */
  readonly localAddress: string;
  /** The receiver's address. */
  readonly remoteAddress: string;
  readonly format: AudioFormat;
}

/** The ANNOUNCE body, lines ended by CRLF. */
export function buildSdp(o: SdpOptions): string {
  for (const [name, value] of [
    ["sessionId", o.sessionId],
    ["localAddress", o.localAddress],
    ["remoteAddress", o.remoteAddress],
  ] as const) {
    if (!/^[^\s]+$/.test(value))
      throw new TypeError(`invalid SDP ${name} ${JSON.stringify(value)}`);
  }
  const lines = [
    "v=0",
    `o=iTunes ${o.sessionId} 0 IN ${addressType(o.localAddress)} ${o.localAddress}`,
    "s=iTunes",
    `c=IN ${addressType(o.remoteAddress)} ${o.remoteAddress}`,
    "t=0 0",
    `m=audio 0 RTP/AVP ${PAYLOAD_TYPE}`,
  ];
  if (o.format === "alac") {
    lines.push(`a=rtpmap:${PAYLOAD_TYPE} AppleLossless`);
    lines.push(`a=fmtp:${PAYLOAD_TYPE} ${ALAC_FMTP.join(" ")}`);
  } else {
    lines.push(`a=rtpmap:${PAYLOAD_TYPE} L16/${SAMPLE_RATE}/${CHANNELS}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

function addressType(address: string): "IP4" | "IP6" {
  return address.includes(":") ? "IP6" : "IP4";
}

export interface ParsedSdp {
  readonly format: AudioFormat;
  /** The session id of the o= line. */
  readonly sessionId: string | undefined;
  /** The address of the o= line (the sender's). */
  readonly originAddress: string | undefined;
  /** The address of the c= line (the receiver's). */
  readonly connectionAddress: string | undefined;
  readonly payloadType: number;
  /** The fmtp values (the ALAC cookie), when an fmtp line is present. */
  readonly fmtp: readonly number[] | undefined;
  /** Frames per packet the sender announced (the fmtp frame length, else 352). */
  readonly framesPerPacket: number;
  /** Set when the sender asks for the legacy AES encryption of RAOP (a=rsaaeskey). */
  readonly encrypted: boolean;
}

const MAX_SDP_LENGTH = 64 * 1024;

/**
 * Reads an ANNOUNCE body. Only what a receiver of ours can play is accepted: one audio
 * stream of 44.1 kHz 16-bit stereo as L16 (`L16/44100/2`) or ALAC (`AppleLossless` with an
 * fmtp line of 11 numbers saying 16 bits, 2 channels, 44100 Hz). Anything else, and text
 * that is not SDP, is a ProtocolError. An fmtp line next to L16 is ignored, as pyatv sends
 * one.
 */
export function parseSdp(text: string): ParsedSdp {
  if (text.length > MAX_SDP_LENGTH) throw new ProtocolError("SDP body is too long");
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines[0] !== "v=0") throw new ProtocolError("SDP does not start with v=0");
  let sessionId: string | undefined;
  let originAddress: string | undefined;
  let connectionAddress: string | undefined;
  let media: string | undefined;
  let payloadType: number | undefined;
  const rtpmap = new Map<number, string>();
  const fmtp = new Map<number, string>();
  let encrypted = false;
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new ProtocolError(`malformed SDP line ${quote(line)}`);
    const kind = line[0];
    const value = line.slice(2);
    if (kind === "o") {
      const parts = value.split(" ");
      if (parts.length !== 6) throw new ProtocolError(`malformed SDP origin ${quote(line)}`);
      sessionId = parts[1];
      originAddress = parts[5];
    } else if (kind === "c") {
      const parts = value.split(" ");
      if (parts.length !== 3) throw new ProtocolError(`malformed SDP connection ${quote(line)}`);
      connectionAddress = parts[2];
    } else if (kind === "m") {
      if (media !== undefined) throw new ProtocolError("SDP announces more than one stream");
      const match = /^audio \d+ RTP\/AVP (\d{1,3})$/.exec(value);
      if (match === null) throw new ProtocolError(`unsupported SDP media ${quote(line)}`);
      media = value;
      payloadType = Number(match[1]);
    } else if (kind === "a") {
      const attribute = /^(rtpmap|fmtp):(\d{1,3}) (.*)$/.exec(value);
      if (attribute !== null) {
        const map = attribute[1] === "rtpmap" ? rtpmap : fmtp;
        map.set(Number(attribute[2]), attribute[3] as string);
      } else if (value.startsWith("rsaaeskey:")) {
        encrypted = true;
      }
    }
  }
  if (payloadType === undefined) throw new ProtocolError("SDP has no audio stream");
  const encoding = rtpmap.get(payloadType);
  if (encoding === undefined) throw new ProtocolError(`SDP has no rtpmap for ${payloadType}`);
  const base = { sessionId, originAddress, connectionAddress, payloadType, encrypted };
  if (encoding === `L16/${SAMPLE_RATE}/${CHANNELS}`) {
    return { ...base, format: "l16", fmtp: undefined, framesPerPacket: FRAMES_PER_PACKET };
  }
  if (encoding !== "AppleLossless") {
    throw new ProtocolError(`unsupported SDP audio encoding ${quote(encoding)}`);
  }
  const cookie = fmtp.get(payloadType);
  if (cookie === undefined) throw new ProtocolError("ALAC announced without an fmtp line");
  if (!/^\d{1,10}( \d{1,10}){10}$/.test(cookie)) {
    throw new ProtocolError(`malformed ALAC fmtp ${quote(cookie)}`);
  }
  const values = cookie.split(" ").map(Number);
  const [frameLength, , bitDepth, , , , channels, , , , rate] = values as number[];
  if (bitDepth !== 16 || channels !== CHANNELS || rate !== SAMPLE_RATE) {
    throw new ProtocolError(`unsupported ALAC format ${quote(cookie)}`);
  }
  if (frameLength === undefined || frameLength < 1 || frameLength > 4096) {
    throw new ProtocolError(`unsupported ALAC frame length ${frameLength}`);
  }
  return { ...base, format: "alac", fmtp: Object.freeze(values), framesPerPacket: frameLength };
}

function quote(text: string): string {
  return JSON.stringify(text.slice(0, 100));
}
