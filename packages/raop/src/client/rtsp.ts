// The RTSP requests of a RAOP session (pyatv's support/rtsp.py RtspSession: announce,
// setup, record, set_parameter, set_metadata, set_artwork, teardown), on @atv/airplay's
// RtspSession, plus the password authentication a receiver asks for with a 401.

import { createHash } from "node:crypto";
import { checkStatus, type HttpResponse, type RtspSession } from "@atv/airplay";
import { type AbortOptions, AuthenticationError, ProtocolError } from "@atv/interface";

/** Name sent in the digest; receivers check only the password. */
const DIGEST_USERNAME = "atv";

/** pyatv's payload to say "no encryption" to auth-setup, then a fixed Curve25519 key. */
const AUTH_SETUP_BODY = Uint8Array.from(
  Buffer.from("015902ede90d4ef2bd4cb68a6330038207a94dbd50d8aa465b5d8c012a0c7e1d4e", "hex"),
);

interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
}

/** Reads `Digest realm="…", nonce="…"`; undefined for anything else. */
export function parseDigestChallenge(header: string | undefined): DigestChallenge | undefined {
  if (header === undefined || !/^\s*digest\s/i.test(header)) return undefined;
  const realm = /realm="([^"]*)"/i.exec(header)?.[1];
  const nonce = /nonce="([^"]*)"/i.exec(header)?.[1];
  if (realm === undefined || nonce === undefined) return undefined;
  return { realm, nonce };
}

/** The Authorization value of RFC 2069 digest (no qop), as Apple's receivers check it. */
export function digestAuthorization(
  method: string,
  uri: string,
  challenge: DigestChallenge,
  password: string,
  username = DIGEST_USERNAME,
): string {
  const md5 = (text: string) => createHash("md5").update(text).digest("hex");
  const ha1 = md5(`${username}:${challenge.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${challenge.nonce}:${ha2}`);
  return (
    `Digest username="${username}", realm="${challenge.realm}", ` +
    `nonce="${challenge.nonce}", uri="${uri}", response="${response}"`
  );
}

export interface RaopRequest extends AbortOptions {
  readonly uri?: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: Uint8Array;
  readonly contentType?: string;
  readonly protocol?: string;
  readonly allowErrorStatus?: boolean;
  readonly timeout?: number;
}

/** The ports a receiver gave in its SETUP answer. */
export interface ReceiverPorts {
  readonly server: number;
  readonly control: number;
  readonly timing: number;
  readonly session: string;
}

/** Reads `RTP/AVP/UDP;unicast;mode=record;server_port=6000;control_port=6001;timing_port=6002`. */
export function parseTransport(transport: string | undefined): Map<string, string> {
  if (transport === undefined) throw new ProtocolError("SETUP answer has no Transport header");
  const options = new Map<string, string>();
  for (const part of transport.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) options.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return options;
}

function port(options: Map<string, string>, name: string, required: boolean): number {
  const text = options.get(name);
  if (text === undefined && !required) return 0;
  const value = Number(text);
  if (!/^\d+$/.test(text ?? "") || value < 1 || value > 65535) {
    throw new ProtocolError(`SETUP answer has a bad ${name}: ${text ?? "missing"}`);
  }
  return value;
}

export class RaopRtsp {
  readonly session: RtspSession;
  readonly #password: string | undefined;
  #challenge: DigestChallenge | undefined;

  constructor(session: RtspSession, password?: string) {
    this.session = session;
    this.#password = password;
  }

  /**
   * One request. A 401 with a digest challenge is answered once with the password (every
   * later request carries it too, as pyatv does); without a password, or when the
   * password is refused, it is an AuthenticationError.
   */
  async exchange(method: string, request: RaopRequest = {}): Promise<HttpResponse> {
    const first = await this.#send(method, request);
    if (first.status !== 401 || request.allowErrorStatus) {
      return checkStatus(first, method, request.allowErrorStatus ?? false);
    }
    const challenge = parseDigestChallenge(first.headers["www-authenticate"]);
    if (this.#password === undefined) {
      throw new AuthenticationError(`${method}: the receiver wants a password (401)`);
    }
    if (challenge === undefined || this.#challenge !== undefined) {
      throw new AuthenticationError(`${method}: the receiver refused the password (401)`);
    }
    this.#challenge = challenge;
    const second = await this.#send(method, request);
    if (second.status === 401) {
      throw new AuthenticationError(`${method}: the receiver refused the password (401)`);
    }
    return checkStatus(second, method, false);
  }

