// One client connection to the fake RAOP receiver: the RTSP session of AirPlay 1 as
// pyatv's stream_client.py and protocols/airplayv1.py drive it (GET /info, POST
// /auth-setup, ANNOUNCE, SETUP, POST /feedback, SET_PARAMETER, RECORD, FLUSH, TEARDOWN),
// strict as a receiver is: out-of-order requests get 455, a wrong session 454, a wrong or
// missing password 401 with a Digest challenge, unreadable requests 400.

import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  encodeResponse,
  type HttpRequest,
  HttpRequestParser,
  type OutgoingResponse,
} from "@atv/airplay";
import { type Logger, ProtocolError } from "@atv/interface";
import { encodePlist, type PlistInput, PlistReal } from "@atv/plist";
import { parseSdp } from "../wire/index.js";
import { digestChallenge, newNonce, verifyDigest } from "./digest-auth.js";
import type { FakeRaopEndReason, FakeRaopEvent, FakeRaopFormat, FakeRaopStream } from "./events.js";
import { parseClientTransport, parseRtpInfo } from "./rtsp-fields.js";
import { decodeText, SessionParameters } from "./session-parameters.js";
import { StreamRecorder } from "./stream-recorder.js";
import { UdpChannels } from "./udp-channels.js";

/** Longest request head and body the receiver reads (artwork is the largest body). */
export const MAX_HEAD_BYTES = 8 * 1024;
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The latency a receiver announces, in frames (AirPort Express and shairport-sync: 11025). */
const AUDIO_LATENCY = 11025;
/** How long FLUSH or TEARDOWN waits for packets still in flight or asked for again. */
const DRAIN_LIMIT = 1000;
const DRAIN_STEP = 20;
/** Requests a client may have waiting for answers (pipelined) before it is cut off. */
const MAX_QUEUED_REQUESTS = 64;
const PUBLIC_METHODS =
  "ANNOUNCE, SETUP, RECORD, PAUSE, FLUSH, TEARDOWN, OPTIONS, GET_PARAMETER, SET_PARAMETER, POST, GET";

export interface RaopConnectionConfig {
  readonly address: string;
  readonly password: string | undefined;
  readonly dropSeqnos: ((seqno: number) => boolean) | undefined;
  readonly idleTimeout: number;
  readonly maxPcmBytes: number;
  /** The volume GET_PARAMETER and /info report before one is set (dB). */
  readonly initialVolume: number;
  readonly emit: (event: FakeRaopEvent) => void;
  readonly completed: (stream: FakeRaopStream) => void;
  readonly logger: Logger;
}

type Answer = OutgoingResponse & { readonly after?: () => void };

