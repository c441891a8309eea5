// The two plist SETUP bodies of an AirPlay 2 audio session, as a receiver reads them.
// Facts from pyatv's protocols/raop/protocols/airplayv2.py (_setup_base and
// setup_audio_stream): the session SETUP carries the sender's NTP timing port, the stream
// SETUP one real-time audio stream (type 96) with its format, its control port and the
// audio key `shk`. Pure functions: a body in, a typed setup or a refusal (status and
// reason) out; they never throw.

import { decodePlist, isPlistDictionary, type PlistDictionary, type PlistValue } from "@atv/plist";
import { FRAMES_PER_PACKET, SAMPLE_RATE } from "../wire/index.js";
import type { FakeRaopFormat } from "./events.js";

/** A refusal: the RTSP status and reason phrase to answer with. */
export interface SetupRefusal {
  readonly ok: false;
  readonly status: number;
  readonly reason: string;
}

export type SetupResult<T> = ({ readonly ok: true } & T) | SetupRefusal;

/** What the receiver keeps of SETUP #1. */
export interface SessionSetup {
  /** The sender's NTP timing port (UDP). */
  readonly timingPort: number;
  readonly sessionUuid: string | undefined;
  readonly deviceId: string | undefined;
  readonly name: string | undefined;
}

/** What the receiver keeps of SETUP #2. */
export interface AudioStreamSetup {
  readonly format: FakeRaopFormat;
  /** Frames per packet ("spf"). */
  readonly framesPerPacket: number;
  /** The 32-byte ChaCha20-Poly1305 key of the audio packets. */
  readonly key: Uint8Array;
  /** The sender's control port (UDP): sync packets come from it, resend requests go to it. */
  readonly controlPort: number;
  readonly streamConnectionId: number | undefined;
}

/** Real-time audio: the only stream type a RAOP session sets up (buffered audio is 103). */
export const REALTIME_AUDIO_STREAM = 96;
/** The compression types ("ct") of AirPlay 2: 1 raw PCM (L16), 2 ALAC. */
export const COMPRESSION_L16 = 1;
export const COMPRESSION_ALAC = 2;
/**
 * The audioFormat bits of the formats taken: 0x800 is PCM 44100 Hz/16 bit/stereo (what
 * pyatv sends with ct=1); 0x40000 is ALAC 44100/16/2 (outside knowledge: pyatv never
 * sends ALAC on v2; the shairport-sync format table lists that bit).
 */
export const AUDIO_FORMAT_PCM_44100_16_2 = 0x800;
export const AUDIO_FORMAT_ALAC_44100_16_2 = 0x40000;
const KEY_LENGTH = 32;

/** SETUP #1 keys besides the required ones, with the type pyatv gives each. */
const SESSION_STRINGS = [
  "deviceID",
  "sessionUUID",
  "macAddress",
  "model",
  "name",
  "osBuildVersion",
  "osName",
  "osVersion",
  "sourceVersion",
] as const;
const SESSION_BOOLEANS = [
  "isMultiSelectAirPlay",
  "groupContainsGroupLeader",
  "senderSupportsRelay",
  "statsCollectionEnabled",
] as const;
const STREAM_BOOLEANS = ["isMedia", "supportsDynamicStreamID"] as const;
const STREAM_INTEGERS = ["latencyMin", "latencyMax", "streamConnectionID"] as const;

/** Reads a SETUP body: a binary plist dictionary, or a 400. */
export function readSetupBody(body: Uint8Array): SetupResult<{ value: PlistDictionary }> {
  let value: PlistValue;
  try {
    value = decodePlist(body);
  } catch {
    return refuse(400, "Bad Request: body is not a binary plist");
  }
  if (!isPlistDictionary(value)) return refuse(400, "Bad Request: body is not a dictionary");
  return { ok: true, value };
}

/**
 * SETUP #1 (no "streams"): `timingProtocol` must be "NTP" and `timingPort` a port; the
 * other keys pyatv sends must have its types when present.
 */
