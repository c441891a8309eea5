// HTTP/1.1 and RTSP/1.0 messages as AirPlay exchanges them: one layout for both (start
// line, headers, blank line, body sized by Content-Length), encoded and parsed here with no
// socket in sight. Behaviour follows pyatv's support/http.py (format_request,
// format_response, parse_request, parse_response) where it decides something.

import { concatBytes } from "@atv/hap";
import { ProtocolError } from "@atv/interface";
import type {
  HttpRequest,
  HttpResponse,
  OutgoingHeaders,
  OutgoingRequest,
  OutgoingResponse,
  ReceivedHeaders,
} from "./types.js";

/** Longest start line plus headers a parser accepts, in bytes. */
export const DEFAULT_MAX_HEAD_LENGTH = 16 * 1024;
/** Largest body a parser accepts, in bytes. */
export const DEFAULT_MAX_BODY_LENGTH = 16 * 1024 * 1024;

/** Reason phrases of the statuses AirPlay and RTSP devices use (RFC 9110, RFC 2326). */
export const STATUS_REASONS: Readonly<Record<number, string>> = Object.freeze({
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  411: "Length Required",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  453: "Not Enough Bandwidth",
  454: "Session Not Found",
  455: "Method Not Valid in This State",
  457: "Invalid Range",
  461: "Unsupported Transport",
  // Apple's: pair-verify is needed (or failed) before this request.
  470: "Connection Authorization Required",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
});

