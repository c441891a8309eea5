// What is playing and its artwork, as pyatv's DmapMetadata: artwork is cached by the hash
// of what plays (pyatv keeps 4), since DMAP gives no artwork identifier of its own.

import {
  type AbortOptions,
  type ArtworkInfo,
  type ArtworkOptions,
  LruCache,
  type Metadata,
  type Playing,
} from "@atv/interface";
import type { DmapCommands } from "./commands.js";

const ARTWORK_CACHE_SIZE = 4;
const DEFAULT_ARTWORK_WIDTH = 512;

/** The Metadata parts DMAP has; it knows no app (pyatv's DmapMetadata has none). */
export type DmapMetadataMethods = Pick<Metadata, "deviceId" | "artworkId" | "playing" | "artwork">;

export class DmapMetadata implements DmapMetadataMethods {
  readonly deviceId: string | undefined;
  readonly #commands: DmapCommands;
  readonly #artworkCache = new LruCache<string, ArtworkInfo>(ARTWORK_CACHE_SIZE);

  constructor(commands: DmapCommands, deviceId: string | undefined) {
    this.#commands = commands;
    this.deviceId = deviceId;
  }

  /** The hash of what played at the last play status, as pyatv's artwork_id. */
  get artworkId(): string | undefined {
    return this.#commands.latestPlaying?.hash;
  }

  playing(opts?: AbortOptions): Promise<Playing> {
    return this.#commands.playstatus(opts);
  }

  /**
   * Artwork of what plays (PNG; the device does not say its size, so -1 as pyatv), or
   * undefined when there is none.
   */
  async artwork(opts: ArtworkOptions = {}): Promise<ArtworkInfo | undefined> {
    // An identifier is needed and none older can be trusted: ask what plays first (pyatv).
    const { hash } = await this.playing(opts);
    const cached = this.#artworkCache.get(hash);
    if (cached) return cached;
    const width = opts.width === undefined ? DEFAULT_ARTWORK_WIDTH : (opts.width ?? 0);
    const height = opts.height ?? 0;
    const bytes = await this.#commands.artwork(width, height, opts);
    if (bytes === undefined) return undefined;
    const info: ArtworkInfo = { bytes, mimetype: "image/png", width: -1, height: -1 };
    this.#artworkCache.set(hash, info);
    return info;
  }
}
