// The HTTP requests a fake DMAP device answers, as an Apple TV 3 answers a DACP remote.
// URLs, parameters and headers are those pyatv's client sends (protocols/dmap/__init__.py
// and daap.py); anything else is refused as a device would.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@atv/interface";
import { decodeDmap, first } from "../tags/index.js";
import { parsePrompt, swipeKey } from "./navigation.js";
import { DMAP_TRANSPORT_COMMANDS, type DmapRepeat, type DmapTransportCommand } from "./player.js";
import {
  getPropertyResponse,
  loginResponse,
  playStatusResponse,
  serverInfoResponse,
} from "./responses.js";
import type { DmapSession, FakeDmapSessions } from "./sessions.js";
import type { FakeDmapState } from "./state.js";

export interface FakeDmapServiceConfig {
  readonly name: string;
  /** Milliseconds a session lives unused. */
  readonly sessionTimeout: number;
  /** Milliseconds a playstatusupdate waits for a change before answering anyway. */
  readonly playStatusTimeout: number;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

const DMAP_CONTENT_TYPE = "application/x-dmap-tagged";
/**
 * Login with credentials the device does not know. A real Apple TV answered 503 to a bad
 * login id (pyatv PR #13), and pyatv's fake answers 503 when told to fail logins.
 */
const LOGIN_REFUSED = 503;
/** An unknown or expired session-id: pyatv's fake answers 403 for a logged-out client. */
const NOT_LOGGED_IN = 403;

/** Whether a handler answered or holds the request to answer later (a long poll). */
type Outcome = "answered" | "held";

const TRANSPORT = new Set<string>(DMAP_TRANSPORT_COMMANDS);
const CTRL = "/ctrl-int/1/";
const HSGID = /^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$/;
const PAIRING_GUID = /^0x[0-9A-Fa-f]{16}$/;

/**
 * The headers pyatv's client sends with every request (daap.py _DMAP_HEADERS); a DACP
 * device takes only clients that say they are viewer-only remotes and speak DAAP.
 */
function isRemoteClient(request: IncomingMessage): boolean {
  return (
    request.headers["viewer-only-client"] === "1" &&
    /^\d+\.\d+$/.test(String(request.headers["client-daap-version"] ?? ""))
  );
}

function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}

