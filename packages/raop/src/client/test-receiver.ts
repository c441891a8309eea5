// A minimal scripted receiver for the client's own tests: records every RTSP request (in
// order, with headers) and every UDP packet, and answers as a test tells it to. The full
// simulated receiver is @atv/raop/fake; this one exists to see the wire exactly and to
// inject answers the fake would never give (401s, 453, garbage, a vanishing receiver).
// With a pairing server it also takes AirPlay 2 streams: /pair-* requests go to it, a
// verified connection is HAP-framed from then on, plist SETUPs are answered (the first
// with an event port it listens on, the second with its audio and control ports) and the
// audio key of the second is kept.

import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import {
  controlKeys,
  decodePlist,
  encodePlist,
  encodeRequest,
  encodeResponse,
  eventsKeys,
  type HttpRequest,
  HttpRequestParser,
  type HttpResponse,
  HttpResponseParser,
  KeySide,
} from "@atv/airplay";
import type { AirPlayPairingServer } from "@atv/airplay/fake";
import { HapFrameCipher, type SharedSecret } from "@atv/hap";
import { isPlistDictionary, type PlistDictionary } from "@atv/plist";
import { boundUdp } from "../fake/test-udp.js";

export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: Uint8Array;
  /** Raw bytes instead of a response. */
  readonly raw?: Uint8Array;
  /** Close the connection instead of answering. */
  readonly close?: boolean;
}

export type Answerer = (request: HttpRequest, receiver: TestReceiver) => ScriptedAnswer | undefined;

export class TestReceiver {
  readonly requests: HttpRequest[] = [];
  readonly audio: Uint8Array[] = [];
  readonly control: Uint8Array[] = [];
  /** Where the client's control port is (from SETUP), once known. */
  clientControlPort = 0;
  clientTimingPort = 0;
  /** The port the client's audio came from. */
  clientAudioPort = 0;
  answer: Answerer | undefined;
  /** AirPlay 2: the secret of the last verify, the SETUP plists, the audio key (shk). */
  secret: SharedSecret | undefined;
  readonly setups: PlistDictionary[] = [];
  audioKey: Uint8Array | undefined;
  /** AirPlay 2: connections to the event port, and the answers to our request on each. */
  eventConnections = 0;
  readonly eventAnswers: HttpResponse[] = [];
  readonly #pairing: AirPlayPairingServer | undefined;
  readonly #events: Server;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly audioSocket: UdpSocket;
  readonly controlSocket: UdpSocket;
  readonly timingSocket: UdpSocket;
  readonly #waiters = new Set<() => void>();

