import type { DeviceState, MediaType, RepeatState, ShuffleState } from "../const.js";
import type { AbortOptions } from "./common.js";

/**
 * What is playing (pyatv's Playing), as a plain immutable record. Build one with
 * `createPlaying`, which fills in defaults and the hash and bounds the position.
 * Times are in seconds.
 */
export interface Playing {
  readonly mediaType: MediaType;
  readonly deviceState: DeviceState;
  readonly title?: string | undefined;
  readonly artist?: string | undefined;
  readonly album?: string | undefined;
  readonly genre?: string | undefined;
  readonly totalTime?: number | undefined;
  /** Never negative, and never past `totalTime` when that is known. */
  readonly position?: number | undefined;
  readonly shuffle?: ShuffleState | undefined;
  readonly repeat?: RepeatState | undefined;
  /**
   * Identifies the content: from the device when it sends one, else a SHA-256 over
   * title, artist, album and total time (the same value pyatv computes).
   */
  readonly hash: string;
  readonly seriesName?: string | undefined;
  readonly seasonNumber?: number | undefined;
  readonly episodeNumber?: number | undefined;
  /** App-specific identifier of the content. */
  readonly contentIdentifier?: string | undefined;
  readonly itunesStoreIdentifier?: number | undefined;
}

/** An app on the device. */
export interface App {
  /** Display name, when the device gives one. */
  readonly name: string | undefined;
  /** Bundle id, e.g. "com.apple.TVMusic". */
  readonly identifier: string;
}

export interface ArtworkInfo {
  readonly bytes: Uint8Array;
  readonly mimetype: string;
  readonly width: number;
  readonly height: number;
}

/**
 * Size wishes for artwork; the device may ignore them. `width` defaults to 512; `null`
 * for both asks for the device's default size, one `null` keeps the aspect ratio.
 */
export interface ArtworkOptions extends AbortOptions {
  width?: number | null;
  height?: number | null;
}

/** What is playing, and on which app (pyatv's Metadata). */
export interface Metadata {
  /** A unique identifier of the connected device, if the protocol knows one. */
  readonly deviceId: string | undefined;
  /** Artwork of what is playing; undefined when there is none. */
  artwork(opts?: ArtworkOptions): Promise<ArtworkInfo | undefined>;
  /**
   * Changes whenever the artwork changes; cheap to read, unlike `artwork()`. Undefined
   * when there is no artwork (pyatv's None).
   */
  readonly artworkId: string | undefined;
  playing(opts?: AbortOptions): Promise<Playing>;
  /** The app that is playing something (not the app in front); undefined if none. */
  readonly app: App | undefined;
}