  #send(method: string, request: RaopRequest): Promise<HttpResponse> {
    const uri = request.uri ?? this.session.uri;
    const auth: Record<string, string> =
      this.#challenge && this.#password !== undefined
        ? { Authorization: digestAuthorization(method, uri, this.#challenge, this.#password) }
        : {};
    return this.session.exchange(method, {
      uri,
      headers: { ...auth, ...request.headers },
      ...(request.body ? { body: request.body } : {}),
      ...(request.contentType ? { contentType: request.contentType } : {}),
      ...(request.protocol ? { protocol: request.protocol } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.timeout ? { timeout: request.timeout } : {}),
      allowErrorStatus: true,
    });
  }

  options(opts: AbortOptions = {}): Promise<HttpResponse> {
    return this.exchange("OPTIONS", { ...opts, uri: "*", allowErrorStatus: true });
  }

  /** For AirPort Express with MFiSAP: says the stream stays unencrypted (pyatv). */
  authSetup(opts: AbortOptions = {}): Promise<HttpResponse> {
    return this.exchange("POST", {
      ...opts,
      uri: "/auth-setup",
      protocol: "HTTP/1.1",
      contentType: "application/octet-stream",
      body: AUTH_SETUP_BODY,
    });
  }

  announce(sdp: string, opts: AbortOptions = {}): Promise<HttpResponse> {
    return this.exchange("ANNOUNCE", {
      ...opts,
      contentType: "application/sdp",
      body: new TextEncoder().encode(sdp),
    });
  }

  /** SETUP of AirPlay 1: our control and timing ports in, the receiver's ports out. */
  async setup(
    controlPort: number,
    timingPort: number,
    opts: AbortOptions = {},
  ): Promise<ReceiverPorts> {
    const response = await this.exchange("SETUP", {
      ...opts,
      headers: {
        Transport:
          "RTP/AVP/UDP;unicast;interleaved=0-1;mode=record;" +
          `control_port=${controlPort};timing_port=${timingPort}`,
      },
    });
    const options = parseTransport(response.headers.transport);
    const session = response.headers.session;
    if (session === undefined || session.trim() === "") {
      throw new ProtocolError("SETUP answer has no Session header");
    }
    return {
      server: port(options, "server_port", true),
      control: port(options, "control_port", true),
      timing: port(options, "timing_port", false),
      session: session.split(";")[0]?.trim() ?? session,
    };
  }

  record(session: string, seq: number, rtptime: number, opts: AbortOptions = {}) {
    return this.exchange("RECORD", {
      ...opts,
      headers: {
        Range: "npt=0-",
        Session: session,
        "RTP-Info": `seq=${seq};rtptime=${rtptime}`,
      },
    });
  }

  /** FLUSH from the start of the stream (pyatv sends it right after an AirPlay 2 RECORD). */
  flush(session: string, seq: number, rtptime: number, opts: AbortOptions = {}) {
    return this.exchange("FLUSH", {
      ...opts,
      headers: {
        Range: "npt=0-",
        Session: session,
        "RTP-Info": `seq=${seq};rtptime=${rtptime}`,
      },
    });
  }

  /** Parameter lines ("volume: -20.5\r\n", "progress: a/b/c\r\n") as text/parameters. */
  setParameter(text: string, opts: AbortOptions = {}) {
    return this.exchange("SET_PARAMETER", {
      ...opts,
      contentType: "text/parameters",
      body: new TextEncoder().encode(text),
    });
  }

  /** DAAP metadata or artwork, tied to the stream position by RTP-Info (pyatv). */
  setStreamParameter(
    session: string,
    seq: number,
    rtptime: number,
    contentType: string,
    body: Uint8Array,
    opts: AbortOptions = {},
  ) {
    return this.exchange("SET_PARAMETER", {
      ...opts,
      contentType,
      body,
      headers: { Session: session, "RTP-Info": `seq=${seq};rtptime=${rtptime}` },
    });
  }

  /** Keep-alive; receivers that do not know it answer with an error, which is fine. */
  feedback(opts: AbortOptions = {}) {
    return this.exchange("POST", { ...opts, uri: "/feedback", allowErrorStatus: true });
  }

  teardown(session: string, opts: AbortOptions & { readonly timeout?: number } = {}) {
    return this.exchange("TEARDOWN", { ...opts, headers: { Session: session } });
  }
}
