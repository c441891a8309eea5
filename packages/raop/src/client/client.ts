// A RAOP client for one receiver (pyatv's RaopPlaybackManager, RaopStream and RaopAudio):
// streams audio files, keeps the volume the user set, and reports what it streams. Each
// stream runs on an RTSP connection of its own, as pyatv's does: the one opened by
// connectRaop for the first, a new one for every later stream. Streams go the AirPlay 1
// way or the AirPlay 2 way (verified, encrypted), chosen as pyatv's get_protocol_version
// does, except that "auto" stays with AirPlay 1 when there are no credentials to verify an
// AirPlay 2 stream with (pyatv would fail).

import { Readable } from "node:stream";
import {
  AirPlayMajorVersion,
  detectAirPlayVersion,
  extractCredentials,
  HttpConnection,
  RtspSession,
  verifyConnection,
} from "@atv/airplay";
import { CredentialsType, type HapCredentials, NO_CREDENTIALS, parseCredentials } from "@atv/hap";
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
  Protocol,
  Service,
  type ServiceProperties,
  silentLogger,
} from "@atv/interface";
import type { AudioMetadata, AudioSource } from "../audio/index.js";
import { dbfsToPct, pctToDbfs } from "../wire/index.js";
import { AirPlay2Stream, type RaopSenderIdentity } from "./airplay2-stream.js";
import type { AudioFormat } from "./audio-sender.js";
import { type ReceiverFeatures, receiverFeatures } from "./receiver-features.js";
import { RaopRtsp } from "./rtsp.js";
import { AirPlay1Stream, type StreamProtocol } from "./stream-protocol.js";
import { MISSING_METADATA, StreamSession, type StreamStats } from "./stream-session.js";

/** The volume assumed until the user sets one (pyatv's INITIAL_VOLUME). */
export const INITIAL_VOLUME = 33;
/** pyatv's volume_up/volume_down step, in percent. */
export const VOLUME_STEP = 5;

export type RaopProtocolVersion = "auto" | "v1" | "v2";

