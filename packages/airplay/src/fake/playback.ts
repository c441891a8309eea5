// The fake device's media player: what a device does with POST /play and the requests
// that control and watch playback (/playback-info, /stop, /scrub, /rate, /setProperty).
// One playback at a time; the URL given is really fetched (see playback-fetch.ts), then
// "plays" in real time for a configured duration and ends. A URL that cannot be fetched
// makes /playback-info report an error, as a device's player does.
//
// This is the request handler only; the server that routes AirPlay requests to it lives
// with the rest of the fake device.

import { performance } from "node:perf_hooks";
import { type Logger, silentLogger } from "@atv/interface";
import { encodePlist } from "@atv/plist";
import { AirPlayMajorVersion } from "../features.js";
import { BPLIST_CONTENT_TYPE } from "../http/rtsp-session.js";
import {
  type FakePlaybackStatus,
  LOAD_FAILURE,
  type PlaybackSnapshot,
  playbackInfoValue,
  scrubBody,
} from "./playback-answers.js";
import { fetchMedia } from "./playback-fetch.js";
import { type FakePlayRequest, parsePlayRequest } from "./playback-request.js";
import { encodeXmlPlist, XML_PLIST_CONTENT_TYPE } from "./xml-plist-writer.js";

export type { FakePlaybackStatus } from "./playback-answers.js";
export type { FakePlayRequest } from "./playback-request.js";

export interface FakePlaybackOptions {
  /** Length of every media item, in seconds; it plays in real time. Default 10. */
  readonly duration?: number;
  /** Longest time to fetch a URL, in milliseconds; default 10 000. */
  readonly fetchTimeout?: number;
  /** Most bytes read from a URL; default 64 MiB. */
  readonly maxFetchBytes?: number;
  /**
   * Answer /play once the URL was fetched (as pyatv's fake does for local URLs), so the
   * client's first poll already sees the outcome; default true. False answers at once
   * and loads in the background, as a real device does.
   */
  readonly awaitLoad?: boolean;
  readonly logger?: Logger;
}

export type FakePlaybackEvent =
  | {
      readonly type: "play";
      readonly url: string;
      readonly position: number;
      readonly version: AirPlayMajorVersion;
    }
  | {
      readonly type: "fetched";
      readonly url: string;
      readonly bytes: number;
      readonly sha256: string;
      readonly truncated: boolean;
      /** The Content-Type the URL was served with. */
      readonly contentType?: string;
    }
  | { readonly type: "fetch-failed"; readonly url: string; readonly reason: string }
  | { readonly type: "rate"; readonly rate: number }
  | { readonly type: "scrub"; readonly position: number }
  | { readonly type: "stop" }
  | { readonly type: "finished"; readonly url: string };

export interface FakePlaybackResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

interface Session {
  readonly request: FakePlayRequest;
  readonly controller: AbortController;
  status: FakePlaybackStatus;
  /** Position at `since`, in seconds. */
  position: number;
  since: number;
  rate: number;
  finishTimer?: NodeJS.Timeout;
}

const PARAMETERS_TYPE = "text/parameters";
/** The endpoints of play URL requests (pyatv's player.py and fake device). */
export const PLAYBACK_PATHS: ReadonlySet<string> = new Set([
  "/play",
  "/playback-info",
  "/stop",
  "/scrub",
  "/rate",
  "/setProperty",
]);

export class FakePlayback {
  readonly #duration: number;
  readonly #fetchTimeout: number;
  readonly #maxFetchBytes: number;
  readonly #awaitLoad: boolean;
  readonly #logger: Logger;
  readonly #listeners = new Set<(event: FakePlaybackEvent) => void>();
  readonly #loads = new Set<Promise<void>>();
  #session: Session | undefined;
  #lastPlay: FakePlayRequest | undefined;
  #playCount = 0;
  #injectedPlayFailures = 0;
  #closed = false;

