// An HTTP server for one local file, so a device can fetch it by URL (pyatv's
// StaticFileWebServer in support/http.py, which AirPlayStream.play_url starts for a path
// that exists). pyatv serves the file under its own name and refuses other paths with 401;
// here the path is random, so nobody else on the network can guess it, other paths are 404,
// and ranges are answered (a device's player seeks with them).

import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIPv6 } from "node:net";
import { extname } from "node:path";
import { pipeline } from "node:stream/promises";
import { type AbortOptions, type Logger, silentLogger } from "@atv/interface";
import { decideRange } from "./byte-range.js";
import { mediaTypeFor } from "./media-types.js";

export interface FileServerOptions extends AbortOptions {
  /** Local address to listen on (the one the device can reach); default 127.0.0.1. */
  readonly host?: string;
  /** Port to listen on; default 0 (any free port). */
  readonly port?: number;
  readonly logger?: Logger;
}

export class FileServer {
  /** The local file served. */
  readonly filePath: string;
  /** Where the device fetches the file: http://host:port/<random>.<ext>. */
  readonly url: string;
  readonly #server: Server;

  private constructor(filePath: string, url: string, server: Server) {
    this.filePath = filePath;
    this.url = url;
    this.#server = server;
  }

  /** Starts serving `filePath`; the file is opened anew for every request. */
  static async start(filePath: string, options: FileServerOptions = {}): Promise<FileServer> {
    options.signal?.throwIfAborted();
    const logger = options.logger ?? silentLogger;
    const host = options.host ?? "127.0.0.1";
    // 128 random bits; the extension stays, as some players choose a demuxer by it.
    const path = `/${randomBytes(16).toString("hex")}${extname(filePath).toLowerCase()}`;
    const server = createServer((request, response) => {
      serve(request, response, filePath, path, logger).catch((error: unknown) => {
        logger.debug("file server: %s %s failed: %s", request.method, request.url, error);
        response.destroy();
      });
    });
    await listen(server, host, options.port ?? 0, options.signal);
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const hostPart = isIPv6(host) ? `[${host}]` : host;
    logger.debug("file server: serving %s on %s:%d", filePath, host, port);
    return new FileServer(filePath, `http://${hostPart}:${port}${path}`, server);
  }

  /** Stops listening and drops open connections (a device may keep one alive). */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}

function listen(server: Server, host: string, port: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      server.off("error", onError);
      server.close();
      reject(signal?.reason);
    };
    const onError = (error: Error): void => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    };
    server.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
    server.listen(port, host, () => {
      server.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  filePath: string,
  path: string,
  logger: Logger,
): Promise<void> {
  const target = (request.url ?? "").split("?", 1)[0];
  logger.debug("file server: %s %s range=%s", request.method, target, request.headers.range);
  if (target !== path) {
    finish(response, 404, { "Content-Type": "text/plain" }, "Not Found");
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    finish(response, 405, { Allow: "GET, HEAD", "Content-Type": "text/plain" }, "Not Allowed");
    return;
  }
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new Error("not a regular file");
    size = info.size;
  } catch (error) {
    logger.debug("file server: cannot read %s: %s", filePath, error);
    finish(response, 404, { "Content-Type": "text/plain" }, "Not Found");
    return;
  }

  const headers: Record<string, string | number> = {
    "Content-Type": mediaTypeFor(filePath),
    "Accept-Ranges": "bytes",
  };
  const range = decideRange(request.headers.range, size);
  if (range.kind === "unsatisfiable") {
    // RFC 9110 section 15.5.17: a 416 says how long the file is.
    finish(response, 416, { ...headers, "Content-Range": `bytes */${size}` }, "");
    return;
  }
  const start = range.kind === "partial" ? range.start : 0;
  const end = range.kind === "partial" ? range.end : size - 1;
  if (range.kind === "partial") headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  headers["Content-Length"] = end - start + 1;
  response.writeHead(range.kind === "partial" ? 206 : 200, headers);
  if (request.method === "HEAD" || end < start) {
    response.end();
    return;
  }
  await pipeline(createReadStream(filePath, { start, end }), response);
}

function finish(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  response.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}
