// AirPlay's Stream: play a URL or a local file on the device (pyatv's AirPlayStream), on a
// connection of its own for each playback, as pyatv does.

import type { HapCredentials } from "@atv/hap";
import {
  type InfoSettings,
  type Logger,
  NotSupportedError,
  type PlayUrlOptions,
  type Stream,
} from "@atv/interface";
import { Ap2Session } from "./ap2/session.js";
import { AirPlayMajorVersion } from "./features.js";
import { HttpConnection } from "./http/connection.js";
import type { HttpExchange } from "./http/types.js";
import { resolveMediaSource } from "./play/media-source.js";
import { playUrl, stopPlayback } from "./play/player.js";

export interface AirPlayStreamOptions {
  readonly host: string;
  readonly port: number;
  readonly credentials: HapCredentials;
  readonly version: AirPlayMajorVersion;
  readonly info: InfoSettings;
  /** Longest wait for the connection and each answer, in milliseconds. */
  readonly timeout?: number;
  readonly logger?: Logger;
  /** Milliseconds between /playback-info polls; default pyatv's 1000. */
  readonly pollInterval?: number;
}

interface Playback {
  readonly controller: AbortController;
  readonly exchange: HttpExchange;
  /** Where player requests (/rate) go: the RTSP session on AirPlay 2. */
  readonly control: HttpExchange;
}

export class AirPlayStream implements Pick<Stream, "playUrl" | "close"> {
  readonly #options: AirPlayStreamOptions;
  #current: Playback | undefined;

  constructor(options: AirPlayStreamOptions) {
    this.#options = options;
  }

  /** True while a URL plays (AirPlay then answers stop before other protocols). */
  get playing(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Has the device play `url` (or a local file, served from here while the device reads
   * it) and resolves when the media has ended. A missing file is a PlaybackError before
   * anything is sent; a device-reported failure a PlaybackError with its reason.
   */
  async playUrl(url: string, opts: PlayUrlOptions = {}): Promise<void> {
    const { signal } = opts;
    signal?.throwIfAborted();
    if (this.#current) throw new NotSupportedError("a URL is already playing; stop it first");
    const { host, port, logger, timeout } = this.#options;
    const source = await resolveMediaSource(url, host, { signal, ...(logger ? { logger } : {}) });
    const controller = new AbortController();
    const stop = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", stop, { once: true });
    let close = (): void => {};
    try {
      const v2 = this.#options.version === AirPlayMajorVersion.AirPlayV2;
      let exchange: HttpExchange;
      let sessionExchange: HttpExchange | undefined;
      if (v2) {
        const session = await Ap2Session.connect(host, port, this.#options.credentials, {
          info: this.#options.info,
          signal: controller.signal,
          ...(timeout === undefined ? {} : { timeout }),
          ...(logger ? { logger } : {}),
        });
        close = () => session.close();
        // pyatv's AirPlay 2 play_url: the session's SETUP (event channel), keep-alive,
        // RECORD, then /play.
        if (session.verified) await session.setupEventChannel();
        session.startKeepAlive();
        session.onLost(stop);
        await session.rtsp.record(timeout === undefined ? {} : { timeout });
        exchange = session.connection.exchange;
        sessionExchange = (request, options) =>
          session.rtsp.exchange(request.method, {
            uri: request.uri,
            ...(request.headers ? { headers: request.headers } : {}),
            ...(request.body ? { body: request.body } : {}),
            ...options,
          });
      } else {
        const connection = await HttpConnection.connect(host, port, {
          signal: controller.signal,
          ...(timeout === undefined ? {} : { timeout, requestTimeout: timeout }),
          ...(logger ? { logger } : {}),
        });
        close = () => connection.close();
        exchange = connection.exchange;
      }
      this.#current = { controller, exchange, control: sessionExchange ?? exchange };
      await playUrl(exchange, source.url, {
        version: this.#options.version,
        signal: controller.signal,
        ...(opts.position === undefined ? {} : { position: opts.position }),
        ...(this.#options.pollInterval ? { pollInterval: this.#options.pollInterval } : {}),
        ...(sessionExchange ? { sessionExchange } : {}),
        ...(timeout === undefined ? {} : { requestTimeout: timeout }),
        ...(logger ? { logger } : {}),
      });
    } catch (error) {
      // Stopped by us (stop(), close()): the playback ended as asked.
      if (controller.signal.aborted && !signal?.aborted) return;
      throw error;
    } finally {
      signal?.removeEventListener("abort", stop);
      this.#current = undefined;
      close();
      await source.server?.close();
    }
  }

  /** Stops what plays: the device is told, and playUrl() resolves. */
  async stop(): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    await stopPlayback(current.exchange, { timeout: 2000 }).catch(() => {});
    current.controller.abort();
  }

  /** Pauses what plays (the device's player rate to 0). */
  async pause(): Promise<void> {
    await this.#rate(0);
  }

  /** Resumes what plays (rate 1). */
  async play(): Promise<void> {
    await this.#rate(1);
  }

  close(): void {
    this.#current?.controller.abort();
  }

  async #rate(rate: number): Promise<void> {
    const current = this.#current;
    if (current === undefined) throw new NotSupportedError("no URL is playing");
    await current.control({ method: "POST", uri: `/rate?value=${rate.toFixed(6)}` });
  }
}
