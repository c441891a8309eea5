// One RTSP response off the front of a buffer, for code that holds its own buffer (the
// fake's client side, tests). Parsing itself is @atv/airplay's HttpResponseParser, so both
// packages accept and reject the same messages; this only finds where the first message
// ends.

import { HttpResponseParser } from "@atv/airplay";
import { ProtocolError } from "@atv/interface";

export interface RtspResponse {
  readonly status: number;
  readonly reason: string;
  /** Header fields, names lower-cased. */
  readonly headers: Map<string, string>;
  readonly body: Uint8Array;
  /** Bytes of `bytes` the response took (the next message starts there). */
  readonly length: number;
}

const CRLF_CRLF_LENGTH = 4;
// The head limit of @atv/airplay's parser (its DEFAULT_MAX_HEAD_LENGTH).
const MAX_HEAD_LENGTH = 16 * 1024;
// Its body limit (DEFAULT_MAX_BODY_LENGTH): refused at once rather than waited for.
const MAX_BODY_LENGTH = 16 * 1024 * 1024;

/**
 * The first response in `bytes`, or undefined when it is not complete yet. RTSP/1.0 and
 * HTTP/1.1 are both taken (receivers answer pair-verify and the like in HTTP). A malformed
 * response (status line, headers, Content-Length, a head over 16 KiB, a body over 16 MiB)
 * is a ProtocolError.
 */
export function parseRtspResponse(bytes: Uint8Array): RtspResponse | undefined {
  let start = 0;
  // Blank lines before a start line are skipped, as the parser does.
  while (bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2;
  const headEnd = indexOfBlankLine(bytes, start);
  if (headEnd === undefined) {
    if (bytes.length - start > MAX_HEAD_LENGTH + 3) {
      throw new ProtocolError("RTSP response head is too long");
    }
    return undefined;
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset + start, headEnd - start).toString(
    "latin1",
  );
  const lengthMatch = /\r\ncontent-length[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
  let bodyLength = 0;
  if (lengthMatch !== null) {
    const value = (lengthMatch[1] as string).trim();
    if (!/^\d{1,9}$/.test(value))
      throw new ProtocolError(`bad Content-Length ${JSON.stringify(value.slice(0, 20))}`);
    bodyLength = Number(value);
    if (bodyLength > MAX_BODY_LENGTH) {
      throw new ProtocolError(`RTSP response body of ${bodyLength} bytes is too large`);
    }
  }
  const length = headEnd + CRLF_CRLF_LENGTH + bodyLength;
  if (bytes.length < length) return undefined;
  const parser = new HttpResponseParser();
  const [response] = parser.push(bytes.subarray(0, length));
  if (response === undefined || parser.bufferedLength !== 0) {
    throw new ProtocolError("malformed RTSP response");
  }
  return {
    status: response.status,
    reason: response.reason,
    headers: new Map(Object.entries(response.headers)),
    body: response.body,
    length,
  };
}

function indexOfBlankLine(bytes: Uint8Array, from: number): number | undefined {
  const last = bytes.length - CRLF_CRLF_LENGTH;
  for (let i = bytes.indexOf(0x0d, from); i !== -1 && i <= last; i = bytes.indexOf(0x0d, i + 1)) {
    if (bytes[i + 1] === 0x0a && bytes[i + 2] === 0x0d && bytes[i + 3] === 0x0a) return i;
  }
  return undefined;
}
