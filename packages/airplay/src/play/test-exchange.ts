// For tests: an HttpExchange that hands each request to a handler in this process (a
// fake's request handler) instead of a socket, and turns the answer's status into the
// typed errors that http/types.ts documents (470, 401/403, other non-2xx).

import { STATUS_CODES } from "node:http";
import {
  AuthenticationError,
  ConnectionLostError,
  HttpError,
  InvalidCredentialsError,
} from "@atv/interface";
import type {
  ExchangeOptions,
  HttpExchange,
  HttpResponse,
  OutgoingRequest,
} from "../http/types.js";

/** What a handler answers. */
export interface HandlerResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

/** Handles one request; header names arrive lower-cased, as a parser gives them. */
export type RequestHandler = (
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
) => Promise<HandlerResponse>;

export interface InMemoryExchange {
  readonly exchange: HttpExchange;
  /** Every request sent, in order. */
  readonly requests: OutgoingRequest[];
  /** From now on every request fails with ConnectionLostError (as a closed socket). */
  disconnect(): void;
}

export function inMemoryExchange(handler: RequestHandler): InMemoryExchange {
  const requests: OutgoingRequest[] = [];
  let connected = true;
  const exchange = async (
    request: OutgoingRequest,
    options: ExchangeOptions = {},
  ): Promise<HttpResponse> => {
    options.signal?.throwIfAborted();
    requests.push(request);
    if (!connected) throw new ConnectionLostError("connection was lost");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      headers[name.toLowerCase()] = String(value);
    }
    const body = request.body ?? new Uint8Array(0);
    if (body.length > 0) headers["content-length"] = String(body.length);
    const answer = await handler(request.method, request.uri, headers, body);
    options.signal?.throwIfAborted();
    const response: HttpResponse = {
      protocol: request.protocol ?? "HTTP/1.1",
      status: answer.status,
      reason: STATUS_CODES[answer.status] ?? "Unknown",
      headers: Object.fromEntries(
        Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      ),
      body: answer.body ?? new Uint8Array(0),
    };
    if ((response.status >= 200 && response.status < 300) || options.allowErrorStatus) {
      return response;
    }
    const what = `${request.method} ${request.uri} failed with ${response.status} ${response.reason}`;
    if (response.status === 470) throw new InvalidCredentialsError(what);
    if (response.status === 401 || response.status === 403) throw new AuthenticationError(what);
    throw new HttpError(what, response.status);
  };
  return {
    exchange,
    requests,
    disconnect() {
      connected = false;
    },
  };
}