export class RaopConnection {
  readonly #socket: Socket;
  readonly #config: RaopConnectionConfig;
  readonly #parser = new HttpRequestParser({
    maxHeadLength: MAX_HEAD_BYTES,
    maxBodyLength: MAX_BODY_BYTES,
  });
  readonly #nonce = newNonce();
  readonly #peer: string;
  readonly #idleTimer: NodeJS.Timeout;
  #lastActivity = Date.now();
  #closed = false;
  #queued = 0;
  #queue: Promise<void> = Promise.resolve();
  #format: { format: FakeRaopFormat; framesPerPacket: number } | undefined;
  #session: string | undefined;
  #channels: UdpChannels | undefined;
  #recorder: StreamRecorder | undefined;
  readonly #parameters: SessionParameters;

  constructor(socket: Socket, config: RaopConnectionConfig) {
    this.#socket = socket;
    this.#config = config;
    this.#parameters = new SessionParameters(config.initialVolume, config.emit);
    this.#peer = socket.remoteAddress ?? "";
    socket.setNoDelay(true);
    // Audio flows over UDP while the RTSP connection may say nothing for minutes, so
    // idleness counts both.
    this.#idleTimer = setInterval(() => this.#checkIdle(), Math.max(10, config.idleTimeout / 4));
    this.#idleTimer.unref();
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) => config.logger.debug("fake raop: %s", error.message));
    socket.on("close", () => this.close("disconnect"));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The PCM of the stream in progress (bounded), if one is. */
  get receiving(): Uint8Array | undefined {
    return this.#recorder?.pcm;
  }

  /** The UDP channels of the session, once SETUP opened them. */
  get channels(): UdpChannels | undefined {
    return this.#channels;
  }

  /** Ends the stream in progress (as `reason`) and the connection, after `farewell` if given. */
  close(reason: FakeRaopEndReason = "close", farewell?: Uint8Array): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#idleTimer);
    this.#endStream(reason);
    this.#channels?.close();
    if (farewell === undefined) this.#socket.destroy();
    else this.#socket.end(farewell, () => this.#socket.destroy());
  }

  #checkIdle(): void {
    if (Date.now() - this.#lastActivity < this.#config.idleTimeout) return;
    this.#config.logger.debug("fake raop: idle client, closing");
    this.close("disconnect");
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    this.#lastActivity = Date.now();
    let requests: HttpRequest[];
    try {
      requests = this.#parser.push(chunk);
    } catch (error) {
      // The byte stream cannot be resynchronised: say so, then hang up.
      this.#config.logger.debug("fake raop: unreadable request: %o", error);
      this.close("disconnect", encodeResponse({ protocol: "RTSP/1.0", status: 400 }));
      return;
    }
    this.#queued += requests.length;
    if (this.#queued > MAX_QUEUED_REQUESTS) {
      this.#config.logger.debug("fake raop: too many requests in flight, closing");
      this.close("disconnect", encodeResponse({ protocol: "RTSP/1.0", status: 503 }));
      return;
    }
    for (const request of requests) {
      this.#queue = this.#queue.then(async () => {
        await this.#answer(request);
        this.#queued -= 1;
      });
    }
  }

  async #answer(request: HttpRequest): Promise<void> {
    if (this.#closed) return;
    let answer: Answer;
    try {
      answer = await this.#route(request);
    } catch (error) {
      this.#config.logger.debug("fake raop: %s %s: %o", request.method, request.uri, error);
      answer = error instanceof ProtocolError ? { status: 400 } : { status: 500 };
    }
    if (this.#closed) return;
    const cseq = request.headers.cseq;
    const headers = {
      Server: "AirTunes/220.68",
      ...(cseq === undefined ? {} : { CSeq: cseq }),
      ...answer.headers,
    };
    const protocol = /^(RTSP|HTTP)\/1\.[01]$/.test(request.protocol)
      ? request.protocol
      : "RTSP/1.0";
    this.#socket.write(encodeResponse({ ...answer, protocol, headers }));
    answer.after?.();
  }

  async #route(request: HttpRequest): Promise<Answer> {
    const { method } = request;
    const path = request.uri.split("?")[0] ?? "";
    if (method === "OPTIONS") return { status: 200, headers: { Public: PUBLIC_METHODS } };
    if (method === "GET" && path === "/info") return this.#info();
    if (this.#config.password !== undefined && !this.#authorized(request)) {
      return { status: 401, headers: { "WWW-Authenticate": digestChallenge(this.#nonce) } };
    }
    const session = request.headers.session;
    if (session !== undefined && this.#session !== undefined && session !== this.#session) {
      return { status: 454 };
    }
    switch (method) {
      case "POST":
        if (path === "/auth-setup") return this.#authSetup(request.body);
        if (path === "/feedback") return { status: 200 };
        return { status: 404 };
      case "ANNOUNCE":
        return this.#announce(request);
      case "SETUP":
        return this.#setup(request);
      case "RECORD":
        return this.#record(request);
      case "FLUSH":
        return this.#flush(request);
      case "TEARDOWN":
        return this.#teardown();
      case "SET_PARAMETER":
        return this.#parameters.set(request);
      case "GET_PARAMETER":
        return this.#parameters.get(request);
      default:
        return { status: 501 };
    }
  }

  #authorized(request: HttpRequest): boolean {
    return verifyDigest(request.headers.authorization, {
      password: this.#config.password as string,
      nonce: this.#nonce,
      method: request.method,
      uri: request.uri,
    });
  }

  #info(): Answer {
    const info: PlistInput = {
      initialVolume: new PlistReal(this.#parameters.volume),
      statusFlags: 4,
    };
    return {
      status: 200,
      headers: { "Content-Type": "application/x-apple-binary-plist" },
      body: encodePlist(info),
    };
  }

  /** An AirPort Express's auth-setup: type byte 1 (unencrypted) and a Curve25519 key. */
  #authSetup(body: Uint8Array): Answer {
    if (body.length !== 33 || body[0] !== 1) return { status: 403 };
    return { status: 200 };
  }

  #announce(request: HttpRequest): Answer {
    // The format is fixed once SETUP opened the ports; a new one needs a TEARDOWN first.
    if (this.#channels !== undefined) return { status: 455 };
    if (!/^application\/sdp\b/i.test(request.headers["content-type"] ?? "")) return { status: 415 };
    const sdp = parseSdp(decodeText(request.body));
    // Without the AirPort's RSA key the legacy AES encryption cannot be undone.
    if (sdp.encrypted) return { status: 501, reason: "Encryption Not Supported" };
    this.#format = { format: sdp.format, framesPerPacket: sdp.framesPerPacket };
    return { status: 200 };
  }

  async #setup(request: HttpRequest): Promise<Answer> {
    const format = this.#format;
    if (format === undefined || this.#channels !== undefined) return { status: 455 };
    const transport = request.headers.transport;
    if (transport === undefined) return { status: 400 };
    const client = parseClientTransport(transport);
    const recorder = new StreamRecorder({
      ...format,
      dropSeqnos: this.#config.dropSeqnos,
      maxPcmBytes: this.#config.maxPcmBytes,
      started: () => this.#config.emit({ kind: "stream_start", format: format.format }),
      requestRetransmit: (seqno, count) => {
        this.#config.emit({ kind: "retransmit_request", seqno, count });
        this.#channels?.requestRetransmit(seqno, count);
      },
      logger: this.#config.logger,
    });
    const channels = await UdpChannels.open(this.#config.address, this.#peer, {
      audio: (packet, resent) => {
        this.#lastActivity = Date.now();
        recorder.audio(packet, resent);
      },
      logger: this.#config.logger,
    });
    if (this.#closed) {
      channels.close();
      return { status: 500 };
    }
    this.#channels = channels;
    this.#recorder = recorder;
    this.#session = String(1 + Math.floor(Math.random() * 0xfffffffe));
    channels.connect({ host: this.#peer, ...client });
    const ports = channels.ports;
    return {
      status: 200,
      headers: {
        Transport:
          `RTP/AVP/UDP;unicast;mode=record;server_port=${ports.audio};` +
          `control_port=${ports.control};timing_port=${ports.timing}`,
        Session: this.#session,
        "Audio-Jack-Status": "connected; type=analog",
      },
    };
  }

  #record(request: HttpRequest): Answer {
    const recorder = this.#recorder;
    if (recorder === undefined) return { status: 455 };
    const info = parseRtpInfo(request.headers["rtp-info"] ?? "");
    if (info !== undefined) recorder.expectFrom(info.seq);
    return { status: 200, headers: { "Audio-Latency": AUDIO_LATENCY } };
  }

  async #flush(request: HttpRequest): Promise<Answer> {
    const recorder = this.#recorder;
    if (recorder === undefined) return { status: 455 };
    await this.#drain(recorder);
    this.#endStream("flush");
    const info = parseRtpInfo(request.headers["rtp-info"] ?? "");
    if (info !== undefined) recorder.expectFrom(info.seq);
    return { status: 200 };
  }

  async #teardown(): Promise<Answer> {
    const recorder = this.#recorder;
    if (recorder !== undefined) await this.#drain(recorder);
    this.#endStream("teardown");
    this.#channels?.close();
    this.#channels = undefined;
    this.#recorder = undefined;
    this.#format = undefined;
    this.#session = undefined;
    return { status: 200 };
  }

  /** Lets packets already sent (and resends asked for) arrive before a stream is cut. */
  async #drain(recorder: StreamRecorder): Promise<void> {
    // Datagrams sent just before the request may not have been read yet, even the first.
    await sleep(DRAIN_STEP);
    for (let waited = DRAIN_STEP; recorder.awaiting && waited < DRAIN_LIMIT; waited += DRAIN_STEP) {
      if (this.#closed) return;
      await sleep(DRAIN_STEP);
    }
  }

  #endStream(reason: FakeRaopEndReason): void {
    const recorder = this.#recorder;
    const audio = recorder?.end();
    if (recorder === undefined || audio === undefined) return;
    const notes = this.#parameters.take();
    this.#config.emit({
      kind: "stream_end",
      format: recorder.format,
      frames: audio.frames,
      sha256: audio.sha256,
      unpaddedFrames: audio.unpaddedFrames,
      unpaddedSha256: audio.unpaddedSha256,
      missing: audio.missing,
      reason,
    });
    this.#config.completed({
      format: recorder.format,
      frames: audio.frames,
      sha256: audio.sha256,
      unpaddedFrames: audio.unpaddedFrames,
      unpaddedSha256: audio.unpaddedSha256,
      missing: audio.missing,
      pcm: audio.pcm,
      truncated: audio.truncated,
      metadata: notes.metadata,
      artwork: notes.artwork,
      progress: notes.progress,
      volumes: notes.volumes,
      retransmitRequests: audio.retransmitRequests,
      reason,
    });
  }
}
