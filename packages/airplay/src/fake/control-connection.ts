// One client connection to the fake AirPlay device: pairing and verify in clear, then HAP
// framed encryption; RTSP set-up of the remote-control channels; the keep-alive; play URL
// requests. Strict as a receiver is: RTSP before verify is refused with 470, the data
// stream before RECORD with 455, unreadable input ends the connection.

import type { Socket } from "node:net";
import { HapFrameCipher, type SharedSecret } from "@atv/hap";
import type { Logger } from "@atv/interface";
import type { MrpTransport } from "@atv/mrp";
import {
  decodePlist,
  encodePlist,
  isPlistDictionary,
  type PlistInput,
  type PlistValue,
} from "@atv/plist";
import { DataStreamChannel } from "../ap2/data-stream-channel.js";
import { controlKeys, dataStreamKeys, eventsKeys, KeySide } from "../auth/keys.js";
import type { PairingAnswer } from "../auth/server.js";
import { encodeResponse, HttpRequestParser } from "../http/codec.js";
import type { HttpRequest, OutgoingResponse, ReceivedHeaders } from "../http/types.js";
import { ChannelListener } from "./channel-listener.js";
import { FakeEventChannel } from "./event-sender.js";

/** Pairing as the fake does it, per connection (the paired clients are the device's). */
export interface FakePairingEndpoint {
  handle(path: string, body: Uint8Array, headers: ReceivedHeaders): PairingAnswer;
}

/** Play URL requests, shared by every connection of the device. */
export interface FakePlaybackEndpoint {
  handles(method: string, path: string): boolean;
  handle(
    method: string,
    path: string,
    headers: ReceivedHeaders,
    body: Uint8Array,
  ): Promise<{ status: number; headers?: Readonly<Record<string, string>>; body?: Uint8Array }>;
}

export interface FakeControlConfig {
  readonly address: string;
  /** A new pairing endpoint for a new connection. */
  readonly pairing: () => FakePairingEndpoint;
  readonly playback: FakePlaybackEndpoint | undefined;
  /** Serves MRP over the tunnel's data stream; without it SETUP of the stream is refused. */
  readonly mrp: { serve(transport: MrpTransport): unknown } | undefined;
  /** What GET /info answers. */
  readonly info: () => PlistInput;
  /** Close a connection that sends nothing for this long (ms). */
  readonly idleTimeout: number;
  readonly logger: Logger;
  /** Hears what clients do (set-up steps), for the fake's log and for tests. */
  readonly report: (event: FakeAirPlayActivity) => void;
}

export type FakeAirPlayActivity =
  | { readonly event: "verified"; readonly encrypted: boolean }
  | { readonly event: "setup"; readonly channel: "event" | "data" }
  | { readonly event: "record" }
  | { readonly event: "feedback" }
  | { readonly event: "teardown" };

const REMOTE_CONTROL_STREAM = 130;
/**
 * Channels a connection may have open at once: a client that keeps sending SETUP gets
 * no more listening sockets than a session uses (an event and a data channel) and some.
 */
const MAX_OPEN_CHANNELS = 4;

export class FakeControlConnection {
  readonly #socket: Socket;
  readonly #config: FakeControlConfig;
  readonly #parser = new HttpRequestParser();
  readonly #pairing: FakePairingEndpoint;
  readonly #listeners: ChannelListener[] = [];
  #cipher: HapFrameCipher | undefined;
  #secret: SharedSecret | undefined;
  #closed = false;
  #recorded = false;
  #eventChannel: FakeEventChannel | undefined;
  #dataChannel: DataStreamChannel | undefined;
  /** Requests are answered one at a time, in order, as they came. */
  #queue: Promise<void> = Promise.resolve();

