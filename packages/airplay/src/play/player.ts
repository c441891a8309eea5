// Has a device play media from a URL and waits until it stops playing (pyatv's
// AirPlayPlayer.play_url in protocols/airplay/player.py): POST /play, retried while the
// device answers 500, then GET /playback-info polled until the media ends or fails.

import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AbortOptions,
  ConnectionLostError,
  HttpError,
  type Logger,
  PlaybackError,
  silentLogger,
} from "@atv/interface";
import { AirPlayMajorVersion } from "../features.js";
import type { HttpExchange } from "../http/types.js";
import { afterPlayRequests, playRequest, stopRequest } from "./play-request.js";
import { type PlaybackInfo, readPlaybackInfo } from "./playback-info.js";

/** pyatv's PLAY_RETRIES: /play attempts while the device answers 500. */
export const PLAY_ATTEMPTS = 3;
/** pyatv's WAIT_RETRIES: polls without media before giving up, after the first. */
export const WAIT_RETRIES = 5;
/** pyatv sleeps 1 s between polls and between /play attempts. */
export const DEFAULT_POLL_INTERVAL = 1000;
export const DEFAULT_RETRY_DELAY = 1000;
// How long the /stop sent after an abort may take.
const STOP_TIMEOUT = 2000;

export interface AirPlayPlayOptions extends AbortOptions {
  /** Which /play to send (features.ts detectAirPlayVersion). */
  readonly version: AirPlayMajorVersion;
  /** Where to start, in seconds; default 0. */
  readonly position?: number;
  /** Milliseconds between GET /playback-info; default 1000. */
  readonly pollInterval?: number;
  /** Milliseconds before another /play after a 500; default 1000. */
  readonly retryDelay?: number;
  /** Longest wait for each answer, in milliseconds; default: the exchange's. */
  readonly requestTimeout?: number;
  /** X-Apple-Session-ID; a random UUID by default. */
  readonly sessionId?: string;
  /**
   * Runs before every /play attempt. pyatv's AirPlay 2 sets up the session there (SETUP,
   * the event channel, the feedback task, RECORD); AirPlay 1 verifies credentials.
   */
  readonly prepare?: (options: AbortOptions) => Promise<void>;
  /**
   * Sends the RTSP requests AirPlay 2 makes after /play (see afterPlayRequests), which
   * need the session's headers (CSeq, DACP-ID, ...); default: `exchange` itself.
   */
  readonly sessionExchange?: HttpExchange;
  /** Called once, when the device first reports media (a "duration"). */
  readonly onStarted?: (info: PlaybackInfo) => void;
  /** Called with every answer to /playback-info. */
  readonly onPlaybackInfo?: (info: PlaybackInfo) => void;
  /** After an abort, tell the device to stop with POST /stop; default true. */
  readonly stopOnAbort?: boolean;
  readonly logger?: Logger;
}

/**
 * Plays `url` on the device and resolves once it stopped playing (ended, or was stopped
 * on the device). Rejects with PlaybackError when the device reports an error or kept
 * answering /play with 500, with the exchange's errors for other failures, and with the
 * signal's reason on abort (after a best-effort POST /stop, where pyatv closes the
 * connection). A lost connection while waiting counts as the end, as in pyatv.
 */
export async function playUrl(
  exchange: HttpExchange,
  url: string,
  options: AirPlayPlayOptions,
): Promise<void> {
  const { signal, version } = options;
  signal?.throwIfAborted();
  const position = options.position ?? 0;
  if (!Number.isFinite(position) || position < 0) {
    throw new RangeError(`a start position is a number of seconds >= 0, got ${position}`);
  }
  if (version !== AirPlayMajorVersion.AirPlayV1 && version !== AirPlayMajorVersion.AirPlayV2) {
    throw new RangeError(`unknown AirPlay version ${String(version)}`);
  }
  const logger = options.logger ?? silentLogger;
  const timeout = options.requestTimeout;
  const request = playRequest({
    version,
    url,
    position,
    sessionId: options.sessionId ?? randomUUID(),
    uuid: randomUUID(),
  });

  let sent = false;
  try {
    for (let attempt = 1; ; attempt++) {
      await options.prepare?.({ signal });
      logger.debug("airplay: starting to play %s (attempt %d)", url, attempt);
      sent = true;
      try {
        await exchange(request, { signal, timeout });
        break;
      } catch (error) {
        // pyatv: 'Sometimes AirPlay fails with "Internal Server Error", we apply a "lets
        // try again"-approach to that'.
        if (!(error instanceof HttpError && error.statusCode === 500) || signal?.aborted) {
          throw error;
        }
        if (attempt >= PLAY_ATTEMPTS) {
          throw new PlaybackError(`max retries exceeded playing ${url}`, { cause: error });
        }
        logger.debug("airplay: /play failed with 500, retry %d of %d", attempt, PLAY_ATTEMPTS);
        await pause(options.retryDelay ?? DEFAULT_RETRY_DELAY, signal);
      }
    }
    if (version === AirPlayMajorVersion.AirPlayV2) {
      const session = options.sessionExchange ?? exchange;
      for (const next of afterPlayRequests()) await session(next, { signal, timeout });
    }
    await waitForMediaToEnd(exchange, options, logger);
  } catch (error) {
    if (!signal?.aborted) throw error;
    if (sent && options.stopOnAbort !== false) {
      await stopPlayback(exchange, { timeout: STOP_TIMEOUT }).catch((stopError: unknown) => {
        logger.debug("airplay: /stop after abort failed: %s", stopError);
      });
    }
    throw signal.reason;
  }
}

/** Tells the device to stop playing (POST /stop). */
export async function stopPlayback(
  exchange: HttpExchange,
  options: AbortOptions & { readonly timeout?: number } = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  await exchange(stopRequest(), options);
}

// pyatv: "Poll playback-info to find out if something is playing. It might take some time
// until the media starts playing, give it 5 seconds (attempts)". Once media was seen, the
// first answer without it ends the wait.
async function waitForMediaToEnd(
  exchange: HttpExchange,
  options: AirPlayPlayOptions,
  logger: Logger,
): Promise<void> {
  const { signal } = options;
  let attempts = WAIT_RETRIES;
  let started = false;
  for (;;) {
    let body: Uint8Array;
    try {
      body = (
        await exchange(
          { method: "GET", uri: "/playback-info" },
          { signal, timeout: options.requestTimeout },
        )
      ).body;
    } catch (error) {
      // pyatv: the request fails once playback was stopped from elsewhere (e.g. the
      // device's remote), so a lost connection is taken as the end.
      if (error instanceof ConnectionLostError && !signal?.aborted) {
        logger.debug("airplay: connection lost, assuming playback stopped");
        return;
      }
      throw error;
    }
    const info = readPlaybackInfo(body);
    logger.debug("airplay: playback-info %o", info);
    options.onPlaybackInfo?.(info);
    if (info.playing) {
      if (!started) options.onStarted?.(info);
      started = true;
      attempts = -1;
    } else if (attempts >= 0) {
      attempts -= 1;
    }
    if (!info.playing && attempts < 0) {
      logger.debug("airplay: media playback ended");
      return;
    }
    await pause(options.pollInterval ?? DEFAULT_POLL_INTERVAL, signal);
  }
}

/** Waits `ms`; an abort rejects with the signal's reason (not Node's AbortError). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
