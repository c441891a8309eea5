// The small HTTP server an Apple TV calls back when the user types the PIN in
// Settings > General > Remotes (pyatv runs the same from protocols/dmap/pairing.py).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, silentLogger } from "@atv/interface";
import { answerPairRequest } from "./pair-request.js";
import { formatPairingGuid, formatPin } from "./pairing-code.js";

export interface DmapPairingServerOptions {
  readonly pairingGuid: string | bigint;
  readonly remoteName: string;
  /** The PIN the user types on the device; leave out to accept any code (as pyatv). */
  readonly pin?: number | string | undefined;
  /** Address to listen on: "0.0.0.0" (as pyatv) so the device can reach it. */
  readonly address?: string;
  /** Port to listen on; 0 (the default) picks a free one, read it from `port`. */
  readonly port?: number;
  /** Told once per accepted call with the name the device gave (its `servicename`). */
  readonly onPaired?: (serviceName: string) => void;
  readonly logger?: Logger;
}

/** The device makes one short request; a slow or chatty peer is cut off. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
const MAX_CONNECTIONS = 8;
const MAX_HEADER_BYTES = 8 * 1024;

/**
 * Answers GET /pair: the DMAP pairing answer for the right code, 500 for a wrong one (as
 * pyatv), 400/404/405 for anything else. Never reads request bodies; closes every
 * connection after one answer.
 */
export class DmapPairingServer {
  readonly #server: Server;
  readonly #pairingGuid: string;
  readonly #remoteName: string;
  readonly #logger: Logger;
  readonly #onPaired: ((serviceName: string) => void) | undefined;
  #pin: string | undefined;
  #closed = false;

  private constructor(server: Server, options: DmapPairingServerOptions) {
    this.#server = server;
    this.#pairingGuid = formatPairingGuid(options.pairingGuid);
    this.#remoteName = options.remoteName;
    this.#pin = options.pin === undefined ? undefined : formatPin(options.pin);
    this.#logger = options.logger ?? silentLogger;
    this.#onPaired = options.onPaired;
    server.on("request", (request: IncomingMessage, response: ServerResponse) =>
      this.#onRequest(request, response),
    );
    server.on("clientError", (error, socket) => {
      this.#logger.debug("pairing server: bad request: %s", error.message);
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
  }

  /** Listens; rejects if the address or port cannot be bound, or for a bad GUID or PIN. */
  static async start(options: DmapPairingServerOptions): Promise<DmapPairingServer> {
    const server = createServer({
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
    });
    server.maxConnections = MAX_CONNECTIONS;
    server.setTimeout(REQUEST_TIMEOUT_MS, (socket) => socket.destroy());
    const pairing = new DmapPairingServer(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.address ?? "0.0.0.0", () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) => pairing.#logger.debug("pairing server: %s", error.message));
    return pairing;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get pairingGuid(): string {
    return this.#pairingGuid;
  }

  /** Changes the PIN a call must match (undefined: any). */
  setPin(pin: number | string | undefined): void {
    this.#pin = pin === undefined ? undefined : formatPin(pin);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    // Bodies are never wanted; discard whatever arrives so the socket can finish.
    request.resume();
    request.on("error", () => {});
    const result = answerPairRequest(request.method, request.url, {
      pairingGuid: this.#pairingGuid,
      remoteName: this.#remoteName,
      pin: this.#pin,
    });
    response.shouldKeepAlive = false;
    if (result.kind === "paired") {
      this.#logger.debug("pairing server: %s paired", result.serviceName);
      response.writeHead(200, {
        "Content-Type": "application/octet-stream",
        "Content-Length": result.body.byteLength,
      });
      response.end(result.body);
      this.#onPaired?.(result.serviceName);
      return;
    }
    if (result.kind === "wrong-code") {
      this.#logger.debug("pairing server: wrong pairing code from %s", result.serviceName);
    } else {
      this.#logger.debug("pairing server: rejected request: %s", result.reason);
    }
    response.writeHead(result.status, { "Content-Length": 0 });
    response.end();
  }
}
