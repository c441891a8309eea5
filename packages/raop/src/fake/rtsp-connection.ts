// One client connection to the fake RAOP receiver: the RTSP session of AirPlay 1 as
// pyatv's stream_client.py and protocols/airplayv1.py drive it (GET /info, POST
// /auth-setup, ANNOUNCE, SETUP, POST /feedback, SET_PARAMETER, RECORD, FLUSH, TEARDOWN),
// strict as a receiver is: out-of-order requests get 455, a wrong session 454, a wrong or
// missing password 401 with a Digest challenge, unreadable requests 400.
// A v2 (AirPlay 2) receiver also takes pyatv's airplayv2.py session on the same
// connection: pair-setup / pair-verify (HTTP/1.1 POSTs), after which every byte both ways
// is a HAP frame under the Control-Salt keys; then two plist SETUPs (the session, with
// an event channel; the audio stream, with its key) and sealed audio. A plist SETUP
// from a client that has not verified is refused with 470, as the AirPlay port does.

import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BPLIST_CONTENT_TYPE,
  controlKeys,
  encodeResponse,
  eventsKeys,
  type HttpRequest,
  HttpRequestParser,
  KeySide,
  type OutgoingResponse,
} from "@atv/airplay";
import { HapFrameCipher, type SharedSecret } from "@atv/hap";
import { type Logger, ProtocolError } from "@atv/interface";
import { encodePlist, type PlistInput, PlistReal } from "@atv/plist";
import { parseSdp } from "../wire/index.js";
import { digestChallenge, newNonce, verifyDigest } from "./digest-auth.js";
import { FakeRaopEventChannel } from "./event-channel.js";
import type {
  FakeRaopEndReason,
  FakeRaopEvent,
  FakeRaopFormat,
  FakeRaopStream,
  FakeRaopVersion,
} from "./events.js";
import { type PairingEndpoint, pairingEvent } from "./pairing-route.js";
import { parseClientTransport, parseRtpInfo } from "./rtsp-fields.js";
import { decodeText, SessionParameters } from "./session-parameters.js";
import { StreamRecorder } from "./stream-recorder.js";
import { UdpChannels } from "./udp-channels.js";
import { unsealAudio } from "./v2-audio.js";
import {
  parseSessionSetup,
  parseStreamSetup,
  REALTIME_AUDIO_STREAM,
  readSetupBody,
  type SessionSetup,
} from "./v2-setup.js";

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
  /**
   * Set on a v2 receiver: the pairing endpoints of this connection (pair-setup with the
   * PIN or transient, pair-verify). A v1 receiver answers /pair-* with 404.
   */
  readonly pairing: PairingEndpoint | undefined;
}

/** Where a v2 session stands: verified (keys), then SETUP #1 (event channel, timing). */
interface V2State {
  readonly secret: SharedSecret;
  session: SessionSetup | undefined;
  events: FakeRaopEventChannel | undefined;
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
  /** HAP framing, once a verify succeeded (v2). */
  #cipher: HapFrameCipher | undefined;
  #v2: V2State | undefined;

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

  /** Whether the connection is HAP-framed (a v2 client verified). */
  get encrypted(): boolean {
    return this.#cipher !== undefined;
  }

  /** The event channel of a v2 session, once SETUP #1 opened it. */
  get eventChannel(): FakeRaopEventChannel | undefined {
    return this.#v2?.events;
  }

  /** Ends the stream in progress (as `reason`) and the connection, after `farewell` if given. */
  close(reason: FakeRaopEndReason = "close", farewell?: Uint8Array): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#idleTimer);
    this.#endStream(reason);
    this.#channels?.close();
    this.#v2?.events?.close();
    if (farewell === undefined) this.#socket.destroy();
    else this.#socket.end(this.#seal(farewell), () => this.#socket.destroy());
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
    const cipher = this.#cipher;
    let plain: Uint8Array;
    try {
      plain = cipher === undefined ? chunk : cipher.decrypt(chunk);
    } catch (error) {
      // A frame that does not open (or is not a frame): nothing can be said in a way the
      // client could read, so the receiver hangs up.
      this.#config.logger.debug("fake raop: undecryptable input: %o", error);
      this.close("disconnect");
      return;
    }
    try {
      requests = this.#parser.push(plain);
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
    this.#socket.write(this.#seal(encodeResponse({ ...answer, protocol, headers })));
    answer.after?.();
  }

