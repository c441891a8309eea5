// The shapes of HTTP and RTSP messages as AirPlay uses them. Both protocols share one
// layout (start line, headers, optional body), so one set of types serves both.

import type { AbortOptions } from "@atv/interface";

/** "HTTP/1.1" or "RTSP/1.0" (what the start line says). */
export type WireProtocol = string;

/**
 * Header fields of a received message, names lower-cased (HTTP names are case-insensitive;
 * devices write "CSeq", "Content-Length", "content-type" as they please).
 */
export type ReceivedHeaders = Readonly<Record<string, string>>;

/** Header fields to send, in the order and spelling given. */
export type OutgoingHeaders = Readonly<Record<string, string | number>>;

/** A request as parsed off the wire. */
export interface HttpRequest {
  readonly method: string;
  /** The request target as sent ("/pair-setup", "rtsp://10.0.0.2/1234", "*"). */
  readonly uri: string;
  readonly protocol: WireProtocol;
  readonly headers: ReceivedHeaders;
  readonly body: Uint8Array;
}

/** A response as parsed off the wire. */
export interface HttpResponse {
  readonly protocol: WireProtocol;
  readonly status: number;
  readonly reason: string;
  readonly headers: ReceivedHeaders;
  readonly body: Uint8Array;
}

/** A request to send; Content-Length is added from the body. */
export interface OutgoingRequest {
  readonly method: string;
  readonly uri: string;
  /** Default "HTTP/1.1". */
  readonly protocol?: WireProtocol;
  readonly headers?: OutgoingHeaders;
  readonly body?: Uint8Array;
}

/** A response to send; Content-Length is added from the body. */
export interface OutgoingResponse {
  readonly protocol?: WireProtocol;
  readonly status: number;
  /** Default: the standard reason phrase of `status`. */
  readonly reason?: string;
  readonly headers?: OutgoingHeaders;
  readonly body?: Uint8Array;
}

export interface ExchangeOptions extends AbortOptions {
  /** Longest wait for the response, in milliseconds. */
  readonly timeout?: number;
  /**
   * Accept any status instead of turning non-2xx into errors (the caller reads
   * `status` itself).
   */
  readonly allowErrorStatus?: boolean;
}

/**
 * Sends one request on a connection and resolves with its response. Implementations turn
 * 470 into InvalidCredentialsError, 401/403 into AuthenticationError and other non-2xx
 * into HttpError (unless `allowErrorStatus`); a lost connection is ConnectionLostError.
 */
export type HttpExchange = (
  request: OutgoingRequest,
  options?: ExchangeOptions,
) => Promise<HttpResponse>;