  constructor(socket: Socket, config: FakeControlConfig) {
    this.#socket = socket;
    this.#config = config;
    this.#pairing = config.pairing();
    socket.setNoDelay(true);
    socket.setTimeout(config.idleTimeout, () => {
      config.logger.debug("fake airplay: idle client, closing");
      this.close();
    });
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) => config.logger.debug("fake airplay: %s", error.message));
    socket.on("close", () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The data stream of this connection's tunnel, once open. */
  get dataChannel(): DataStreamChannel | undefined {
    return this.#dataChannel;
  }

  get eventChannel(): FakeEventChannel | undefined {
    return this.#eventChannel;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    for (const listener of this.#listeners) listener.close();
    this.#eventChannel?.close();
    this.#dataChannel?.close();
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    let requests: HttpRequest[];
    try {
      const plain = this.#cipher ? this.#cipher.decrypt(chunk) : chunk;
      requests = this.#parser.push(plain);
    } catch (error) {
      // What a receiver does with input it cannot read: it hangs up.
      this.#config.logger.debug("fake airplay: closing on bad input: %o", error);
      this.close();
      return;
    }
    for (const request of requests) {
      this.#queue = this.#queue.then(() => this.#answer(request));
    }
  }

  async #answer(request: HttpRequest): Promise<void> {
    if (this.#closed) return;
    let response: OutgoingResponse;
    let secret: SharedSecret | undefined;
    try {
      const answer = await this.#route(request);
      response = answer.response;
      secret = answer.secret;
    } catch (error) {
      this.#config.logger.debug(
        "fake airplay: %s %s failed: %o",
        request.method,
        request.uri,
        error,
      );
      response = { status: 500 };
    }
    if (this.#closed) return;
    const cseq = request.headers.cseq;
    const headers = {
      Server: "AirTunes/760.20.1",
      ...(cseq === undefined ? {} : { CSeq: cseq }),
      ...response.headers,
    };
    this.#write(encodeResponse({ ...response, protocol: request.protocol, headers }));
    if (secret !== undefined) {
      // The answer that completes the verify leaves in clear; everything after is sealed.
      this.#secret = secret;
      const keys = controlKeys(secret, KeySide.Device);
      this.#cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
      this.#config.report({ event: "verified", encrypted: true });
    }
  }

  #write(bytes: Uint8Array): void {
    if (!this.#closed) this.#socket.write(this.#cipher ? this.#cipher.encrypt(bytes) : bytes);
  }

  async #route(
    request: HttpRequest,
  ): Promise<{ response: OutgoingResponse; secret?: SharedSecret }> {
    const path = request.uri.split("?")[0] ?? "";
    if (request.method === "POST" && path.startsWith("/pair-")) {
      const answer = this.#pairing.handle(path, request.body, request.headers);
      return {
        response: {
          status: answer.status,
          body: answer.body,
          headers: {
            ...(answer.body.length > 0 ? { "Content-Type": "application/octet-stream" } : {}),
            ...answer.headers,
          },
        },
        ...(answer.verified ? { secret: answer.verified.secret } : {}),
      };
    }
    if (request.method === "GET" && path === "/info") {
      return { response: plistResponse(this.#config.info()) };
    }
    const playback = this.#config.playback;
    if (playback?.handles(request.method, path)) {
      const answer = await playback.handle(
        request.method,
        request.uri,
        request.headers,
        request.body,
      );
      return {
        response: {
          status: answer.status,
          ...(answer.headers ? { headers: answer.headers } : {}),
          ...(answer.body ? { body: answer.body } : {}),
        },
      };
    }
    if (request.protocol.startsWith("RTSP")) return { response: await this.#rtsp(request, path) };
    return { response: { status: 404 } };
  }

  async #rtsp(request: HttpRequest, path: string): Promise<OutgoingResponse> {
    const secret = this.#secret;
    // A receiver refuses the session to a client that has not verified: 470.
    if (secret === undefined) return { status: 470, reason: "Connection Authorization Required" };
    switch (request.method) {
      case "SETUP":
        return this.#setup(secret, request.body);
      case "RECORD":
        this.#recorded = true;
        this.#config.report({ event: "record" });
        return { status: 200, headers: { "Audio-Latency": "0" } };
      case "POST":
        if (path === "/feedback") {
          this.#config.report({ event: "feedback" });
          return { status: 200 };
        }
        return { status: 404 };
      case "TEARDOWN":
        this.#config.report({ event: "teardown" });
        this.#dataChannel?.close();
        this.#eventChannel?.close();
        return { status: 200 };
      default:
        return { status: 501 };
    }
  }

  async #setup(secret: SharedSecret, body: Uint8Array): Promise<OutgoingResponse> {
    this.#listeners.splice(0, this.#listeners.length, ...this.#listeners.filter((l) => l.open));
    if (this.#listeners.length >= MAX_OPEN_CHANNELS) {
      return { status: 453, reason: "Not Enough Bandwidth" };
    }
    let setup: PlistValue;
    try {
      setup = decodePlist(body);
    } catch {
      return { status: 400 };
    }
    if (!isPlistDictionary(setup)) return { status: 400 };
    const streams = setup.streams;
    if (streams === undefined) {
      // The session's SETUP: open the event channel.
      const listener = await ChannelListener.open(
        this.#config.address,
        (socket) => {
          const channel = new FakeEventChannel(
            socket,
            eventsKeys(secret, KeySide.Device),
            this.#config.logger,
          );
          this.#eventChannel = channel;
          // Receivers report on this channel; the client must answer.
          channel.send("/command", { type: "updateInfo" });
        },
        { logger: this.#config.logger },
      );
      this.#listeners.push(listener);
      this.#config.report({ event: "setup", channel: "event" });
      return plistResponse({ eventPort: listener.port, timingPort: 0 });
    }
    const stream = Array.isArray(streams) ? streams[0] : undefined;
    if (!isPlistDictionary(stream)) return { status: 400 };
    if (Number(stream.type) !== REMOTE_CONTROL_STREAM) return { status: 501 };
    // The data stream comes after the session was set up and recorded.
    if (!this.#recorded || this.#eventChannel === undefined)
      return { status: 455, reason: "Method Not Valid in This State" };
    const seed = stream.seed;
    if (typeof seed !== "bigint" && typeof seed !== "number") return { status: 400 };
    const mrp = this.#config.mrp;
    if (mrp === undefined) return { status: 501 };
    const keys = dataStreamKeys(secret, seed, KeySide.Device);
    const listener = await ChannelListener.open(
      this.#config.address,
      (socket) => {
        const channel = new DataStreamChannel(socket, keys, {
          logger: this.#config.logger,
          peerName: "client",
        });
        this.#dataChannel = channel;
        mrp.serve(channel);
      },
      { logger: this.#config.logger },
    );
    this.#listeners.push(listener);
    this.#config.report({ event: "setup", channel: "data" });
    return plistResponse({
      streams: [{ type: REMOTE_CONTROL_STREAM, dataPort: listener.port, streamID: 1 }],
    });
  }
}

function plistResponse(value: PlistInput): OutgoingResponse {
  return {
    status: 200,
    headers: { "Content-Type": "application/x-apple-binary-plist" },
    body: encodePlist(value),
  };
}
