// HTTP/1.1 to a DMAP device over one kept-alive socket of our own, as pyatv talks to it
// through one aiohttp session. It knows nothing of DMAP: statuses and bodies go up as they
// came; socket failures, timeouts and aborts become the typed errors of @atv/interface.

import { Agent, type ClientRequest, type IncomingMessage, request } from "node:http";
import { gunzipSync } from "node:zlib";
import {
  type AbortOptions,
  BlockedStateError,
  ConnectionFailedError,
  ConnectionLostError,
  deadline,
  type Logger,
  OperationTimeoutError,
  ProtocolError,
  silentLogger,
} from "@atv/interface";

export interface DmapHttpResponse {
  readonly status: number;
  readonly body: Uint8Array;
}

export interface DmapHttpRequest extends AbortOptions {
  readonly method: "GET" | "POST";
  /** Path and query, without the leading "/". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Longest wait for the whole answer, in milliseconds; 0 waits for ever (long polls). */
  readonly timeout: number;
}

export interface DmapHttpClientOptions {
  host: string;
  port: number;
  logger?: Logger;
}

// Errors that mean no connection was made at all, rather than one lost on the way.
const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

export class DmapHttpClient {
  readonly host: string;
  readonly port: number;
  readonly #logger: Logger;
  // Kept-alive sockets of our own. Not one only: a playstatusupdate long poll holds its
  // socket until something changes, and commands must pass it (pyatv's aiohttp pool also
  // opens a connection per concurrent request).
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 4 });
  readonly #pending = new Set<ClientRequest>();
  #closed = false;

  constructor(options: DmapHttpClientOptions) {
    this.host = options.host;
    this.port = options.port;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Sends one request. A GET that met a kept-alive socket the device had already closed
   * is sent once more on a fresh one; a POST is not (playpause twice is no playpause).
   */
  async request(req: DmapHttpRequest): Promise<DmapHttpResponse> {
    try {
      return await this.#attempt(req);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      if (req.method !== "GET") throw error.lost;
      this.#logger.debug("dmap: kept-alive socket was closed, retrying %s", req.path);
    }
    try {
      return await this.#attempt(req);
    } catch (error) {
      throw error instanceof StaleSocketError ? error.lost : error;
    }
  }

  /** Ends every pending request and the socket; later requests fail with BlockedStateError. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#pending) {
      pending.destroy(new BlockedStateError("the DMAP client was closed"));
    }
    this.#pending.clear();
    this.#agent.destroy();
  }

  get #where(): string {
    return `${this.host}:${this.port}`;
  }

  #lostError(error: Error): ConnectionLostError {
    return new ConnectionLostError(`connection to ${this.#where} was lost`, { cause: error });
  }

  #attempt(req: DmapHttpRequest): Promise<DmapHttpResponse> {
    if (this.#closed) return Promise.reject(new BlockedStateError("the DMAP client is closed"));
    req.signal?.throwIfAborted();
    const wait = req.timeout > 0 ? deadline(req.timeout, req.signal) : undefined;
    const signal = wait?.signal ?? req.signal;
    return new Promise<DmapHttpResponse>((resolve, reject) => {
      let connected = false;
      let settled = false;
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers["Content-Length"] = String(req.body.byteLength);
      const outgoing = request({
        agent: this.#agent,
        host: this.host,
        port: this.port,
        method: req.method,
        path: `/${req.path}`,
        headers,
      });
      this.#pending.add(outgoing);

      const finish = (error: Error | undefined, response?: DmapHttpResponse): void => {
        if (settled) return;
        settled = true;
        wait?.clear();
        signal?.removeEventListener("abort", onAbort);
        this.#pending.delete(outgoing);
        if (error) reject(error);
        else resolve(response as DmapHttpResponse);
      };
      const onAbort = (): void => {
        const error = wait?.timedOut
          ? new OperationTimeoutError(`no answer to ${req.path} within ${req.timeout} ms`)
          : asError(req.signal?.reason ?? signal?.reason);
        finish(error);
        outgoing.destroy();
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });

      outgoing.on("socket", (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once("connect", () => (connected = true));
      });
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        if (error instanceof BlockedStateError) return finish(error);
        if (outgoing.reusedSocket && error.code === "ECONNRESET") {
          return finish(new StaleSocketError(error, this.#lostError(error)));
        }
        finish(
          !connected && CONNECT_ERRORS.has(error.code ?? "")
            ? new ConnectionFailedError(`could not connect to ${this.#where}`, { cause: error })
            : this.#lostError(error),
        );
      });
      outgoing.on("response", (incoming) => {
        readBody(incoming).then(
          (body) => finish(undefined, { status: incoming.statusCode ?? 0, body }),
          (error: Error) => finish(error),
        );
      });
      outgoing.end(req.body);
    });
  }
}

/** A kept-alive socket the device had closed: the request most likely never reached it. */
class StaleSocketError extends Error {
  readonly lost: ConnectionLostError;

  constructor(cause: Error, lost: ConnectionLostError) {
    super("stale kept-alive socket", { cause });
    this.lost = lost;
  }
}

// Artwork is the largest answer a device gives; anything far beyond is not an answer.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(incoming: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ProtocolError(`the device sent an answer over ${MAX_BODY_BYTES} bytes`));
        incoming.destroy();
        return;
      }
      chunks.push(chunk);
    });
    incoming.on("error", (error) =>
      reject(new ConnectionLostError("connection lost while reading an answer", { cause: error })),
    );
    incoming.on("aborted", () =>
      reject(new ConnectionLostError("connection lost while reading an answer")),
    );
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      // We send "Accept-Encoding: gzip" as pyatv does, so the device may compress.
      if (incoming.headers["content-encoding"] !== "gzip" || body.length === 0) {
        resolve(new Uint8Array(body));
        return;
      }
      try {
        resolve(new Uint8Array(gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES })));
      } catch (error) {
        reject(new ProtocolError("the device sent a corrupt gzip body", { cause: error }));
      }
    });
  });
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