  private constructor(
    server: Server,
    events: Server,
    audio: UdpSocket,
    control: UdpSocket,
    timing: UdpSocket,
    pairing: AirPlayPairingServer | undefined,
  ) {
    this.#server = server;
    this.#events = events;
    this.#pairing = pairing;
    this.audioSocket = audio;
    this.controlSocket = control;
    this.timingSocket = timing;
    audio.on("message", (message, rinfo) => {
      this.clientAudioPort = rinfo.port;
      this.audio.push(new Uint8Array(message));
      this.#wake();
    });
    control.on("message", (message) => {
      this.control.push(new Uint8Array(message));
      this.#wake();
    });
    server.on("connection", (socket) => this.#serve(socket));
    events.on("connection", (socket) => this.#serveEvents(socket));
  }

  static async start(
    answer?: Answerer,
    options: { readonly pairing?: AirPlayPairingServer } = {},
  ): Promise<TestReceiver> {
    const listen = async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return server;
    };
    const receiver = new TestReceiver(
      await listen(),
      await listen(),
      await boundUdp(),
      await boundUdp(),
      await boundUdp(),
      options.pairing,
    );
    receiver.answer = answer;
    return receiver;
  }

  get eventPort(): number {
    const address = this.#events.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  get methods(): string[] {
    return this.requests.map((request) => request.method);
  }

  /** Resolves once `check` holds, checked after every request or packet. */
  waitFor(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = () => {
        if (!check()) return;
        this.#waiters.delete(waiter);
        resolve();
      };
      this.#waiters.add(waiter);
    });
  }

  /** Closes the event port's listener (new connections are refused). */
  closeEventPort(): Promise<void> {
    return new Promise((resolve) => this.#events.close(() => resolve()));
  }

  /** Drops every RTSP connection (a receiver going away). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Whether the client's UDP ports are free again (each can be bound anew). */
  async clientPortsFree(): Promise<boolean> {
    const ports = [this.clientAudioPort, this.clientControlPort, this.clientTimingPort];
    const results = await Promise.all(
      ports.map(
        (port) =>
          new Promise<boolean>((resolve) => {
            const socket = createSocket("udp4");
            socket.once("error", () => resolve(false));
            socket.bind({ port, address: "127.0.0.1", exclusive: true }, () =>
              socket.close(() => resolve(true)),
            );
          }),
      ),
    );
    return ports.every((port) => port > 0) && results.every(Boolean);
  }

  async close(): Promise<void> {
    this.dropConnections();
    for (const socket of [this.audioSocket, this.controlSocket, this.timingSocket]) {
      try {
        socket.close();
      } catch {
        // already closed by the test
      }
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (this.#events.listening) await this.closeEventPort();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => {});
    const parser = new HttpRequestParser();
    const pairing = this.#pairing?.session();
    let cipher: HapFrameCipher | undefined;
    const write = (bytes: Uint8Array) => socket.write(cipher ? cipher.encrypt(bytes) : bytes);
    socket.on("data", (chunk) => {
      let plain: Uint8Array;
      try {
        plain = cipher ? cipher.decrypt(chunk) : chunk;
      } catch {
        socket.destroy();
        return;
      }
      for (const request of parser.push(plain)) {
        this.requests.push(request);
        if (pairing && request.uri.startsWith("/pair-")) {
          const answer = pairing.handle(request.uri, request.body, request.headers);
          this.#wake();
          write(
            encodeResponse({
              protocol: request.protocol,
              status: answer.status,
              headers: { ...answer.headers },
              body: answer.body,
            }),
          );
          if (answer.verified) {
            this.secret = answer.verified.secret;
            const keys = controlKeys(answer.verified.secret, KeySide.Device);
            cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
          }
          continue;
        }
        const scripted = this.answer?.(request, this) ?? this.#default(request);
        this.#wake();
        if (scripted.close) {
          socket.destroy();
          return;
        }
        if (scripted.raw) {
          write(scripted.raw);
          continue;
        }
        write(
          encodeResponse({
            protocol: request.protocol,
            status: scripted.status ?? 200,
            headers: { CSeq: request.headers.cseq ?? "0", ...scripted.headers },
            ...(scripted.body ? { body: scripted.body } : {}),
          }),
        );
      }
    });
  }

  /** Takes the event connection and sends one request on it, keeping the answer. */
  #serveEvents(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => {});
    this.eventConnections++;
    this.#wake();
    const secret = this.secret;
    if (secret === undefined) return;
    const keys = eventsKeys(secret, KeySide.Device);
    const cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
    const parser = new HttpResponseParser();
    socket.on("data", (chunk) => {
      for (const response of parser.push(cipher.decrypt(chunk))) {
        this.eventAnswers.push(response);
        this.#wake();
      }
    });
    socket.write(
      cipher.encrypt(
        encodeRequest({
          method: "POST",
          uri: "/command",
          protocol: "RTSP/1.0",
          headers: { CSeq: 7, Server: "AirTunes/366.0" },
        }),
      ),
    );
  }

  #default(request: HttpRequest): ScriptedAnswer {
    if (request.method === "SETUP" && request.headers["content-type"]?.includes("plist")) {
      return this.#plistSetup(decodePlist(request.body));
    }
    if (request.method === "SETUP") {
      const transport = request.headers.transport ?? "";
      this.clientControlPort = Number(/control_port=(\d+)/.exec(transport)?.[1] ?? 0);
      this.clientTimingPort = Number(/timing_port=(\d+)/.exec(transport)?.[1] ?? 0);
      return {
        headers: {
          Session: "DEADBEEF",
          Transport:
            "RTP/AVP/UDP;unicast;mode=record;" +
            `server_port=${this.audioSocket.address().port};` +
            `control_port=${this.controlSocket.address().port};` +
            `timing_port=${this.timingSocket.address().port}`,
        },
      };
    }
    if (request.method === "POST" && request.uri === "/feedback") return { status: 404 };
    return {};
  }

  #plistSetup(body: unknown): ScriptedAnswer {
    if (!isPlistDictionary(body as never)) return { status: 400 };
    const setup = body as PlistDictionary;
    this.setups.push(setup);
    const plist = (value: PlistDictionary): ScriptedAnswer => ({
      headers: { "Content-Type": "application/x-apple-binary-plist" },
      body: encodePlist(value),
    });
    const streams = setup.streams;
    if (!Array.isArray(streams)) {
      this.clientTimingPort = Number(setup.timingPort ?? 0);
      return plist({ eventPort: this.eventPort, timingPort: 0 });
    }
    const stream = streams[0] as PlistDictionary;
    this.clientControlPort = Number(stream.controlPort ?? 0);
    if (stream.shk instanceof Uint8Array) this.audioKey = stream.shk;
    return plist({
      streams: [
        {
          type: 96,
          dataPort: this.audioSocket.address().port,
          controlPort: this.controlSocket.address().port,
        },
      ],
    });
  }
}
