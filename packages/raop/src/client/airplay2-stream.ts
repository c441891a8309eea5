// AirPlay 2 streaming (pyatv's protocols/raop/protocols/airplayv2.py): the RTSP connection
// is verified (HAP pair-verify, or a transient pair-setup) and sealed with the control
// keys; SETUP #1 (a session plist) opens the event channel, SETUP #2 (a stream plist) hands
// the receiver the audio key and returns its ports; RECORD then FLUSH; the audio is L16,
// each packet's payload sealed with ChaCha20-Poly1305 under that key; POST /feedback every
// 2 s, its failures ignored. Every Session header says 0, as pyatv's do.

import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BPLIST_CONTENT_TYPE,
  controlKeys,
  EVENTS_SALT,
  EVENTS_WRITE_INFO,
  EventChannel,
  eventsKeys,
  type HttpConnection,
  verifyConnection,
} from "@atv/airplay";
import type { HapCredentials, SharedSecret } from "@atv/hap";
import {
  ConnectionFailedError,
  ConnectionLostError,
  type InfoSettings,
  type Logger,
  NotSupportedError,
  ProtocolError,
  type TcpConnectOptions,
  tcpConnect,
} from "@atv/interface";
import {
  decodePlist,
  encodePlist,
  type PlistDictionary,
  type PlistValue,
  plistDict,
} from "@atv/plist";
import { DBFS_MUTED, FRAMES_PER_PACKET, SAMPLE_RATE, sealAudioPacketV2 } from "../wire/index.js";
import type { ReceiverFeatures } from "./receiver-features.js";
import type { RaopRtsp } from "./rtsp.js";
import type { StreamEndpoints, StreamProtocol, StreamSetupContext } from "./stream-protocol.js";
import { plainAddress } from "./udp-channels.js";

/** pyatv's AirPlay 2 feedback interval (FEEDBACK_INTERVAL). */
export const V2_FEEDBACK_INTERVAL_MS = 2000;
/** Attempts to reach the event port, and the pause between them (pyatv: 5 × 1 s). */
export const EVENT_CONNECT_ATTEMPTS = 5;
export const EVENT_CONNECT_DELAY_MS = 1000;
/** pyatv's stream type of real-time audio, and its format: PCM 44100/16/2 (ct 1). */
const REALTIME_AUDIO_STREAM = 0x60;
const COMPRESSION_PCM = 1;
const AUDIO_FORMAT_PCM_44100_16_2 = 0x800;

/** How the sender presents itself in SETUP #1. */
export type RaopSenderIdentity = Pick<
  InfoSettings,
  "name" | "mac" | "model" | "deviceId" | "osName" | "osBuild" | "osVersion"
>;

/** What pyatv's RAOP sends in SETUP #1, whatever its settings say. */
export const RAOP_V2_IDENTITY: Readonly<RaopSenderIdentity> = Object.freeze({
  name: "pyatv",
  mac: "AA:BB:CC:DD:EE:FF",
  model: "iPhone14,3",
  deviceId: "AA:BB:CC:DD:EE:FF",
  osName: "iPhone OS",
  osBuild: "20F66",
  osVersion: "16.5",
});

/**
 * The audio key handed to the receiver in SETUP #2 (pyatv derives it as the event
 * channel's input key: HKDF-SHA512, Events-Salt, Events-Write-Encryption-Key).
 */
export function raopAudioKey(secret: SharedSecret): Uint8Array {
  return secret.deriveKey(EVENTS_SALT, EVENTS_WRITE_INFO);
}

/** SETUP #1: the session (pyatv's AirPlayV2._setup_base). */
export function sessionSetupBody(
  timingPort: number,
  identity: RaopSenderIdentity = RAOP_V2_IDENTITY,
  sessionUuid: string = randomUUID().toUpperCase(),
): PlistDictionary {
  return {
    deviceID: identity.deviceId,
    sessionUUID: sessionUuid,
    timingPort,
    timingProtocol: "NTP",
    isMultiSelectAirPlay: true,
    groupContainsGroupLeader: false,
    macAddress: identity.mac,
    model: identity.model,
    name: identity.name,
    osBuildVersion: identity.osBuild,
    osName: identity.osName,
    osVersion: identity.osVersion,
    senderSupportsRelay: false,
    sourceVersion: "690.7.1",
    statsCollectionEnabled: false,
  };
}

