// Plain HTTP requests as pyatv's DMAP client makes them, for the fake's tests (no client
// library: the point is to see the wire).

import { type Agent, request as httpRequest } from "node:http";

/** The headers pyatv's client sends on every request (daap.py _DMAP_HEADERS). */
export const REMOTE_HEADERS: Readonly<Record<string, string>> = {
  Accept: "*/*",
  "Accept-Encoding": "gzip",
  "Client-DAAP-Version": "3.13",
  "Client-ATV-Sharing-Version": "1.2",
  "Client-iTunes-Sharing-Version": "3.15",
  "User-Agent": "Remote/1021",
  "Viewer-Only-Client": "1",
};

export interface TestAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

export interface TestRequestOptions {
  readonly method?: "GET" | "POST" | "PUT";
  readonly body?: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly agent?: Agent;
  readonly signal?: AbortSignal;
}

export function httpCall(port: number, path: string, options: TestRequestOptions = {}) {
  return new Promise<TestAnswer>((resolve, reject) => {
    const body = options.body;
    const request = httpRequest({
      host: "127.0.0.1",
      port,
      path,
      method: options.method ?? "GET",
      agent: options.agent ?? false,
      signal: options.signal,
      headers: {
        ...(options.headers ?? REMOTE_HEADERS),
        ...(body ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      },
    });
    request.once("error", reject);
    request.once("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("error", reject);
      response.once("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: new Uint8Array(Buffer.concat(chunks)),
        }),
      );
    });
    request.end(body);
  });
}
