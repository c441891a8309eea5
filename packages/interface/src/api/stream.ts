import type { AbortOptions } from "./common.js";

/** Metadata sent along with streamed audio (pyatv's MediaMetadata). */
export interface MediaMetadata {
  title?: string;
  artist?: string;
  album?: string;
  /** Image bytes (JPEG). */
  artwork?: Uint8Array;
  /** Seconds. */
  duration?: number;
}

export interface PlayUrlOptions extends AbortOptions {
  /** Where to start, in seconds. */
  position?: number;
}

/** A file path or http(s) URL, the bytes themselves, or a stream of them. */
export type StreamSource =
  | string
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | ReadableStream<Uint8Array>;

export interface StreamFileOptions extends AbortOptions {
  /** Shown on the device instead of what is read from the file. */
  metadata?: MediaMetadata;
  /** Use the file's metadata for whatever `metadata` leaves out. */
  overrideMissingMetadata?: boolean;
  /**
   * Told as the audio plays (about once a second, and at the end): the position and the
   * duration in seconds, the duration undefined when the source does not tell it.
   */
  onProgress?: (position: number, duration: number | undefined) => void;
}

/** Playing media on the device (pyatv's Stream). */
export interface Stream {
  /** Has the device play media from `url`. */
  playUrl(url: string, opts?: PlayUrlOptions): Promise<void>;
  /** Streams audio from this machine to the device. */
  streamFile(source: StreamSource, opts?: StreamFileOptions): Promise<void>;
  close(): void;
}