export interface RaopConnectOptions {
  readonly host: string;
  readonly port: number;
  /**
   * Stored RAOP credentials (pyatv's format, from pairing the RAOP service); a verify runs
   * before each stream. AirPlay 2 streams need HAP credentials, or a receiver that takes
   * transient pairing (features bit 43 or 48).
   */
  readonly credentials?: string | undefined;
  /** For receivers that ask for a password (RTSP digest). */
  readonly password?: string | undefined;
  /**
   * AirPlay 1 or 2; "auto" decides from `properties` as pyatv does (and stays with AirPlay
   * 1 when the credentials cannot verify an AirPlay 2 stream). Default auto.
   */
  readonly protocolVersion?: RaopProtocolVersion | AirPlayVersion | undefined;
  /** How this sender presents itself in AirPlay 2's SETUP; pyatv's RAOP values otherwise. */
  readonly info?: RaopSenderIdentity | undefined;
  /** The receiver's _raop._tcp TXT record: metadata kinds, encryption, features. */
  readonly properties?: ServiceProperties | undefined;
  /** Longest wait for the connection and each answer, in milliseconds. */
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
  /** Local UDP ports (pyatv's control_port/timing_port settings); 0 picks free ones. */
  readonly controlPort?: number | undefined;
  readonly timingPort?: number | undefined;
  /**
   * What AirPlay 1 packets carry; default uncompressed ALAC, which the SDP announces.
   * AirPlay 2 streams are always L16 (as pyatv's).
   */
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
  /** What an AirPlay 2 stream verifies with: the stored credentials, else transient. */
  readonly #v2Credentials: HapCredentials;
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
    const properties = options.properties ?? new PlainProperties();
    const preferred = toAirPlayVersion(options.protocolVersion);
    const detected = detectAirPlayVersion(properties, preferred);
    this.#credentials =
      options.credentials === undefined ? NO_CREDENTIALS : parseCredentials(options.credentials);
    this.#v2Credentials = extractCredentials(
      new Service({
        protocol: Protocol.RAOP,
        port: options.port,
        properties,
        credentials: options.credentials,
      }),
    );
    // AirPlay 2 receivers still take AirPlay 1 streams: without keys for an AirPlay 2
    // stream, "auto" goes that way rather than fail (only a forced v2 fails).
    if (
      detected === AirPlayMajorVersion.AirPlayV2 &&
      preferred === AirPlayVersion.Auto &&
      !givesKeys(this.#v2Credentials)
    ) {
      this.#logger.debug(
        "raop: receiver speaks AirPlay 2, but there are no HAP credentials and it takes no " +
          "transient pairing (features 43/48); streaming the AirPlay 1 way",
      );
      this.#version = AirPlayMajorVersion.AirPlayV1;
    } else {
      this.#version = detected;
    }
    this.#features = receiverFeatures(options.properties);
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
    this.#takeVolume(clamped, old);
  }

  /** Takes `level` as the volume, and tells the listeners if it changed. */
  #takeVolume(level: number, old: number = this.volume): void {
    this.#volume = level;
    if (old !== level) {
      for (const listener of [...this.#volumeListeners]) listener(old, level);
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
    if (this.#version === AirPlayMajorVersion.AirPlayV2 && !givesKeys(this.#v2Credentials)) {
      throw new NotSupportedError(
        `AirPlay 2 streaming needs HAP credentials (pair with --protocol raop) or a receiver ` +
          `that takes transient pairing (features 43/48); have ${this.#v2Credentials.type} ` +
          `credentials. Use protocolVersion auto or v1 to stream the AirPlay 1 way`,
      );
    }
    const audio = isAudioSource(source)
      ? source
      : await openSource(toOpenable(source), opts.signal);
    try {
      const metadata = chooseMetadata(audio.metadata, opts);
      const connection = await this.#connect(opts.signal);
      const session = new StreamSession({
        protocol: this.#protocol(connection),
        source: audio,
        metadata,
        features: this.#features,
        volumeDb: pctToDbfs(this.volume),
        volumeChosen: this.#volume !== undefined,
        // The receiver's own volume is kept, and is the client's from now on (pyatv).
        onReceiverVolume: (db) => this.#takeVolume(dbfsToPct(db)),
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

  /** The stream's connection; AirPlay 1 verifies here, AirPlay 2 in its set-up. */
  async #connect(signal: AbortSignal | undefined): Promise<HttpConnection> {
    let connection = this.#connection;
    if (connection === undefined || connection.closed) {
      connection = await openConnection(this.#o, signal);
      this.#connection = connection;
    }
    if (this.#version === AirPlayMajorVersion.AirPlayV1) {
      await verifyConnection(this.#credentials, connection.exchange, signal ? { signal } : {});
    }
    return connection;
  }

  #protocol(connection: HttpConnection): StreamProtocol {
    const rtsp = new RaopRtsp(new RtspSession(connection), this.#o.password);
    if (this.#version === AirPlayMajorVersion.AirPlayV1) {
      return new AirPlay1Stream({
        rtsp,
        connection,
        features: this.#features,
        format: this.#o.format ?? "alac",
        logger: this.#logger,
      });
    }
    if (this.#o.format === "alac") {
      this.#logger.debug("raop: AirPlay 2 streams are L16; format alac is ignored");
    }
    return new AirPlay2Stream({
      rtsp,
      connection,
      credentials: this.#v2Credentials,
      features: this.#features,
      logger: this.#logger,
      identity: this.#o.info,
      timeout: this.#o.timeout,
    });
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

/** Whether the credentials' verify gives keys (what AirPlay 2 encrypts with). */
function givesKeys(credentials: HapCredentials): boolean {
  return credentials.type === CredentialsType.Hap || credentials.type === CredentialsType.Transient;
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