  constructor(options: FakePlaybackOptions = {}) {
    this.#duration = options.duration ?? 10;
    this.#fetchTimeout = options.fetchTimeout ?? 10_000;
    this.#maxFetchBytes = options.maxFetchBytes ?? 64 * 1024 * 1024;
    this.#awaitLoad = options.awaitLoad ?? true;
    this.#logger = options.logger ?? silentLogger;
    if (!(this.#duration > 0)) throw new RangeError("a media duration is > 0 seconds");
  }

  /** What the player is doing now. */
  get status(): FakePlaybackStatus {
    return this.#snapshot().status;
  }

  /** The last /play request that was accepted. */
  get lastPlay(): FakePlayRequest | undefined {
    return this.#lastPlay;
  }

  /** Every POST /play received, failed ones included (pyatv's play_count). */
  get playCount(): number {
    return this.#playCount;
  }

  /** Hears plays, fetch results, rate and scrub changes, stops and ends. */
  onEvent(listener: (event: FakePlaybackEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Answers the next `count` POST /play with 500 (pyatv's airplay_play_failure). */
  failNextPlays(count: number): void {
    this.#injectedPlayFailures = count;
  }

  /** Answers one request; `headers` names lower-case. */
  async handle(
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array,
  ): Promise<FakePlaybackResponse> {
    if (this.#closed) return { status: 503 };
    const target = new URL(path, "http://device");
    const query = target.searchParams;
    switch (`${method.toUpperCase()} ${target.pathname}`) {
      case "POST /play":
        return this.#play(headers, body);
      case "GET /playback-info":
        return this.#playbackInfo();
      case "POST /stop":
        return this.#stop();
      case "GET /scrub":
        return this.#scrubbed();
      case "POST /scrub":
        return this.#scrub(query);
      case "POST /rate":
        return this.#rate(query);
      case "PUT /setProperty":
        // AirPlay 2 clients set player properties after /play; a device answers errorCode 0.
        return {
          status: 200,
          headers: { "Content-Type": BPLIST_CONTENT_TYPE },
          body: encodePlist({ errorCode: 0 }),
        };
      default:
        return { status: PLAYBACK_PATHS.has(target.pathname) ? 405 : 404 };
    }
  }

  /** Ends the playback (aborting its fetch) and refuses further requests. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#end();
    await Promise.allSettled([...this.#loads]);
  }

  async #play(
    headers: Readonly<Record<string, string>>,
    body: Uint8Array,
  ): Promise<FakePlaybackResponse> {
    this.#playCount += 1;
    if (this.#injectedPlayFailures > 0) {
      this.#injectedPlayFailures -= 1;
      return { status: 500 };
    }
    const parsed = parsePlayRequest(headers, body);
    if (typeof parsed === "string") {
      this.#logger.debug("fake airplay: bad /play: %s", parsed);
      return { status: 400 };
    }
    this.#end();
    const session: Session = {
      request: parsed,
      controller: new AbortController(),
      status: "loading",
      position: parsed.position,
      since: performance.now(),
      // pyatv (airplayv2.py): without "/rate?value=1" an AirPlay 2 device stays paused.
      rate: parsed.version === AirPlayMajorVersion.AirPlayV2 ? 0 : 1,
    };
    this.#session = session;
    this.#lastPlay = parsed;
    this.#emit({
      type: "play",
      url: parsed.url,
      position: parsed.position,
      version: parsed.version,
    });
    const load = this.#load(session);
    this.#loads.add(load);
    void load.finally(() => this.#loads.delete(load));
    if (this.#awaitLoad) await load;
    return { status: 200 };
  }

  #playbackInfo(): FakePlaybackResponse {
    const value = playbackInfoValue(this.#snapshot());
    // AirPlay 1 receivers answer in XML (pyatv's plistlib reads either).
    if (this.#session?.request.version === AirPlayMajorVersion.AirPlayV1) {
      return {
        status: 200,
        headers: { "Content-Type": XML_PLIST_CONTENT_TYPE },
        body: encodeXmlPlist(value),
      };
    }
    return {
      status: 200,
      headers: { "Content-Type": BPLIST_CONTENT_TYPE },
      body: encodePlist(value),
    };
  }

  #stop(): FakePlaybackResponse {
    if (this.#session !== undefined) this.#emit({ type: "stop" });
    this.#end();
    return { status: 200 };
  }

  #scrubbed(): FakePlaybackResponse {
    return {
      status: 200,
      headers: { "Content-Type": PARAMETERS_TYPE },
      body: scrubBody(this.#snapshot()),
    };
  }

  #scrub(query: URLSearchParams): FakePlaybackResponse {
    const position = Number(query.get("position"));
    if (query.get("position") === null || !Number.isFinite(position)) return { status: 400 };
    const session = this.#loadedSession();
    if (session !== undefined) {
      this.#rebase(session);
      session.position = Math.min(Math.max(position, 0), this.#duration);
      this.#schedule(session);
    }
    this.#emit({ type: "scrub", position });
    return { status: 200 };
  }

  #rate(query: URLSearchParams): FakePlaybackResponse {
    const rate = Number(query.get("value"));
    if (query.get("value") === null || !Number.isFinite(rate) || rate < 0) return { status: 400 };
    const session = this.#session;
    if (session !== undefined && session.status !== "failed" && session.status !== "finished") {
      this.#rebase(session);
      session.rate = rate;
      if (session.status !== "loading") session.status = rate > 0 ? "playing" : "paused";
      this.#schedule(session);
    }
    this.#emit({ type: "rate", rate });
    return { status: 200 };
  }

  async #load(session: Session): Promise<void> {
    const { url } = session.request;
    try {
      const fetched = await fetchMedia(url, {
        signal: session.controller.signal,
        timeout: this.#fetchTimeout,
        maxBytes: this.#maxFetchBytes,
      });
      if (this.#session !== session) return;
      this.#emit({ type: "fetched", url, ...fetched });
      session.since = performance.now();
      session.status = session.rate > 0 ? "playing" : "paused";
      this.#schedule(session);
    } catch (error) {
      if (this.#session !== session) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.#logger.debug("fake airplay: cannot load %s: %s", url, reason);
      session.status = "failed";
      this.#emit({ type: "fetch-failed", url, reason });
    }
  }

  #loadedSession(): Session | undefined {
    const session = this.#session;
    return session?.status === "playing" || session?.status === "paused" ? session : undefined;
  }

  /** Moves the session's reference point to now, keeping its position. */
  #rebase(session: Session): void {
    session.position = this.#positionOf(session);
    session.since = performance.now();
  }

  #positionOf(session: Session): number {
    if (session.status !== "playing") return session.position;
    const elapsed = ((performance.now() - session.since) / 1000) * session.rate;
    return Math.min(session.position + elapsed, this.#duration);
  }

  /** Sets the timer for the end of the media, from the position and rate. */
  #schedule(session: Session): void {
    clearTimeout(session.finishTimer);
    session.finishTimer = undefined;
    if (session.status !== "playing") return;
    const left = ((this.#duration - this.#positionOf(session)) / session.rate) * 1000;
    // Timers take at most 2^31 - 1 ms (a longer one fires at once); a slow rate waits
    // in steps.
    session.finishTimer = setTimeout(() => this.#tick(session), Math.min(left, 2 ** 31 - 1));
    session.finishTimer.unref();
  }

  #tick(session: Session): void {
    if (this.#session !== session) return;
    const left = ((this.#duration - this.#positionOf(session)) / session.rate) * 1000;
    if (left > 1) {
      this.#schedule(session);
      return;
    }
    session.status = "finished";
    session.position = this.#duration;
    this.#emit({ type: "finished", url: session.request.url });
  }

  #end(): void {
    const session = this.#session;
    if (session === undefined) return;
    this.#session = undefined;
    clearTimeout(session.finishTimer);
    session.controller.abort(new Error("playback ended"));
  }

  #snapshot(): PlaybackSnapshot {
    const session = this.#session;
    if (session === undefined) return { status: "idle", duration: 0, position: 0, rate: 0 };
    return {
      status: session.status,
      duration: this.#duration,
      position: this.#positionOf(session),
      rate: session.status === "playing" ? session.rate : 0,
      failure: session.status === "failed" ? LOAD_FAILURE : undefined,
      uuid: session.request.uuid,
    };
  }

  #emit(event: FakePlaybackEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.debug("fake airplay: playback listener failed: %s", error);
      }
    }
  }
}
