// Artwork of what is playing (after pyatv's MrpMetadata in protocols/mrp/__init__.py):
// first from the URLs the item's metadata names, then from the device itself with a
// PLAYBACK_QUEUE_REQUEST. Results are cached by artwork identifier.

import {
  type ArtworkInfo,
  type ArtworkOptions,
  deadline,
  type Logger,
  LruCache,
  silentLogger,
} from "@atv/interface";
import { imageInfo } from "./image-info.js";
import type { PlayerState, PlayerStateManager } from "./player-state.js";
import { ErrorCode } from "./protobuf/generated/enums.js";
import { playbackQueueRequestMessage } from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import type { RequestOptions } from "./protocol.js";
import { nonEmptyText, payloadRecord, record, text } from "./read-fields.js";

/** Artworks kept, least recently used out first (pyatv's Cache(limit=4)). */
export const ARTWORK_CACHE_LIMIT = 4;
/** The width asked for unless told otherwise (pyatv's default). */
export const DEFAULT_ARTWORK_WIDTH = 512;
/** Longest wait for an artwork URL to answer, in milliseconds. */
export const DEFAULT_ARTWORK_FETCH_TIMEOUT = 5000;
/** Longest artwork body read from a URL; anything longer counts as no artwork. */
export const MAX_ARTWORK_BYTES = 32 * 1024 * 1024;

// What the iTunes image server takes for "as large as it comes": it keeps the aspect
// ratio (pyatv's _fetch_remote_artwork).
const UNBOUNDED_SIZE = 999_999;
const FALLBACK_MIMETYPE = "application/octet-stream";

/** What artwork needs of MrpProtocol: one request and its response. */
export interface ArtworkRequester {
  sendAndReceive(message: ProtocolMessage, options?: RequestOptions): Promise<ProtocolMessage>;
}

/** The part of the global `fetch` artwork uses; tests may pass their own. */
export type ArtworkFetch = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface MrpArtworkOptions {
  /** Fetches artwork URLs; default the global `fetch`. */
  fetch?: ArtworkFetch;
  /** Longest wait for each artwork URL, in milliseconds; default 5000. */
  fetchTimeout?: number;
  /** Longest wait for the device's answer, in milliseconds; default the protocol's. */
  requestTimeout?: number;
  /** Longest artwork body read from a URL, in bytes; default MAX_ARTWORK_BYTES. */
  maxBytes?: number;
  logger?: Logger;
}

/**
 * Identifies the artwork of what `player` plays, if the device says it has any: its
 * artwork identifier, else the content identifier, else the item's identifier (pyatv's
 * artwork_id).
 */
export function artworkIdOf(player: PlayerState): string | undefined {
  const metadata = record(player.metadata);
  if (metadata === undefined) return undefined;
  if (metadata.artworkAvailable !== true && text(metadata.artworkURL) === undefined) {
    return undefined;
  }
  const id =
    text(metadata.artworkIdentifier) ?? text(metadata.contentIdentifier) ?? player.itemIdentifier;
  // pyatv treats an empty identifier as no artwork.
  return id === "" ? undefined : id;
}

/**
 * The width and height to ask for, as pyatv sends them: width 512 unless given, 0 when
 * null; height -1 (any) unless given. Zero and negative sizes mean "any" too.
 */
export function requestedArtworkSize(opts: ArtworkOptions = {}): {
  width: number;
  height: number;
} {
  const width = opts.width === undefined ? DEFAULT_ARTWORK_WIDTH : opts.width || 0;
  const height = opts.height || -1;
  return { width, height };
}

/**
 * Fills in an artwork URL template such as ".../{w}x{h}{c}.{f}" (as Apple Music sends in
 * artworkIdentifier): a size below 1 becomes 999999, the crop "bb", the format "png".
 * Returns undefined for a template with other fields or that is no http(s) URL.
 */
export function formatArtworkTemplate(
  template: string,
  width: number,
  height: number,
): string | undefined {
  const fields = new Map([
    ["w", String(width < 1 ? UNBOUNDED_SIZE : width)],
    ["h", String(height < 1 ? UNBOUNDED_SIZE : height)],
    ["c", "bb"],
    ["f", "png"],
  ]);
  let valid = true;
  // Python's str.format syntax, as pyatv formats it: doubled braces are literal braces.
  const url = template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, name?: string) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    const value = name === undefined ? undefined : fields.get(name);
    if (value === undefined) valid = false;
    return value ?? "";
  });
  return valid && isHttpUrl(url) ? url : undefined;
}

/** The URLs to try for `metadata`'s artwork, best first: the template, then artworkURL. */
export function artworkUrls(metadata: unknown, width: number, height: number): string[] {
  const fields = record(metadata);
  const urls: string[] = [];
  const template = text(fields?.artworkIdentifier);
  const formatted =
    template === undefined ? undefined : formatArtworkTemplate(template, width, height);
  if (formatted !== undefined) urls.push(formatted);
  // A fixed size and format: only a fallback (pyatv).
  const fixed = text(fields?.artworkURL);
  if (fixed !== undefined && isHttpUrl(fixed) && !urls.includes(fixed)) urls.push(fixed);
  return urls;
}

/**
 * The artwork in a device's answer to PLAYBACK_QUEUE_REQUEST: the data of the queue item
 * at `location`. `mimetype` is what the player's metadata says; without it the image's
 * own type is used. Undefined when the answer carries no artwork data; never throws.
 */