export function parseSessionSetup(setup: PlistDictionary): SetupResult<{ session: SessionSetup }> {
  const protocol = setup.timingProtocol;
  if (typeof protocol !== "string") return refuse(400, "Bad Request: timingProtocol");
  // PTP (and "None", the remote-control-only sessions of the AirPlay port) is not simulated.
  if (protocol !== "NTP") return refuse(501, `Not Implemented: timing protocol ${protocol}`);
  const timingPort = port(setup.timingPort);
  if (timingPort === undefined) return refuse(400, "Bad Request: timingPort");
  for (const key of SESSION_STRINGS) {
    if (key in setup && typeof setup[key] !== "string") return refuse(400, `Bad Request: ${key}`);
  }
  for (const key of SESSION_BOOLEANS) {
    if (key in setup && typeof setup[key] !== "boolean") return refuse(400, `Bad Request: ${key}`);
  }
  if (setup.isRemoteControlOnly === true) {
    return refuse(501, "Not Implemented: remote control sessions");
  }
  return {
    ok: true,
    session: {
      timingPort,
      sessionUuid: optionalString(setup.sessionUUID),
      deviceId: optionalString(setup.deviceID),
      name: optionalString(setup.name),
    },
  };
}

/**
 * SETUP #2: exactly one stream of type 96, L16 (ct 1, audioFormat 0x800) or ALAC (ct 2,
 * audioFormat 0x40000), 44100 Hz, 352 frames per packet, a 32-byte `shk`, a control
 * port. A missing or ill-typed key is a 400; a type, format, rate or frame length the
 * receiver does not play a 415 (type: 501).
 */
export function parseStreamSetup(
  setup: PlistDictionary,
): SetupResult<{ stream: AudioStreamSetup }> {
  const streams = setup.streams;
  if (!Array.isArray(streams) || streams.length === 0) return refuse(400, "Bad Request: streams");
  if (streams.length > 1) return refuse(501, "Not Implemented: more than one stream");
  const stream = streams[0];
  if (!isPlistDictionary(stream)) return refuse(400, "Bad Request: stream is not a dictionary");
  const type = integer(stream.type);
  if (type === undefined) return refuse(400, "Bad Request: type");
  if (type !== REALTIME_AUDIO_STREAM) return refuse(501, `Not Implemented: stream type ${type}`);
  const ct = integer(stream.ct);
  const audioFormat = integer(stream.audioFormat);
  const spf = integer(stream.spf);
  const sr = integer(stream.sr);
  if (ct === undefined) return refuse(400, "Bad Request: ct");
  if (audioFormat === undefined) return refuse(400, "Bad Request: audioFormat");
  if (spf === undefined) return refuse(400, "Bad Request: spf");
  if (sr === undefined) return refuse(400, "Bad Request: sr");
  const key = stream.shk;
  if (!(key instanceof Uint8Array)) return refuse(400, "Bad Request: shk");
  if (key.length !== KEY_LENGTH) return refuse(400, "Bad Request: shk is not 32 bytes");
  const controlPort = port(stream.controlPort);
  if (controlPort === undefined) return refuse(400, "Bad Request: controlPort");
  if ("audioMode" in stream && typeof stream.audioMode !== "string") {
    return refuse(400, "Bad Request: audioMode");
  }
  for (const name of STREAM_BOOLEANS) {
    if (name in stream && typeof stream[name] !== "boolean")
      return refuse(400, `Bad Request: ${name}`);
  }
  for (const name of STREAM_INTEGERS) {
    if (name in stream && integer(stream[name]) === undefined) {
      return refuse(400, `Bad Request: ${name}`);
    }
  }
  let format: FakeRaopFormat;
  if (ct === COMPRESSION_L16 && audioFormat === AUDIO_FORMAT_PCM_44100_16_2) format = "l16";
  else if (ct === COMPRESSION_ALAC && audioFormat === AUDIO_FORMAT_ALAC_44100_16_2) format = "alac";
  else
    return refuse(
      415,
      `Unsupported Media Type: ct ${ct}, audioFormat 0x${audioFormat.toString(16)}`,
    );
  if (sr !== SAMPLE_RATE) return refuse(415, `Unsupported Media Type: sample rate ${sr}`);
  if (spf !== FRAMES_PER_PACKET)
    return refuse(415, `Unsupported Media Type: ${spf} frames per packet`);
  return {
    ok: true,
    stream: {
      format,
      framesPerPacket: spf,
      key: key.slice(),
      controlPort,
      streamConnectionId: integer(stream.streamConnectionID),
    },
  };
}

function refuse(status: number, reason: string): SetupRefusal {
  return { ok: false, status, reason };
}

/** A plist integer as a number (one beyond 2^53 as a number too: only compared). */
function integer(value: PlistValue | undefined): number | undefined {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return undefined;
}

function port(value: PlistValue | undefined): number | undefined {
  const n = integer(value);
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
}

function optionalString(value: PlistValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
