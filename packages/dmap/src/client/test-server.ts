// A scripted HTTP server on loopback for the client's unit tests: it records every request
// and answers with what the test's handler returns. (Functional tests use FakeDmapDevice.)

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dmapTag } from "../tags/index.js";

/** A login answer: mlog with the session id in mlid. */
export function loginAnswer(session: number): Uint8Array {
  return dmapTag.container("mlog", dmapTag.uint32("mlid", session));
}

/** A playstatusupdate answer: cmst around the given tags. */
export function playstatusAnswer(...fields: Uint8Array[]): Uint8Array {
  return dmapTag.container("cmst", ...fields);
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  readonly body: Uint8Array;
}

export interface ScriptedAnswer {
  status?: number;
  body?: Uint8Array;
  headers?: Record<string, string>;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Drop the connection instead of answering. */
  destroy?: boolean;
}

export type Handler = (
  request: RecordedRequest,
) => ScriptedAnswer | undefined | Promise<ScriptedAnswer | undefined>;

export class TestServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose connection the client closed before they were answered. */
  readonly abandoned: RecordedRequest[] = [];
  connections = 0;
  handler: Handler = () => ({ status: 200 });
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(handler?: Handler): Promise<TestServer> {
    const server = createServer();
    const test = new TestServer(server);
    if (handler) test.handler = handler;
    server.on("connection", (socket) => {
      test.connections++;
      test.#sockets.add(socket);
      socket.on("close", () => test.#sockets.delete(socket));
    });
    server.on("request", (req, res) => void test.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return test;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Requests to `path` (without query), in order. */
  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://localhost");
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: new Uint8Array(Buffer.concat(chunks)),
    };
    this.requests.push(recorded);
    res.on("close", () => {
      if (!res.writableEnded) this.abandoned.push(recorded);
    });
    const answer = (await this.handler(recorded)) ?? { status: 200 };
    if (res.destroyed) return;
    if (answer.destroy) {
      req.socket.destroy();
      return;
    }
    if (answer.hang) return;
    const body = answer.body ?? new Uint8Array(0);
    res.writeHead(answer.status ?? 200, {
      "Content-Length": String(body.byteLength),
      ...answer.headers,
    });
    res.end(body);
  }
}

/** A handler that logs in (session ids from 100 up) and leaves other paths to `other`. */
export function withLogin(other: Handler = () => ({})): Handler {
  let session = 100;
  return (request) =>
    request.path === "/login" ? { body: loginAnswer(session++) } : other(request);
}