export function artworkFromResponse(
  response: ProtocolMessage,
  location: number,
  mimetype?: string,
): ArtworkInfo | undefined {
  const message = record(response);
  if (message === undefined) return undefined;
  const code = message.errorCode;
  if (code !== undefined && code !== null && code !== ErrorCode.NoError) return undefined;
  const queue = record(payloadRecord(message)?.payload.playbackQueue);
  const items = Array.isArray(queue?.contentItems) ? (queue.contentItems as unknown[]) : [];
  // pyatv reads the item at the player's location; a device that answers with just the
  // one item asked for has it first.
  const item = record(items[location]) ?? (items.length === 1 ? record(items[0]) : undefined);
  const data = item?.artworkData;
  if (!(data instanceof Uint8Array) || data.length === 0) return undefined;
  const bytes = new Uint8Array(data);
  const image = imageInfo(bytes);
  const itemMetadata = record(item?.metadata);
  return {
    bytes,
    mimetype:
      nonEmptyText(mimetype) ??
      nonEmptyText(itemMetadata?.artworkMIMEType) ??
      image?.mimetype ??
      FALLBACK_MIMETYPE,
    width: positive(item?.artworkDataWidth) ?? image?.width ?? 0,
    height: positive(item?.artworkDataHeight) ?? image?.height ?? 0,
  };
}

/** Artwork of what the active player plays, from URLs or the device, cached. */
export class MrpArtwork {
  readonly #state: PlayerStateManager;
  readonly #requester: ArtworkRequester;
  readonly #fetch: ArtworkFetch;
  readonly #fetchTimeout: number;
  readonly #requestTimeout: number | undefined;
  readonly #maxBytes: number;
  readonly #logger: Logger;
  readonly #cache = new LruCache<string, ArtworkInfo>(ARTWORK_CACHE_LIMIT);

  constructor(
    state: PlayerStateManager,
    requester: ArtworkRequester,
    options: MrpArtworkOptions = {},
  ) {
    this.#state = state;
    this.#requester = requester;
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#fetchTimeout = options.fetchTimeout ?? DEFAULT_ARTWORK_FETCH_TIMEOUT;
    this.#requestTimeout = options.requestTimeout;
    this.#maxBytes = options.maxBytes ?? MAX_ARTWORK_BYTES;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The identifier of the current artwork; undefined when there is none. */
  get id(): string | undefined {
    return artworkIdOf(this.#state.playing);
  }

  /**
   * The current artwork, or undefined when there is none or it could not be had. Rejects
   * only when the device cannot be asked (ConnectionLostError, OperationTimeoutError)
   * or with the signal's reason on abort.
   */
  async artwork(opts: ArtworkOptions = {}): Promise<ArtworkInfo | undefined> {
    const { signal } = opts;
    signal?.throwIfAborted();
    const player = this.#state.playing;
    const id = artworkIdOf(player);
    if (id === undefined) {
      this.#logger.debug("mrp: no artwork available");
      return undefined;
    }
    const cached = this.#cache.get(id);
    if (cached !== undefined) {
      this.#logger.debug("mrp: artwork %s from cache", id);
      return cached;
    }
    const { width, height } = requestedArtworkSize(opts);
    const artwork =
      (await this.#fetchRemote(player, width, height, signal)) ??
      (await this.#fetchLocal(player, width, height, signal));
    // Only found artwork is kept: a later call may find what this one did not (pyatv).
    if (artwork === undefined) this.#logger.debug("mrp: artwork %s not present", id);
    else this.#cache.set(id, artwork);
    return artwork;
  }

  async #fetchRemote(
    player: PlayerState,
    width: number,
    height: number,
    signal: AbortSignal | undefined,
  ): Promise<ArtworkInfo | undefined> {
    for (const url of artworkUrls(player.metadata, width, height)) {
      const bound = deadline(this.#fetchTimeout, signal);
      try {
        const response = await this.#fetch(url, { signal: bound.signal });
        if (response.status !== 200) {
          this.#logger.debug("mrp: artwork %s answered %d", url, response.status);
          await response.body?.cancel();
          continue;
        }
        const bytes = await readBody(response, this.#maxBytes);
        if (bytes === undefined || bytes.length === 0) {
          this.#logger.debug("mrp: artwork %s has no usable body", url);
          continue;
        }
        const image = imageInfo(bytes);
        const contentType = nonEmptyText(response.headers.get("content-type") ?? undefined);
        return {
          bytes,
          mimetype: contentType ?? image?.mimetype ?? FALLBACK_MIMETYPE,
          // What the image says it is; pyatv gives the size asked for, as here for
          // images whose size cannot be read.
          width: positive(image?.width) ?? Math.max(width, 0),
          height: positive(image?.height) ?? Math.max(height, 0),
        };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        // Unreachable, slow or broken: try the next source.
        this.#logger.debug("mrp: artwork %s failed: %o", url, error);
      } finally {
        bound.clear();
      }
    }
    return undefined;
  }

  async #fetchLocal(
    player: PlayerState,
    width: number,
    height: number,
    signal: AbortSignal | undefined,
  ): Promise<ArtworkInfo | undefined> {
    const location = player.location;
    const request: RequestOptions = {};
    if (signal !== undefined) request.signal = signal;
    if (this.#requestTimeout !== undefined) request.timeout = this.#requestTimeout;
    const response = await this.#requester.sendAndReceive(
      playbackQueueRequestMessage({ location, width, height }),
      request,
    );
    return artworkFromResponse(
      response,
      location,
      nonEmptyText(record(player.metadata)?.artworkMIMEType),
    );
  }
}

/** The body, unless it is longer than `limit` bytes (then undefined, and the rest unread). */
async function readBody(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const joined = Buffer.concat(chunks, length);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}
