// A RAOP client for one receiver (pyatv's RaopPlaybackManager, RaopStream and RaopAudio):
// streams audio files, keeps the volume the user set, and reports what it streams. Each
// stream runs on an RTSP connection of its own, as pyatv's does: the one opened by
// connectRaop for the first, a new one for every later stream.

import { Readable } from "node:stream";
import {
  AirPlayMajorVersion,
  detectAirPlayVersion,
  HttpConnection,
  RtspSession,
  verifyConnection,
} from "@atv/airplay";
import { type HapCredentials, NO_CREDENTIALS, parseCredentials } from "@atv/hap";
import {
  AirPlayVersion,
  createPlaying,
  DeviceState,
  InvalidStateError,
  type Logger,
  MediaType,
  NotSupportedError,
  PlainProperties,
  type Playing,
  type ServiceProperties,
  silentLogger,
} from "@atv/interface";
import type { AudioMetadata, AudioSource } from "../audio/index.js";
import { pctToDbfs } from "../wire/index.js";
import type { AudioFormat } from "./audio-sender.js";
import { type ReceiverFeatures, receiverFeatures } from "./receiver-features.js";
import { RaopRtsp } from "./rtsp.js";
import { MISSING_METADATA, StreamSession, type StreamStats } from "./stream-session.js";

/** The volume assumed until the user sets one (pyatv's INITIAL_VOLUME). */
export const INITIAL_VOLUME = 33;
/** pyatv's volume_up/volume_down step, in percent. */
export const VOLUME_STEP = 5;

export type RaopProtocolVersion = "auto" | "v1" | "v2";

export interface RaopConnectOptions {
  readonly host: string;
  readonly port: number;
  /** Stored AirPlay credentials (pyatv's format); a verify runs before each stream. */
  readonly credentials?: string | undefined;
  /** For receivers that ask for a password (RTSP digest). */
  readonly password?: string | undefined;
  /** AirPlay 1 or 2; "auto" decides from `properties` as pyatv does. Default auto. */
  readonly protocolVersion?: RaopProtocolVersion | AirPlayVersion | undefined;
  /** The receiver's _raop._tcp TXT record: metadata kinds, encryption, features. */
  readonly properties?: ServiceProperties | undefined;
  /** Longest wait for the connection and each answer, in milliseconds. */
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
  /** Local UDP ports (pyatv's control_port/timing_port settings); 0 picks free ones. */
  readonly controlPort?: number | undefined;
  readonly timingPort?: number | undefined;
  /** What the packets carry; default uncompressed ALAC, which the SDP announces. */
  readonly format?: AudioFormat | undefined;
  /**
   * Audio seconds sent per wall-clock second; 1 (the default) is real time. Only for
   * tests and benchmarks: a real receiver cannot play faster than real time.
   */
  readonly speed?: number | undefined;
}

/** Everything a file, URL, stream or already opened source can be given as. */
export type RaopStreamSource =
  | AudioSource
  | string
  | URL
  | NodeJS.ReadableStream
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | ReadableStream<Uint8Array>;

export interface RaopStreamOptions {
  /** Shown on the receiver instead of the file's tags. */
  readonly metadata?: AudioMetadata | undefined;
  /** With `metadata`: take what it leaves out from the file's tags. */
  readonly overrideMissingMetadata?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Told about once a second, and at the end. */
  readonly onProgress?:
    | ((positionSec: number, durationSec: number | undefined) => void)
    | undefined;
}

/** What the client streams now, for metadata.playing() and push updates. */
interface NowStreaming {
  readonly session: StreamSession;
  readonly metadata: AudioMetadata;
  readonly duration: number | undefined;
  started: boolean;
}

export class RaopClient {
  readonly #o: RaopConnectOptions;
  readonly #logger: Logger;
  readonly #version: AirPlayMajorVersion;
  readonly #features: ReceiverFeatures;
  readonly #credentials: HapCredentials;
  readonly #stateListeners = new Set<() => void>();
  readonly #volumeListeners = new Set<(oldLevel: number, newLevel: number) => void>();
  #connection: HttpConnection | undefined;
  #now: NowStreaming | undefined;
  #volume: number | undefined;
  #closed = false;
  #lastStats: StreamStats | undefined;