  /** Bytes as they go on the wire: HAP frames once the connection is encrypted. */
  #seal(bytes: Uint8Array): Uint8Array {
    return this.#cipher === undefined ? bytes : this.#cipher.encrypt(bytes);
  }

  /** The answer that completes a verify leaves in clear; everything after is sealed. */
  #encrypt(secret: SharedSecret): void {
    const keys = controlKeys(secret, KeySide.Device);
    this.#cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
    this.#v2 = { secret, session: undefined, events: undefined };
  }

  async #route(request: HttpRequest): Promise<Answer> {
    const { method } = request;
    const path = request.uri.split("?")[0] ?? "";
    if (method === "OPTIONS") return { status: 200, headers: { Public: PUBLIC_METHODS } };
    if (method === "GET" && path === "/info") return this.#info();
    if (method === "POST" && path.startsWith("/pair-") && this.#config.pairing !== undefined) {
      return this.#pair(request, path, this.#config.pairing);
    }
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
        if (this.#config.pairing !== undefined && isPlistSetup(request)) {
          return this.#setupV2(request);
        }
        return this.#setup(request);
      case "RECORD":
        return this.#record(request);
      case "FLUSH":
        return this.#flush(request);
      case "TEARDOWN":
        return this.#teardown(request);
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
      headers: { "Content-Type": BPLIST_CONTENT_TYPE },
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

  /** A pair-setup or pair-verify step (v2); a completed verify turns on HAP framing. */
  #pair(request: HttpRequest, path: string, pairing: PairingEndpoint): Answer {
    // One verify per connection: the keys cannot change under a running session.
    if (this.#cipher !== undefined) return { status: 455, reason: "Already Verified" };
    const answer = pairing.handle(path, request.body, request.headers);
    const event = pairingEvent(path, request.body, answer, pairing);
    if (event !== undefined) this.#config.emit(event);
    const secret = answer.verified?.secret;
    return {
      status: answer.status,
      headers: {
        ...(answer.body.length > 0 ? { "Content-Type": "application/octet-stream" } : {}),
        ...answer.headers,
      },
      body: answer.body,
      ...(secret === undefined ? {} : { after: () => this.#encrypt(secret) }),
    };
  }

  async #setup(request: HttpRequest): Promise<Answer> {
    const format = this.#format;
    if (format === undefined || this.#channels !== undefined) return { status: 455 };
    const transport = request.headers.transport;
    if (transport === undefined) return { status: 400 };
    const client = parseClientTransport(transport);
    const channels = await this.#openChannels();
    if (channels === undefined) return { status: 500 };
    this.#recorder = this.#newRecorder(format.format, format.framesPerPacket, "v1");
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

  /** SETUP with a plist body (v2): the session first, then its audio stream. */
  async #setupV2(request: HttpRequest): Promise<Answer> {
    const v2 = this.#v2;
    // An AirPlay 2 receiver takes a session only from a client that verified.
    if (v2 === undefined) return { status: 470, reason: "Connection Authorization Required" };
    const body = readSetupBody(request.body);
    if (!body.ok) return { status: body.status, reason: body.reason };
    if (!("streams" in body.value)) return this.#setupSession(v2, body.value);
    if (v2.session === undefined || this.#channels === undefined) {
      return { status: 455, reason: "Method Not Valid in This State" };
    }
    if (this.#recorder !== undefined) return { status: 455, reason: "Stream Already Set Up" };
    const parsed = parseStreamSetup(body.value);
    if (!parsed.ok) return { status: parsed.status, reason: parsed.reason };
    const { stream } = parsed;
    const channels = this.#channels;
    this.#recorder = this.#newRecorder(stream.format, stream.framesPerPacket, "v2", (packet) =>
      unsealAudio(stream.key, packet),
    );
    channels.connect({
      host: this.#peer,
      controlPort: stream.controlPort,
      timingPort: v2.session.timingPort,
    });
    const ports = channels.ports;
    return plistAnswer({
      streams: [
        {
          type: REALTIME_AUDIO_STREAM,
          dataPort: ports.audio,
          controlPort: ports.control,
          streamID: 1,
        },
      ],
    });
  }

  /** SETUP #1: opens the event channel and the UDP ports (timing now, audio for SETUP #2). */
  async #setupSession(
    v2: V2State,
    setup: Parameters<typeof parseSessionSetup>[0],
  ): Promise<Answer> {
    if (v2.session !== undefined || this.#format !== undefined || this.#channels !== undefined) {
      return { status: 455, reason: "Method Not Valid in This State" };
    }
    const parsed = parseSessionSetup(setup);
    if (!parsed.ok) return { status: parsed.status, reason: parsed.reason };
    const events = await FakeRaopEventChannel.open(
      this.#config.address,
      eventsKeys(v2.secret, KeySide.Device),
      { logger: this.#config.logger },
    );
    const channels = await this.#openChannels();
    if (channels === undefined || this.#closed) {
      events.close();
      channels?.close();
      return { status: 500 };
    }
    v2.session = parsed.session;
    v2.events = events;
    return plistAnswer({ eventPort: events.port, timingPort: channels.ports.timing });
  }

  async #openChannels(): Promise<UdpChannels | undefined> {
    const channels = await UdpChannels.open(this.#config.address, this.#peer, {
      audio: (packet, resent) => {
        this.#lastActivity = Date.now();
        this.#recorder?.audio(packet, resent);
      },
      logger: this.#config.logger,
    });
    if (this.#closed) {
      channels.close();
      return undefined;
    }
    this.#channels = channels;
    return channels;
  }

  #newRecorder(
    format: FakeRaopFormat,
    framesPerPacket: number,
    version: FakeRaopVersion,
    unseal?: (packet: Uint8Array) => Uint8Array,
  ): StreamRecorder {
    return new StreamRecorder({
      format,
      framesPerPacket,
      version,
      ...(unseal === undefined ? {} : { unseal }),
      dropSeqnos: this.#config.dropSeqnos,
      maxPcmBytes: this.#config.maxPcmBytes,
      started: () => this.#config.emit({ kind: "stream_start", format, version }),
      requestRetransmit: (seqno, count) => {
        this.#config.emit({ kind: "retransmit_request", seqno, count });
        this.#channels?.requestRetransmit(seqno, count);
      },
      logger: this.#config.logger,
    });
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

  /**
   * Ends the stream and the session. In v2 a body naming streams ends only the audio
   * stream (the session and its event channel stay, for another SETUP #2).
   */
  async #teardown(request: HttpRequest): Promise<Answer> {
    const recorder = this.#recorder;
    if (recorder !== undefined) await this.#drain(recorder);
    this.#endStream("teardown");
    this.#recorder = undefined;
    const v2 = this.#v2;
    if (v2?.session !== undefined && request.body.length > 0) {
      const body = readSetupBody(request.body);
      if (body.ok && "streams" in body.value) return { status: 200 };
    }
    this.#channels?.close();
    this.#channels = undefined;
    this.#format = undefined;
    this.#session = undefined;
    if (v2 !== undefined) {
      v2.events?.close();
      v2.events = undefined;
      v2.session = undefined;
    }
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
      version: recorder.version,
      frames: audio.frames,
      sha256: audio.sha256,
      unpaddedFrames: audio.unpaddedFrames,
      unpaddedSha256: audio.unpaddedSha256,
      missing: audio.missing,
      badPackets: audio.badPackets,
      reason,
    });
    this.#config.completed({
      format: recorder.format,
      version: recorder.version,
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
      badPackets: audio.badPackets,
      reason,
    });
  }
}

/** A SETUP whose body is a binary plist (v2), not a Transport header (v1). */
function isPlistSetup(request: HttpRequest): boolean {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === BPLIST_CONTENT_TYPE) return true;
  return request.headers.transport === undefined && request.body.length > 0;
}

function plistAnswer(value: PlistInput): Answer {
  return {
    status: 200,
    headers: { "Content-Type": BPLIST_CONTENT_TYPE },
    body: encodePlist(value),
  };
}
