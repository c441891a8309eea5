// One stream of audio, from set-up to TEARDOWN (pyatv's StreamClient.initialize and
// send_audio): the version's set-up (stream-protocol.ts: AirPlay 1's ANNOUNCE and SETUP,
// AirPlay 2's verify and plist SETUPs) with our control and timing ports, progress,
// metadata and artwork, the keep-alive, RECORD, volume, then the paced audio with sync
// packets every second, a wait for the receiver to play what it holds, and TEARDOWN. A
// receiver that goes away mid-stream ends it with ConnectionLostError, and every socket
// and timer is released whichever way the stream ends.

import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ConnectionLostError, type Logger, silentLogger } from "@atv/interface";
import type { AudioMetadata, AudioSource } from "../audio/index.js";
import {
  encodeProgress,
  encodeRaopMetadata,
  encodeSyncPacket,
  encodeVolumeParameter,
  SAMPLE_RATE,
} from "../wire/index.js";
import { AudioSender } from "./audio-sender.js";
import { PacketBacklog } from "./packet-backlog.js";
import type { ReceiverFeatures } from "./receiver-features.js";
import type { StreamEndpoints, StreamProtocol } from "./stream-protocol.js";
import { AudioChannel, ControlChannel, plainAddress, TimingServer } from "./udp-channels.js";

/**
 * Frames the receiver buffers before playing (pyatv's StreamContext: 22050 + sample rate,
 * 1.5 s). RTP time starts at this value, so that "now playing" (RTP time − latency) starts
 * at 0.
 */
export const LATENCY_FRAMES = 22050 + SAMPLE_RATE;
const SYNC_INTERVAL_MS = 1000;
/** Longest wait for TEARDOWN's answer once the audio is done. */
const TEARDOWN_TIMEOUT_MS = 2000;

/** Shown when neither the caller nor the file gives a title, artist or album (pyatv). */
export const MISSING_METADATA: AudioMetadata = Object.freeze({
  title: "Streaming with atv",
  artist: "atv",
  album: "AirPlay",
});

export interface StreamSessionOptions {
  /** AirPlay 1 or 2: set-up, keep-alive, RECORD and packets (on its RTSP connection). */
  readonly protocol: StreamProtocol;
  readonly source: AudioSource;
  /** What to show; the client puts MISSING_METADATA in when there is nothing. */
  readonly metadata: AudioMetadata;
  readonly features: ReceiverFeatures;
  /** dB as the receiver takes it (pctToDbfs). */
  readonly volumeDb: number;
  /**
   * Whether the user chose `volumeDb`. When not, a receiver that told its own volume
   * (AirPlay 2's /info initialVolume) keeps it, as with pyatv, and onReceiverVolume hears
   * it; otherwise `volumeDb` is sent.
   */
  readonly volumeChosen?: boolean;
  readonly onReceiverVolume?: (db: number) => void;
  readonly controlPort: number;
  readonly timingPort: number;
  readonly speed: number;
  readonly logger?: Logger;
  readonly onProgress?: (positionSec: number, durationSec: number | undefined) => void;
  /** Told when RECORD was answered and the audio starts. */
  readonly onStart?: () => void;
}

/** Figures of a finished stream, for tests and benchmarks. */
export interface StreamStats {
  readonly packets: number;
  readonly frames: number;
  readonly sourceFrames: number;
  readonly paddingFrames: number;
  readonly retransmitRequested: number;
  readonly retransmitted: number;
  /** Milliseconds from RECORD's answer to the first audio packet sent. */
  readonly recordToFirstPacketMs: number | undefined;
}

export class StreamSession {
  readonly #o: StreamSessionOptions;
  readonly #logger: Logger;
  readonly #backlog = new PacketBacklog();
  readonly #lost = new AbortController();
  readonly #firstSeqno = randomInt(2 ** 16);
  #sender: AudioSender | undefined;
  #timing: TimingServer | undefined;
  #control: ControlChannel | undefined;
  #audio: AudioChannel | undefined;
  #ports: StreamEndpoints | undefined;
  #stopped = false;
  #recordAnsweredAt: number | undefined;
  #stats: StreamStats | undefined;