  /** Use connectRaop. */
  constructor(options: RaopConnectOptions, connection?: HttpConnection) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    const preferred = toAirPlayVersion(options.protocolVersion);
    const detected = detectAirPlayVersion(options.properties ?? new PlainProperties(), preferred);
    // The AirPlay 2 way of streaming (plist SETUP, encrypted audio) is not built yet. AirPlay 2
    // receivers still take AirPlay 1 streams, so "auto" uses that; only a forced v2 fails.
    if (detected === AirPlayMajorVersion.AirPlayV2 && preferred === AirPlayVersion.Auto) {
      this.#logger.debug("raop: receiver speaks AirPlay 2; streaming the AirPlay 1 way");
      this.#version = AirPlayMajorVersion.AirPlayV1;
    } else {
      this.#version = detected;
    }
    this.#features = receiverFeatures(options.properties);
    this.#credentials =
      options.credentials === undefined ? NO_CREDENTIALS : parseCredentials(options.credentials);
    this.#connection = connection;
  }

  /** The AirPlay version streams use with this receiver. */
  get protocolVersion(): AirPlayMajorVersion {
    return this.#version;
  }

  /** Percent, 0–100: the last level set, else pyatv's initial 33. */
  get volume(): number {
    return this.#volume ?? INITIAL_VOLUME;
  }

  get streaming(): boolean {
    return this.#now !== undefined;
  }

  /** Figures of the last finished stream (packets, padding, retransmits, start-up). */
  get lastStreamStats(): StreamStats | undefined {
    return this.#lastStats;
  }

  /** Hears every change of what is streamed (start, end). Returns the unsubscribe. */
  onStateChange(listener: () => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Hears volume changes (old and new percent). Returns the unsubscribe. */
  onVolumeChange(listener: (oldLevel: number, newLevel: number) => void): () => void {
    this.#volumeListeners.add(listener);
    return () => this.#volumeListeners.delete(listener);
  }

  /**
   * Sets the volume (percent, clamped to 0–100). While a stream runs the receiver gets it
   * at once (SET_PARAMETER, dB by pyatv's mapping); otherwise the next stream starts at it.
   */
  async setVolume(level: number, opts: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    if (!Number.isFinite(level)) throw new RangeError(`volume must be a number, got ${level}`);
    const clamped = Math.min(100, Math.max(0, level));
    const old = this.volume;
    const session = this.#now?.started ? this.#now.session : undefined;
    if (session) await session.setVolume(pctToDbfs(clamped), opts.signal);
    this.#volume = clamped;
    if (old !== clamped) {
      for (const listener of [...this.#volumeListeners]) listener(old, clamped);
    }
  }

  volumeUp(opts: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    return this.setVolume(Math.min(this.volume + VOLUME_STEP, 100), opts);
  }

  volumeDown(opts: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    return this.setVolume(Math.max(this.volume - VOLUME_STEP, 0), opts);
  }

  /**
   * Streams `source` to the receiver and resolves once the receiver has played it out
   * (or after stop()). A missing, unreadable or unsupported file fails before anything
   * is sent to the receiver.
   */
  async streamFile(source: RaopStreamSource, opts: RaopStreamOptions = {}): Promise<void> {
    if (this.#closed) throw new InvalidStateError("the RAOP client is closed");
    if (this.#now !== undefined) throw new InvalidStateError("already streaming to the receiver");
    opts.signal?.throwIfAborted();
    if (this.#version === AirPlayMajorVersion.AirPlayV2) {
      throw new NotSupportedError(
        "streaming the AirPlay 2 way is not supported yet; use protocolVersion auto or v1",
      );
    }
    const audio = isAudioSource(source)
      ? source
      : await openSource(toOpenable(source), opts.signal);
    try {
      const metadata = chooseMetadata(audio.metadata, opts);
      const connection = await this.#connect(opts.signal);
      const rtsp = new RaopRtsp(new RtspSession(connection), this.#o.password);
      const session = new StreamSession({
        rtsp,
        connection,
        source: audio,
        metadata,
        features: this.#features,
        volumeDb: pctToDbfs(this.volume),
        format: this.#o.format ?? "alac",
        controlPort: this.#o.controlPort ?? 0,
        timingPort: this.#o.timingPort ?? 0,
        speed: this.#o.speed ?? 1,
        logger: this.#logger,
        onStart: () => {
          if (this.#now) this.#now.started = true;
          this.#changed();
        },
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      this.#now = { session, metadata, duration: audio.duration, started: false };
      try {
        await session.run(opts.signal);
      } finally {
        this.#lastStats = session.stats;
        this.#now = undefined;
        // Each stream has a connection of its own (pyatv tears everything down after one).
        connection.close();
        if (this.#connection === connection) this.#connection = undefined;
        this.#changed();
      }
    } finally {
      if (!isAudioSource(source)) await audio.close();
    }
  }

  /** Ends the stream; streamFile resolves once the receiver was told. */
  async stop(): Promise<void> {
    this.#now?.session.stop();
  }

  /** As pyatv's RAOP: pausing stops the stream (there is no resume). */
  async pause(): Promise<void> {
    await this.stop();
  }

  /** What is streamed (pyatv's RaopMetadata.playing): idle when nothing is. */
  playing(): Playing {
    const now = this.#now;
    if (now === undefined) {
      return createPlaying({ deviceState: DeviceState.Idle, mediaType: MediaType.Unknown });
    }
    return createPlaying({
      deviceState: DeviceState.Playing,
      mediaType: MediaType.Music,
      title: now.metadata.title,
      artist: now.metadata.artist,
      album: now.metadata.album,
      position: Math.floor(now.session.position),
      totalTime: now.duration !== undefined ? Math.floor(now.duration) : undefined,
    });
  }

  /** Stops any stream and closes the connection. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#now?.session.stop();
    this.#connection?.close();
    this.#connection = undefined;
  }

  async #connect(signal: AbortSignal | undefined): Promise<HttpConnection> {
    let connection = this.#connection;
    if (connection === undefined || connection.closed) {
      connection = await openConnection(this.#o, signal);
      this.#connection = connection;
    }
    await verifyConnection(this.#credentials, connection.exchange, signal ? { signal } : {});
    return connection;
  }

  #changed(): void {
    for (const listener of [...this.#stateListeners]) {
      try {
        listener();
      } catch (error) {
        this.#logger.debug("raop: state listener failed: %o", error);
      }
    }
  }
}

/**
 * Connects to a receiver's RTSP port (a refused or unreachable port fails here, not at
 * the first stream).
 */
export async function connectRaop(options: RaopConnectOptions): Promise<RaopClient> {
  const connection = await openConnection(options, options.signal);
  try {
    return new RaopClient(options, connection);
  } catch (error) {
    connection.close();
    throw error;
  }
}

function openConnection(
  o: RaopConnectOptions,
  signal: AbortSignal | undefined,
): Promise<HttpConnection> {
  return HttpConnection.connect(o.host, o.port, {
    ...(o.timeout ? { timeout: o.timeout, requestTimeout: o.timeout } : {}),
    ...(signal ? { signal } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

/** Decoders load only when a file is streamed (they are large; CLIs start faster). */
async function openSource(
  input: string | URL | NodeJS.ReadableStream,
  signal: AbortSignal | undefined,
): Promise<AudioSource> {
  const { openAudioSource } = await import("../audio/index.js");
  return openAudioSource(input, signal ? { signal } : {});
}

function toAirPlayVersion(version: RaopConnectOptions["protocolVersion"]): AirPlayVersion {
  switch (version) {
    case "v1":
    case AirPlayVersion.V1:
      return AirPlayVersion.V1;
    case "v2":
    case AirPlayVersion.V2:
      return AirPlayVersion.V2;
    default:
      return AirPlayVersion.Auto;
  }
}

function isAudioSource(source: RaopStreamSource): source is AudioSource {
  return (
    typeof source === "object" &&
    !(source instanceof Uint8Array) &&
    !(source instanceof URL) &&
    !(source instanceof Readable) &&
    "metadata" in source &&
    "duration" in source &&
    typeof (source as AudioSource).read === "function"
  );
}

/** What openAudioSource takes: bytes and iterables become a Node stream. */
function toOpenable(source: Exclude<RaopStreamSource, AudioSource>) {
  if (typeof source === "string" || source instanceof URL) return source;
  if (source instanceof Uint8Array) return Readable.from([source]);
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    return Readable.fromWeb(source as import("node:stream/web").ReadableStream<Uint8Array>);
  }
  if (Symbol.asyncIterator in source) {
    return Readable.from(source as AsyncIterable<Uint8Array>);
  }
  return source as NodeJS.ReadableStream;
}

/**
 * The caller's metadata, else the file's; with overrideMissingMetadata the file fills
 * what the caller left out. Without any title, artist or album, pyatv's placeholder text
 * is shown and reported by playing().
 */
function chooseMetadata(fromFile: AudioMetadata, opts: RaopStreamOptions): AudioMetadata {
  let chosen: AudioMetadata;
  if (opts.metadata === undefined) chosen = fromFile;
  else if (!opts.overrideMissingMetadata) chosen = opts.metadata;
  else {
    chosen = {
      ...fromFile,
      ...Object.fromEntries(Object.entries(opts.metadata).filter(([, v]) => v !== undefined)),
    };
  }
  if (chosen.title || chosen.artist || chosen.album) return chosen;
  return { ...MISSING_METADATA, ...(chosen.artwork ? { artwork: chosen.artwork } : {}) };
}