/** The reason phrase of a status, or "" for one not in STATUS_REASONS. */
export function reasonPhrase(status: number): string {
  return STATUS_REASONS[status] ?? "";
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PROTOCOL = /^[A-Z]+\/\d+\.\d+$/;
const FIELD_TEXT = /^[^\r\n\0]*$/;
const EMPTY = new Uint8Array(0);

/**
 * A request's bytes. Content-Length is added for a non-empty body (pyatv sends none for
 * an empty one); a Content-Length among the headers must match the body. Anything that
 * would not parse back the same (spaces in the method or target, CR or LF in a header)
 * is a TypeError, a mismatched Content-Length a RangeError.
 */
export function encodeRequest(request: OutgoingRequest): Uint8Array {
  const protocol = request.protocol ?? "HTTP/1.1";
  if (!TOKEN.test(request.method))
    throw new TypeError(`invalid method ${JSON.stringify(request.method)}`);
  if (!isTarget(request.uri))
    throw new TypeError(`invalid request target ${JSON.stringify(request.uri)}`);
  checkProtocol(protocol);
  const body = request.body ?? EMPTY;
  // pyatv's format_request puts Content-Length before the caller's headers.
  return encodeMessage(`${request.method} ${request.uri} ${protocol}`, request.headers, body, true);
}

/**
 * A response's bytes, with the standard reason phrase unless one is given; Content-Length
 * as for requests.
 */
export function encodeResponse(response: OutgoingResponse): Uint8Array {
  const protocol = response.protocol ?? "HTTP/1.1";
  checkProtocol(protocol);
  if (!Number.isInteger(response.status) || response.status < 100 || response.status > 999) {
    throw new TypeError(`invalid status ${response.status}`);
  }
  const reason = response.reason ?? reasonPhrase(response.status);
  if (!FIELD_TEXT.test(reason)) throw new TypeError("reason phrase contains CR, LF or NUL");
  const body = response.body ?? EMPTY;
  // The space before an empty reason stays: pyatv's parse_response requires it.
  return encodeMessage(`${protocol} ${response.status} ${reason}`, response.headers, body, false);
}

/** A request target: one or more characters, none of them a space or a control. */
function isTarget(uri: string): boolean {
  if (uri.length === 0) return false;
  for (const char of uri) {
    const code = char.codePointAt(0) as number;
    if (code <= 0x20 || code === 0x7f || /\s/u.test(char)) return false;
  }
  return true;
}

function checkProtocol(protocol: string): void {
  if (!PROTOCOL.test(protocol)) throw new TypeError(`invalid protocol ${JSON.stringify(protocol)}`);
}

function encodeMessage(
  startLine: string,
  headers: OutgoingHeaders = {},
  body: Uint8Array,
  lengthFirst: boolean,
): Uint8Array {
  const lines: string[] = [];
  let hasLength = false;
  for (const [name, raw] of Object.entries(headers)) {
    const value = String(raw);
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_TEXT.test(value)) throw new TypeError(`header ${name} contains CR, LF or NUL`);
    if (name.toLowerCase() === "content-length") {
      if (value.trim() !== String(body.length)) {
        throw new RangeError(
          `Content-Length ${value} does not match a body of ${body.length} bytes`,
        );
      }
      hasLength = true;
    }
    lines.push(`${name}: ${value}`);
  }
  if (body.length > 0 && !hasLength) {
    const line = `Content-Length: ${body.length}`;
    if (lengthFirst) lines.unshift(line);
    else lines.push(line);
  }
  const head = new TextEncoder().encode(`${[startLine, ...lines].join("\r\n")}\r\n\r\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export interface HttpParserOptions {
  /** Longest start line plus headers, in bytes; default 16 KiB. */
  readonly maxHeadLength?: number;
  /** Largest body, in bytes; default 16 MiB. */
  readonly maxBodyLength?: number;
}

interface RequestStart {
  readonly method: string;
  readonly uri: string;
  readonly protocol: string;
}

interface ResponseStart {
  readonly protocol: string;
  readonly status: number;
  readonly reason: string;
}

/**
 * Parses requests from a byte stream cut at arbitrary places (the device side of a
 * connection, or the event channel, where the device sends requests to us).
 *
 * `push()` returns every request completed so far. A malformed message (bad request line,
 * header line without ':', bad Content-Length, head over 16 KiB, body over the limit) is
 * a ProtocolError; the stream cannot be resynchronised after one, so the parser stays
 * failed and every later `push()` throws the same error. Requests completed earlier in
 * the same `push()` are lost with it.
 */
export class HttpRequestParser {
  readonly #reader: MessageReader<RequestStart>;

  constructor(options: HttpParserOptions = {}) {
    this.#reader = new MessageReader(parseRequestLine, options);
  }

  /** Bytes held while waiting for the rest of a message. */
  get bufferedLength(): number {
    return this.#reader.bufferedLength;
  }

  push(chunk: Uint8Array): HttpRequest[] {
    return this.#reader
      .push(chunk)
      .map(({ start, headers, body }) => ({ ...start, headers, body }));
  }
}

/**
 * Parses responses from a byte stream, as HttpRequestParser parses requests. A response
 * without Content-Length has an empty body, as in pyatv's parse_response (the devices
 * always send one when there is a body).
 */
export class HttpResponseParser {
  readonly #reader: MessageReader<ResponseStart>;

  constructor(options: HttpParserOptions = {}) {
    this.#reader = new MessageReader(parseStatusLine, options);
  }

  /** Bytes held while waiting for the rest of a message. */
  get bufferedLength(): number {
    return this.#reader.bufferedLength;
  }

  push(chunk: Uint8Array): HttpResponse[] {
    return this.#reader
      .push(chunk)
      .map(({ start, headers, body }) => ({ ...start, headers, body }));
  }
}

function parseRequestLine(line: string): RequestStart {
  const parts = line.split(" ");
  const [method, uri, protocol] = parts as [string, string, string];
  if (parts.length !== 3 || !TOKEN.test(method) || !isTarget(uri) || !PROTOCOL.test(protocol)) {
    throw new ProtocolError(`malformed request line ${JSON.stringify(line.slice(0, 100))}`);
  }
  return { method, uri, protocol };
}

function parseStatusLine(line: string): ResponseStart {
  const match = /^(\S+) (\S+)(?: (.*))?$/.exec(line);
  if (match === null || !PROTOCOL.test(match[1] as string)) {
    throw new ProtocolError(`malformed status line ${JSON.stringify(line.slice(0, 100))}`);
  }
  if (!/^[1-9]\d\d$/.test(match[2] as string)) {
    throw new ProtocolError(`bad status code ${JSON.stringify((match[2] as string).slice(0, 20))}`);
  }
  return { protocol: match[1] as string, status: Number(match[2]), reason: match[3] ?? "" };
}

interface ParsedMessage<S> {
  readonly start: S;
  readonly headers: ReceivedHeaders;
  readonly body: Uint8Array;
}

const CR = 0x0d;
const LF = 0x0a;

/** Splits a byte stream into messages; the start line is read by `parseStart`. */
class MessageReader<S> {
  readonly #parseStart: (line: string) => S;
  readonly #maxHead: number;
  readonly #maxBody: number;
  // The start of a head not yet complete (copied out of the chunks it came in).
  #pending: Uint8Array = EMPTY;
  // How much of #pending has been searched for the blank line already.
  #scanned = 0;
  // A message whose head is complete and whose body is being collected.
  #message:
    | { start: S; headers: ReceivedHeaders; length: number; parts: Uint8Array[]; have: number }
    | undefined;
  #failure: ProtocolError | undefined;

  constructor(parseStart: (line: string) => S, options: HttpParserOptions) {
    this.#parseStart = parseStart;
    this.#maxHead = checkLimit(options.maxHeadLength ?? DEFAULT_MAX_HEAD_LENGTH, "maxHeadLength");
    this.#maxBody = checkLimit(options.maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH, "maxBodyLength");
  }

  get bufferedLength(): number {
    return this.#pending.length + (this.#message?.have ?? 0);
  }

  push(chunk: Uint8Array): ParsedMessage<S>[] {
    if (this.#failure !== undefined) throw this.#failure;
    try {
      return this.#consume(chunk);
    } catch (error) {
      this.#failure =
        error instanceof ProtocolError
          ? error
          : new ProtocolError("malformed HTTP message", { cause: error });
      this.#pending = EMPTY;
      this.#message = undefined;
      throw this.#failure;
    }
  }

  #consume(chunk: Uint8Array): ParsedMessage<S>[] {
    const messages: ParsedMessage<S>[] = [];
    // Only a partial head is ever held over; it is small (bounded by the head limit).
    let data = chunk;
    if (this.#pending.length > 0) {
      data = new Uint8Array(this.#pending.length + chunk.length);
      data.set(this.#pending, 0);
      data.set(chunk, this.#pending.length);
      this.#pending = EMPTY;
    }
    let offset = 0;
    for (;;) {
      const message = this.#message;
      if (message !== undefined) {
        const take = Math.min(message.length - message.have, data.length - offset);
        if (take > 0) message.parts.push(data.subarray(offset, offset + take));
        message.have += take;
        offset += take;
        if (message.have < message.length) break;
        messages.push({
          start: message.start,
          headers: message.headers,
          body: concatBytes(...message.parts),
        });
        this.#message = undefined;
        continue;
      }

      // Empty lines before a start line are ignored (RFC 9112 §2.2), e.g. a stray CRLF
      // some senders put after a body.
      while (data.length - offset >= 2 && data[offset] === CR && data[offset + 1] === LF)
        offset += 2;
      if (offset >= data.length) break;
      const end = this.#findBlankLine(data, offset);
      if (end === undefined) {
        if (data.length - offset > this.#maxHead + 3) this.#headTooLong();
        this.#scanned = data.length - offset;
        this.#pending = data.slice(offset);
        break;
      }
      this.#scanned = 0;
      const { start, headers, length } = this.#parseHead(data.subarray(offset, end));
      offset = end + 4;
      if (length === 0) messages.push({ start, headers, body: new Uint8Array(0) });
      else this.#message = { start, headers, length, parts: [], have: 0 };
    }
    return messages;
  }

  /** Index of the CRLFCRLF ending the head that starts at `from`, if it is there. */
  #findBlankLine(data: Uint8Array, from: number): number | undefined {
    const limit = Math.min(data.length, from + this.#maxHead + 4);
    for (let i = from + Math.max(0, this.#scanned - 3); i + 3 < limit; i++) {
      if (data[i] === CR && data[i + 1] === LF && data[i + 2] === CR && data[i + 3] === LF) {
        if (i - from > this.#maxHead) this.#headTooLong();
        return i;
      }
    }
    if (limit - from >= this.#maxHead + 4) this.#headTooLong();
    return undefined;
  }

  #headTooLong(): never {
    throw new ProtocolError(`message head is longer than ${this.#maxHead} bytes`);
  }

  #parseHead(bytes: Uint8Array): { start: S; headers: ReceivedHeaders; length: number } {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (error) {
      throw new ProtocolError("message head is not valid UTF-8", { cause: error });
    }
    const [startLine, ...lines] = text.split("\r\n") as [string, ...string[]];
    if (/[\r\n\0]/.test(text.replaceAll("\r\n", ""))) {
      throw new ProtocolError("message head contains a bare CR, LF or NUL");
    }
    const start = this.#parseStart(startLine);
    const headers: Record<string, string> = Object.create(null);
    for (const line of lines) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon);
      if (colon < 1 || !TOKEN.test(name)) {
        throw new ProtocolError(`malformed header line ${JSON.stringify(line.slice(0, 100))}`);
      }
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
      if (key === "content-length" && key in headers && headers[key] !== value) {
        throw new ProtocolError("conflicting Content-Length headers");
      }
      // A repeated header keeps its last value, as in pyatv's CaseInsensitiveDict.
      headers[key] = value;
    }
    if (/\bchunked\b/i.test(headers["transfer-encoding"] ?? "")) {
      throw new ProtocolError("chunked transfer encoding is not supported");
    }
    return { start, headers, length: this.#bodyLength(headers["content-length"]) };
  }

  #bodyLength(value: string | undefined): number {
    if (value === undefined) return 0;
    if (!/^\d+$/.test(value)) {
      throw new ProtocolError(`bad Content-Length ${JSON.stringify(value.slice(0, 40))}`);
    }
    const length = Number(value);
    if (length > this.#maxBody) {
      throw new ProtocolError(`body of ${value} bytes exceeds the limit of ${this.#maxBody}`);
    }
    return length;
  }
}

function checkLimit(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