/** A non-negative integer parameter, or undefined if absent or malformed. */
function integerParam(value: string | null): number | undefined {
  if (value === null || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}

export class FakeDmapService {
  readonly #state: FakeDmapState;
  readonly #sessions: FakeDmapSessions;
  readonly #config: FakeDmapServiceConfig;

  constructor(state: FakeDmapState, sessions: FakeDmapSessions, config: FakeDmapServiceConfig) {
    this.#state = state;
    this.#sessions = sessions;
    this.#config = config;
  }

  /** Answers one request; never throws (a failure answers 500). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const body = await this.#readBody(request, response);
      if (body === undefined) return;
      this.#route(request, response, body);
    } catch (error) {
      this.#config.logger.debug("fake dmap: request failed: %s", String(error));
      if (!response.headersSent) answer(response, 500);
      else response.destroy();
    }
  }

  #route(request: IncomingMessage, response: ServerResponse, body: Uint8Array): Outcome {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://device");
    } catch {
      return answer(response, 400);
    }
    const method = request.method ?? "GET";
    const path = url.pathname;
    const query = url.searchParams;
    if (method !== "GET" && method !== "POST") return answer(response, 405);

    if (path === "/server-info") {
      const info = serverInfoResponse(
        this.#config.name,
        Math.round(this.#config.sessionTimeout / 1000),
        this.#state.now(),
      );
      return answer(response, 200, info);
    }
    if (path !== "/login" && path !== "/logout" && !path.startsWith(CTRL)) {
      return answer(response, 404);
    }
    if (!isRemoteClient(request)) return answer(response, 403);
    if (path === "/login") return this.#login(query, response);

    const session = this.#sessions.use(query.get("session-id"));
    if (session === undefined) return answer(response, NOT_LOGGED_IN);
    if (path === "/logout") {
      this.#sessions.close(session.id);
      return answer(response, 204);
    }
    const command = path.slice(CTRL.length);
    if (command === "playstatusupdate") return this.#playStatus(query, session, response);
    if (command === "nowplayingartwork") return this.#artwork(query, response);
    if (command === "getproperty") return this.#getProperty(query, response);
    if (command === "setproperty") return this.#setProperty(query, response);
    if (command === "controlpromptentry") {
      if (method !== "POST") return answer(response, 405);
      return this.#prompt(body, session, response);
    }
    if (TRANSPORT.has(command)) {
      this.#state.command(command as DmapTransportCommand);
      return answer(response, 204);
    }
    if (command === "volumeup" || command === "volumedown") {
      this.#state.volumeStep(command === "volumeup");
      return answer(response, 204);
    }
    return answer(response, 404);
  }

  /**
   * /login?pairing-guid=0x… (a paired remote) or /login?hsgid=… (the Home Sharing group),
   * as daap.py builds it; answers a new session id.
   */
  #login(query: URLSearchParams, response: ServerResponse): Outcome {
    const guid = query.get("pairing-guid");
    const hsgid = query.get("hsgid");
    let method: "pairing_guid" | "hsgid" | undefined;
    if (guid !== null) {
      if (PAIRING_GUID.test(guid) && this.#state.isPaired(guid)) method = "pairing_guid";
    } else if (hsgid !== null) {
      const expected = this.#state.homeSharingId;
      if (
        HSGID.test(hsgid) &&
        expected !== undefined &&
        hsgid.toLowerCase() === expected.toLowerCase()
      ) {
        method = "hsgid";
      }
    }
    if (method === undefined) return answer(response, LOGIN_REFUSED);
    const session = this.#sessions.open();
    this.#state.recordEvent({ kind: "login", method });
    return answer(response, 200, loginResponse(session.id));
  }

  /**
   * Answers at once when the client's revision-number is not the device's revision (0
   * always differs), else when the state next changes or the wait times out.
   */
  #playStatus(query: URLSearchParams, session: DmapSession, response: ServerResponse): Outcome {
    const wanted = integerParam(query.get("revision-number"));
    if (wanted === undefined) return answer(response, 400);
    const send = () => {
      this.#sessions.touch(session);
      const state = this.#state;
      const body = playStatusResponse({
        player: state.player,
        revision: state.revision,
        volumeControl: state.volumeControl,
        now: state.now(),
        frozen: state.static,
      });
      return answer(response, 200, body);
    };
    if (wanted !== this.#state.revision) return send();

    let pending = true;
    const stop = () => {
      pending = false;
      cancel();
      clearTimeout(timer);
    };
    const wake = () => {
      if (!pending) return;
      stop();
      if (!response.destroyed) send();
    };
    const cancel = this.#state.onNextChange(wake);
    const timer = setTimeout(wake, this.#config.playStatusTimeout);
    timer.unref();
    response.once("close", stop);
    return "held";
  }

  #artwork(query: URLSearchParams, response: ServerResponse): Outcome {
    const width = integerParam(query.get("mw") ?? "0");
    const height = integerParam(query.get("mh") ?? "0");
    if (width === undefined || height === undefined) return answer(response, 400);
    this.#state.lastArtworkRequest = { width, height };
    const artwork = this.#state.item?.artwork;
    if (artwork === undefined || artwork.length === 0) return answer(response, 204);
    return answer(response, 200, artwork, "image/png");
  }

  #getProperty(query: URLSearchParams, response: ServerResponse): Outcome {
    const names = (query.get("properties") ?? "").split(",").filter((n) => n.length > 0);
    if (names.length === 0) return answer(response, 400);
    const state = this.#state;
    const values = { volume: state.volume, shuffle: state.shuffle, repeat: state.repeat };
    return answer(response, 200, getPropertyResponse(names, values));
  }

  /**
   * dacp.playingtime (ms), dacp.shufflestate (0/1), dacp.repeatstate (0–2), dmcp.volume
   * (0–100, may have decimals): the values pyatv sends. All are checked before any is set.
   */
  #setProperty(query: URLSearchParams, response: ServerResponse): Outcome {
    const changes: Array<() => void> = [];
    for (const [name, raw] of query) {
      if (name === "session-id" || name === "prompt-id") continue;
      if (name === "dacp.playingtime") {
        const ms = integerParam(raw);
        if (ms === undefined) return answer(response, 400);
        changes.push(() => this.#state.seekTo(ms));
      } else if (name === "dacp.shufflestate") {
        if (raw !== "0" && raw !== "1") return answer(response, 400);
        changes.push(() => this.#state.setShuffle(raw === "1"));
      } else if (name === "dacp.repeatstate") {
        if (raw !== "0" && raw !== "1" && raw !== "2") return answer(response, 400);
        changes.push(() => this.#state.setRepeat(Number(raw) as DmapRepeat));
      } else if (name === "dmcp.volume") {
        const level = /^\d{1,3}(?:\.\d{1,9})?$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(level >= 0 && level <= 100)) return answer(response, 400);
        changes.push(() => this.#state.setVolumeFromClient(level));
      } else {
        return answer(response, 400);
      }
    }
    if (changes.length === 0) return answer(response, 400);
    for (const change of changes) change();
    return answer(response, 204);
  }

  /**
   * controlpromptentry: a cmbe string naming a key, or a point of a swipe; a swipe is a
   * key when its finger lifts (touchUp), judged from where it went down.
   */
  #prompt(body: Uint8Array, session: DmapSession, response: ServerResponse): Outcome {
    let cmbe: string | undefined;
    try {
      cmbe = textOf(first(decodeDmap(body), "cmbe"));
    } catch {
      return answer(response, 400);
    }
    if (cmbe === undefined) return answer(response, 400);
    this.#state.recordPrompt(cmbe);
    const input = parsePrompt(cmbe);
    if (input.kind === "key") {
      this.#state.recordButton(input.name);
    } else if (input.kind === "touch") {
      if (input.phase === "down") {
        session.touchStart = { x: input.x, y: input.y };
      } else if (input.phase === "up" && session.touchStart !== undefined) {
        this.#state.recordButton(swipeKey(session.touchStart, input));
        session.touchStart = undefined;
      }
    } else {
      this.#config.logger.debug("fake dmap: unknown control prompt %s", cmbe);
    }
    return answer(response, 204);
  }

  /**
   * The request's body, or undefined once a too-large one was refused (413, and the
   * connection closed since the rest of the body is not read).
   */
  #readBody(request: IncomingMessage, response: ServerResponse): Promise<Uint8Array | undefined> {
    const limit = this.#config.maxBodyBytes;
    const declared = Number(request.headers["content-length"] ?? 0);
    const refuse = () => {
      response.setHeader("Connection", "close");
      answer(response, 413);
      request.resume();
      return undefined;
    };
    if (declared > limit) return Promise.resolve(refuse());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          request.removeAllListeners("data");
          resolve(refuse());
          return;
        }
        chunks.push(chunk);
      });
      request.once("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
      request.once("error", reject);
    });
  }
}

function answer(
  response: ServerResponse,
  status: number,
  body?: Uint8Array,
  contentType = DMAP_CONTENT_TYPE,
): Outcome {
  if (response.headersSent || response.destroyed) return "answered";
  if (body === undefined) {
    // A 204 has no body and so no length (RFC 9110 §8.6).
    response.writeHead(status, status === 204 ? {} : { "Content-Length": "0" });
    response.end();
    return "answered";
  }
  response.writeHead(status, { "Content-Type": contentType, "Content-Length": body.length });
  response.end(body);
  return "answered";
}