  constructor(options: StreamSessionOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Seconds of the source sent so far. */
  get position(): number {
    return (this.#sender?.position.sourceFrames ?? 0) / SAMPLE_RATE;
  }

  get stats(): StreamStats | undefined {
    return this.#stats;
  }

  /** Ends the audio after the packet being sent; run() then tears down and resolves. */
  stop(): void {
    this.#stopped = true;
    this.#sender?.stop();
  }

  /** SET_PARAMETER volume now (while the stream runs). */
  async setVolume(db: number, signal?: AbortSignal): Promise<void> {
    await this.#o.protocol.rtsp.setParameter(encodeVolumeParameter(db), signal ? { signal } : {});
  }

  /** The whole stream. Rejects with ConnectionLostError, the signal's reason, or the error. */
  async run(signal?: AbortSignal): Promise<void> {
    const { connection } = this.#o.protocol;
    // Unreadable answers end the connection with a ProtocolError, which is kept; closed by
    // us after stop() (the client closing), the stream just ends.
    const unlisten = connection.onClose((error) => {
      if (error === undefined && this.#stopped) return;
      this.#fail(error ?? new ConnectionLostError("the connection to the receiver was closed"));
    });
    const combined = signal ? AbortSignal.any([signal, this.#lost.signal]) : this.#lost.signal;
    const timers: (() => void)[] = [];
    try {
      await this.#setUp(combined);
      await this.#play(combined, timers);
    } catch (error) {
      // A lost receiver explains whatever failed after it went; an abort is the caller's.
      if (this.#lost.signal.aborted) throw this.#lost.signal.reason;
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      for (const stop of timers) stop();
      unlisten();
      this.#sender?.stop();
      await this.#tearDown();
    }
  }

  #fail(error: Error): void {
    if (!this.#lost.signal.aborted) this.#lost.abort(error);
  }

  async #setUp(signal: AbortSignal): Promise<void> {
    const { protocol } = this.#o;
    const local = plainAddress(protocol.connection.localAddress);
    const remote = plainAddress(protocol.connection.remoteAddress);
    const context = { signal, fail: (error: Error) => this.#fail(error) };
    await protocol.prepare(context);
    this.#control = await ControlChannel.open(
      local,
      this.#backlog,
      this.#o.controlPort,
      this.#logger,
    );
    this.#timing = await TimingServer.open(local, this.#o.timingPort, this.#logger);
    this.#ports = await protocol.setup(this.#control.port, this.#timing.port, context);
    this.#audio = await AudioChannel.open(local, remote, this.#ports.server, this.#logger);
    const onUdpError = (error: Error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH") {
        this.#fail(new ConnectionLostError("the receiver no longer takes audio", { cause: error }));
      }
    };
    this.#audio.onError(onUdpError);
    this.#control.onError(onUdpError);
  }

  async #play(signal: AbortSignal, timers: (() => void)[]): Promise<void> {
    const { protocol, source, features, speed } = this.#o;
    const { rtsp, connection } = protocol;
    const ports = this.#ports as StreamEndpoints;
    const rtpStart = LATENCY_FRAMES;
    const session = ports.session;
    const duration = source.duration;

    // What to show, and the stream's extent, go before RECORD, as pyatv sends them.
    if (features.progress && duration !== undefined) {
      const end = rtpStart + Math.round(duration * SAMPLE_RATE);
      await rtsp.setParameter(encodeProgress(rtpStart, rtpStart, end), { signal });
    }
    if (features.text) {
      await rtsp.setStreamParameter(
        session,
        this.#firstSeqno,
        rtpStart,
        "application/x-dmap-tagged",
        encodeRaopMetadata(definedOnly(this.#o.metadata)),
        { signal },
      );
    }
    const artwork = this.#o.metadata.artwork;
    if (features.artwork && artwork !== undefined) {
      await rtsp.setStreamParameter(
        session,
        this.#firstSeqno,
        rtpStart,
        artwork.mimetype,
        artwork.bytes,
        { signal },
      );
    }
    timers.push(await protocol.startKeepAlive(signal));

    await protocol.record(session, this.#firstSeqno, rtpStart, signal);
    this.#recordAnsweredAt = performance.now();
    const receiverVolume = this.#o.volumeChosen ? undefined : protocol.initialVolumeDb;
    if (receiverVolume === undefined) await this.setVolume(this.#o.volumeDb, signal);
    else this.#o.onReceiverVolume?.(receiverVolume);
    this.#o.onStart?.();

    const audio = this.#audio as AudioChannel;
    const sender = new AudioSender({
      source,
      send: (packet) => audio.send(packet),
      backlog: this.#backlog,
      format: protocol.format,
      ...(protocol.seal ? { seal: protocol.seal } : {}),
      // The RTSP session id doubles as the SSRC (pyatv; the SDP's "o=" line carries it).
      ssrc: rtsp.session.sessionId,
      seqno: this.#firstSeqno,
      rtpTime: rtpStart,
      speed,
    });
    this.#sender = sender;
    if (this.#stopped) sender.stop();

    let first = true;
    const sync = () => {
      const next = sender.position.nextRtpTime;
      const packet = encodeSyncPacket({
        first,
        rtpTime: next,
        latency: LATENCY_FRAMES,
        ntp: sender.nextPacketNtp(),
        nextRtpTime: next,
      });
      first = false;
      this.#control?.send(packet, ports.control, plainAddress(connection.remoteAddress));
      this.#o.onProgress?.(this.position, duration);
    };
    sync();
    const syncTimer = setInterval(sync, SYNC_INTERVAL_MS / speed);
    timers.push(() => clearInterval(syncTimer));

    await sender.run(signal);
    this.#o.onProgress?.(this.position, duration);
    // The receiver still holds up to its latency of audio: wait until it has played it.
    if (!this.#stopped) {
      await sleep((LATENCY_FRAMES / SAMPLE_RATE) * (1000 / speed), undefined, { signal });
    }
  }

  async #tearDown(): Promise<void> {
    const sender = this.#sender;
    const control = this.#control;
    if (sender) {
      const { packets, frames, sourceFrames } = sender.position;
      this.#stats = {
        packets,
        frames,
        sourceFrames,
        paddingFrames: frames - sourceFrames,
        retransmitRequested: control?.stats.requested ?? 0,
        retransmitted: control?.stats.retransmitted ?? 0,
        recordToFirstPacketMs:
          sender.firstPacketAt !== undefined && this.#recordAnsweredAt !== undefined
            ? sender.firstPacketAt - this.#recordAnsweredAt
            : undefined,
      };
    }
    await Promise.all([this.#audio?.close(), this.#control?.close(), this.#timing?.close()]);
    this.#backlog.clear();
    const { protocol } = this.#o;
    if (this.#ports && !protocol.connection.closed && !this.#lost.signal.aborted) {
      try {
        await protocol.rtsp.teardown(this.#ports.session, { timeout: TEARDOWN_TIMEOUT_MS });
      } catch (error) {
        this.#logger.debug("raop: TEARDOWN failed: %o", error);
      }
    }
    protocol.close();
  }
}

function definedOnly(m: AudioMetadata): { title?: string; artist?: string; album?: string } {
  return {
    ...(m.title ? { title: m.title } : {}),
    ...(m.artist ? { artist: m.artist } : {}),
    ...(m.album ? { album: m.album } : {}),
  };
}