/** SETUP #2: one real-time L16 stream (pyatv's AirPlayV2.setup_audio_stream). */
export function streamSetupBody(
  controlPort: number,
  audioKey: Uint8Array,
  streamConnectionId: number,
): PlistDictionary {
  return {
    streams: [
      {
        audioFormat: AUDIO_FORMAT_PCM_44100_16_2,
        audioMode: "default",
        controlPort,
        ct: COMPRESSION_PCM,
        isMedia: true,
        latencyMax: 88200,
        latencyMin: 11025,
        shk: audioKey,
        spf: FRAMES_PER_PACKET,
        sr: SAMPLE_RATE,
        type: REALTIME_AUDIO_STREAM,
        supportsDynamicStreamID: false,
        streamConnectionID: streamConnectionId,
      },
    ],
  };
}

/**
 * The `initialVolume` of a receiver's /info answer (a binary plist): its volume in dB,
 * from muted (-144) to 0. Anything else (no plist, no such key, a value off that scale)
 * is no answer: the stream then sets the volume itself.
 */
export function initialVolumeOf(body: Uint8Array): number | undefined {
  let info: PlistValue;
  try {
    info = decodePlist(body);
  } catch {
    return undefined;
  }
  if (typeof info !== "object" || info === null || Array.isArray(info)) return undefined;
  const volume = (info as PlistDictionary).initialVolume;
  return typeof volume === "number" && volume >= DBFS_MUTED && volume <= 0 ? volume : undefined;
}

export interface EventConnectOptions extends TcpConnectOptions {
  readonly attempts?: number;
  readonly delayMs?: number;
  /** Opens the TCP connection (tests inject one); default tcpConnect. */
  readonly connect?: (host: string, port: number, opts: TcpConnectOptions) => Promise<Socket>;
}

/**
 * Connects to the event port, again after a pause while it is refused (some receivers
 * open it late); any other failure, or the last refusal, is thrown as it is.
 */
export async function connectEventPort(
  host: string,
  port: number,
  options: EventConnectOptions = {},
): Promise<Socket> {
  const {
    attempts = EVENT_CONNECT_ATTEMPTS,
    delayMs = EVENT_CONNECT_DELAY_MS,
    connect = tcpConnect,
    ...tcp
  } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect(host, port, tcp);
    } catch (error) {
      if (attempt >= attempts || !isRefused(error)) throw error;
      await sleep(delayMs, undefined, tcp.signal ? { signal: tcp.signal } : {});
    }
  }
}

function isRefused(error: unknown): boolean {
  const cause = error instanceof ConnectionFailedError ? error.cause : error;
  return (cause as NodeJS.ErrnoException | undefined)?.code === "ECONNREFUSED";
}

export interface AirPlay2StreamOptions {
  readonly rtsp: RaopRtsp;
  readonly connection: HttpConnection;
  /** HAP or transient: the verify must give keys. */
  readonly credentials: HapCredentials;
  readonly features: ReceiverFeatures;
  readonly logger: Logger;
  readonly identity?: RaopSenderIdentity | undefined;
  /** Longest wait for the event channel's connection, in milliseconds. */
  readonly timeout?: number | undefined;
  readonly eventConnect?: Pick<EventConnectOptions, "attempts" | "delayMs" | "connect">;
}

export class AirPlay2Stream implements StreamProtocol {
  readonly rtsp: RaopRtsp;
  readonly connection: HttpConnection;
  readonly format = "l16" as const;
  initialVolumeDb: number | undefined;
  readonly #o: AirPlay2StreamOptions;
  #secret: SharedSecret | undefined;
  #audioKey: Uint8Array | undefined;
  #events: EventChannel | undefined;
  #counter = 0n;

  constructor(options: AirPlay2StreamOptions) {
    this.#o = options;
    this.rtsp = options.rtsp;
    this.connection = options.connection;
  }

  /** Packets sealed so far (the next packet's nonce counter). */
  get counter(): bigint {
    return this.#counter;
  }

