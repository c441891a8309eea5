// RTSP requests on an AirPlay connection, with the headers every request carries (pyatv's
// support/rtsp.py): a sequence number, the DACP and remote identifiers, binary plists.

import { randomBytes, randomInt } from "node:crypto";
import { decodePlist, encodePlist, type PlistValue } from "@atv/plist";
import type { HttpConnection } from "./connection.js";
import type { ExchangeOptions, HttpResponse, OutgoingHeaders } from "./types.js";

export const RTSP_USER_AGENT = "AirPlay/550.10";
export const BPLIST_CONTENT_TYPE = "application/x-apple-binary-plist";

export interface RtspRequest extends ExchangeOptions {
  /** Default: the session's own URI, rtsp://<local address>/<session id>. */
  readonly uri?: string;
  readonly headers?: OutgoingHeaders;
  /** A plist value is sent as a binary plist; bytes as they are. */
  readonly body?: Uint8Array | PlistValue;
  readonly contentType?: string;
  /** Default "RTSP/1.0". */
  readonly protocol?: string;
}

export class RtspSession {
  readonly connection: HttpConnection;
  readonly sessionId: number;
  readonly dacpId: string;
  readonly activeRemote: number;
  #cseq = 0;

  constructor(connection: HttpConnection) {
    this.connection = connection;
    this.sessionId = randomInt(2 ** 32 - 1);
    this.dacpId = Buffer.from(randomBytes(8)).toString("hex").toUpperCase();
    this.activeRemote = randomInt(2 ** 32 - 1);
  }

  get uri(): string {
    return `rtsp://${this.connection.localAddress}/${this.sessionId}`;
  }

  /** SETUP with a plist body; resolves with the device's plist answer. */
  async setup(body: PlistValue, options: ExchangeOptions = {}): Promise<PlistValue> {
    const response = await this.exchange("SETUP", { ...options, body });
    return decodePlist(response.body);
  }

  record(options: ExchangeOptions = {}): Promise<HttpResponse> {
    return this.exchange("RECORD", options);
  }

  /** The keep-alive iOS sends every 2 seconds. */
  feedback(options: ExchangeOptions = {}): Promise<HttpResponse> {
    return this.exchange("POST", { ...options, uri: "/feedback" });
  }

  teardown(options: ExchangeOptions = {}): Promise<HttpResponse> {
    return this.exchange("TEARDOWN", { ...options, headers: { Session: this.sessionId } });
  }

  exchange(method: string, request: RtspRequest = {}): Promise<HttpResponse> {
    const cseq = this.#cseq++;
    const { body, contentType, headers, uri, protocol, ...options } = request;
    const isBytes = body instanceof Uint8Array;
    const encoded = body === undefined ? undefined : isBytes ? body : encodePlist(body);
    const type = contentType ?? (body !== undefined && !isBytes ? BPLIST_CONTENT_TYPE : undefined);
    return this.connection.exchange(
      {
        method,
        uri: uri ?? this.uri,
        protocol: protocol ?? "RTSP/1.0",
        headers: {
          CSeq: cseq,
          "DACP-ID": this.dacpId,
          "Active-Remote": this.activeRemote,
          "Client-Instance": this.dacpId,
          "User-Agent": RTSP_USER_AGENT,
          ...(type ? { "Content-Type": type } : {}),
          ...headers,
        },
        ...(encoded ? { body: encoded } : {}),
      },
      options,
    );
  }
}
