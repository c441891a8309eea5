// What differs between an AirPlay 1 and an AirPlay 2 stream (pyatv's protocols/airplayv1.py
// and airplayv2.py behind its one StreamClient): how the stream is set up, the keep-alive,
// RECORD, and how an audio packet is made. Everything else (pacing, sync, timing,
// retransmits, parameters, TEARDOWN) is StreamSession's, the same for both.

import type { HttpConnection } from "@atv/airplay";
import type { Logger } from "@atv/interface";
import { buildSdp } from "../wire/index.js";
import type { AudioFormat } from "./audio-sender.js";
import type { ReceiverFeatures } from "./receiver-features.js";
import type { RaopRtsp } from "./rtsp.js";
import { plainAddress } from "./udp-channels.js";

/** pyatv's AirPlay 1 keep-alive (POST /feedback) interval. */
const V1_FEEDBACK_INTERVAL_MS = 25_000;

/** Where the receiver takes the stream, from its SETUP answer(s). */
export interface StreamEndpoints {
  /** UDP port for audio packets. */
  readonly server: number;
  /** UDP port for sync packets. */
  readonly control: number;
  /** The Session header value of later requests. */
  readonly session: string;
}

export interface StreamSetupContext {
  readonly signal: AbortSignal;
  /** Ends the stream: the receiver is gone (a channel of the version's own closed). */
  readonly fail: (error: Error) => void;
}

export interface StreamProtocol {
  readonly rtsp: RaopRtsp;
  readonly connection: HttpConnection;
  /** What the audio packets carry. */
  readonly format: AudioFormat;
  /** The receiver's volume (dB) as it told it before the stream, if it did. */
  readonly initialVolumeDb: number | undefined;
  /** Makes each audio packet from its RTP header and payload; undefined: in clear. */
  readonly seal: ((header: Uint8Array, payload: Uint8Array) => Uint8Array) | undefined;
  /** Everything before our UDP ports are needed. */
  prepare(context: StreamSetupContext): Promise<void>;
  /** SETUP with our control and timing ports; the receiver's ports out. */
  setup(
    controlPort: number,
    timingPort: number,
    context: StreamSetupContext,
  ): Promise<StreamEndpoints>;
  /** Starts the keep-alive; resolves with what stops it. */
  startKeepAlive(signal: AbortSignal): Promise<() => void>;
  /** RECORD (and what goes with it), given the first packet's seqno and RTP time. */
  record(session: string, seqno: number, rtpTime: number, signal: AbortSignal): Promise<void>;
  /** Releases what setup() opened besides the UDP sockets. Idempotent. */
  close(): void;
}

export interface AirPlay1StreamOptions {
  readonly rtsp: RaopRtsp;
  readonly connection: HttpConnection;
  readonly features: ReceiverFeatures;
  readonly format: AudioFormat;
  readonly logger: Logger;
}

/**
 * AirPlay 1 (pyatv's AirPlayV1): OPTIONS, auth-setup for an AirPort Express, ANNOUNCE
 * with the SDP, SETUP with a Transport header; packets in clear; one feedback, repeated
 * every 25 s only when the receiver knows it.
 */
export class AirPlay1Stream implements StreamProtocol {
  readonly rtsp: RaopRtsp;
  readonly connection: HttpConnection;
  readonly format: AudioFormat;
  readonly seal = undefined;
  readonly initialVolumeDb = undefined;
  readonly #o: AirPlay1StreamOptions;

  constructor(options: AirPlay1StreamOptions) {
    this.#o = options;
    this.rtsp = options.rtsp;
    this.connection = options.connection;
    this.format = options.format;
  }

  async prepare({ signal }: StreamSetupContext): Promise<void> {
    const { rtsp, connection, features, format } = this.#o;
    await rtsp.options({ signal });
    if (features.needsAuthSetup) await rtsp.authSetup({ signal });
    await rtsp.announce(
      buildSdp({
        sessionId: String(rtsp.session.sessionId),
        localAddress: plainAddress(connection.localAddress),
        remoteAddress: plainAddress(connection.remoteAddress),
        format,
      }),
      { signal },
    );
  }

  async setup(
    controlPort: number,
    timingPort: number,
    { signal }: StreamSetupContext,
  ): Promise<StreamEndpoints> {
    const ports = await this.rtsp.setup(controlPort, timingPort, { signal });
    return { server: ports.server, control: ports.control, session: ports.session };
  }

  async startKeepAlive(signal: AbortSignal): Promise<() => void> {
    const feedback = await this.rtsp.feedback({ signal });
    if (feedback.status !== 200) return () => {};
    const timer = setInterval(() => {
      this.rtsp
        .feedback()
        .catch((error) => this.#o.logger.debug("raop: feedback failed: %o", error));
    }, V1_FEEDBACK_INTERVAL_MS);
    return () => clearInterval(timer);
  }

  async record(session: string, seqno: number, rtpTime: number, signal: AbortSignal) {
    await this.rtsp.record(session, seqno, rtpTime, { signal });
  }

  close(): void {}
}