  /** The payload sealed under the audio key, the counter from 0 up by one per packet. */
  readonly seal = (header: Uint8Array, payload: Uint8Array): Uint8Array => {
    const key = this.#audioKey;
    if (key === undefined) throw new Error("AirPlay 2 packets before SETUP");
    return sealAudioPacketV2(key, this.#counter++, header, payload);
  };

  /** GET /info and auth-setup in clear, then the verify; the connection is sealed after. */
  async prepare({ signal }: StreamSetupContext): Promise<void> {
    const { rtsp, connection, features, credentials } = this.#o;
    // Any status will do; a receiver's own volume in it is kept (pyatv's initialVolume).
    const info = await rtsp.exchange("GET", { uri: "/info", allowErrorStatus: true, signal });
    this.initialVolumeDb = info.status === 200 ? initialVolumeOf(info.body) : undefined;
    if (features.needsAuthSetup) await rtsp.authSetup({ signal });
    const secret = await verifyConnection(credentials, connection.exchange, { signal });
    if (secret === undefined) {
      throw new NotSupportedError(
        "AirPlay 2 streaming needs HAP or transient credentials (pair with --protocol raop)",
      );
    }
    const keys = controlKeys(secret);
    connection.enableEncryption(keys.outputKey, keys.inputKey);
    this.#secret = secret;
  }

  async setup(
    controlPort: number,
    timingPort: number,
    { signal, fail }: StreamSetupContext,
  ): Promise<StreamEndpoints> {
    const secret = this.#secret;
    if (secret === undefined) throw new Error("AirPlay2Stream.setup before prepare");
    const session = await this.#setup(sessionSetupBody(timingPort, this.#o.identity), signal);
    const eventPort = portOf(session.eventPort, "eventPort");
    const socket = await connectEventPort(plainAddress(this.connection.remoteAddress), eventPort, {
      ...this.#o.eventConnect,
      signal,
      ...(this.#o.timeout ? { timeout: this.#o.timeout } : {}),
    });
    this.#events = new EventChannel(socket, eventsKeys(secret), {
      logger: this.#o.logger,
      onClose: (error) => {
        if (error !== undefined) {
          fail(new ConnectionLostError("the receiver closed the event channel", { cause: error }));
        }
      },
    });

    const audioKey = raopAudioKey(secret);
    const answer = await this.#setup(
      streamSetupBody(controlPort, audioKey, this.rtsp.session.sessionId),
      signal,
    );
    const streams = answer.streams;
    const stream = plistDict(
      Array.isArray(streams) ? streams[0] : undefined,
      "the SETUP answer's first stream",
    );
    const server = portOf(stream.dataPort, "dataPort");
    const control = portOf(stream.controlPort, "controlPort");
    this.#audioKey = audioKey;
    this.#counter = 0n;
    return { server, control, session: "0" };
  }

  /** POST /feedback now and every 2 s; a failed one is only logged (pyatv). */
  async startKeepAlive(signal: AbortSignal): Promise<() => void> {
    const beat = (options: { signal?: AbortSignal }) =>
      this.rtsp.feedback(options).then(
        (response) => {
          if (response.status !== 200) {
            this.#o.logger.debug("raop: feedback answered %d", response.status);
          }
        },
        (error) => this.#o.logger.debug("raop: feedback failed: %o", error),
      );
    await beat({ signal });
    const timer = setInterval(() => void beat({}), V2_FEEDBACK_INTERVAL_MS);
    return () => clearInterval(timer);
  }

  /** RECORD without headers, then FLUSH from the first packet on (pyatv). */
  async record(session: string, seqno: number, rtpTime: number, signal: AbortSignal) {
    await this.rtsp.exchange("RECORD", { signal });
    await this.rtsp.flush(session, seqno, rtpTime, { signal });
  }

  close(): void {
    this.#events?.close();
    this.#events = undefined;
  }

  async #setup(body: PlistDictionary, signal: AbortSignal): Promise<PlistDictionary> {
    const response = await this.rtsp.exchange("SETUP", {
      body: encodePlist(body),
      contentType: BPLIST_CONTENT_TYPE,
      signal,
    });
    let value: PlistValue;
    try {
      value = decodePlist(response.body);
    } catch (error) {
      throw error instanceof ProtocolError
        ? error
        : new ProtocolError("the SETUP answer is not a plist", { cause: error });
    }
    return plistDict(value, "the SETUP answer");
  }
}

function portOf(value: PlistValue | undefined, what: string): number {
  const port = typeof value === "bigint" ? Number(value) : value;
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ProtocolError(`the receiver's SETUP answer has no valid ${what}`);
  }
  return port;
}
