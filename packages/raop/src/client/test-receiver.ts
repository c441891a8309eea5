// A minimal scripted receiver for the client's own tests: records every RTSP request (in
// order, with headers) and every UDP packet, and answers as a test tells it to. The full
// simulated receiver is @atv/raop/fake; this one exists to see the wire exactly and to
// inject answers the fake would never give (401s, 453, garbage, a vanishing receiver).

import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { encodeResponse, type HttpRequest, HttpRequestParser } from "@atv/airplay";

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

async function udp(): Promise<UdpSocket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

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
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly audioSocket: UdpSocket;
  readonly controlSocket: UdpSocket;
  readonly timingSocket: UdpSocket;
  readonly #waiters = new Set<() => void>();

  private constructor(server: Server, audio: UdpSocket, control: UdpSocket, timing: UdpSocket) {
    this.#server = server;
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
  }

  static async start(answer?: Answerer): Promise<TestReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const receiver = new TestReceiver(server, await udp(), await udp(), await udp());
    receiver.answer = answer;
    return receiver;
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
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => {});
    const parser = new HttpRequestParser();
    socket.on("data", (chunk) => {
      for (const request of parser.push(chunk)) {
        this.requests.push(request);
        const scripted = this.answer?.(request, this) ?? this.#default(request);
        this.#wake();
        if (scripted.close) {
          socket.destroy();
          return;
        }
        if (scripted.raw) {
          socket.write(scripted.raw);
          continue;
        }
        socket.write(
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

  #default(request: HttpRequest): ScriptedAnswer {
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
}
