// What URL to give a device for what the caller wants played. pyatv's
// AirPlayStream.play_url (protocols/airplay/__init__.py) serves a path that exists with a
// StaticFileWebServer on the local address reaching the device and passes anything else
// through unchanged; a mistyped path then reaches the device, which fails on it later.
// Here a string that is a path (or a file: URL) must name a file, checked before anything
// is sent.

import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type AbortOptions, type Logger, PlaybackError } from "@atv/interface";
import { FileServer } from "./file-server.js";
import { localAddressReaching } from "./local-address.js";

export interface MediaSource {
  /** The URL to send the device. */
  readonly url: string;
  /** The server for a local file; close it once playback ended. */
  readonly server?: FileServer;
}

export interface ResolveMediaOptions extends AbortOptions {
  readonly logger?: Logger;
}

// "scheme:" with at least two letters, so a Windows drive ("C:\...") counts as a path.
const URL_SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * A URL for `urlOrPath` that `deviceHost` can fetch: a URL as given, or, for a local file
 * (a path or a file: URL), the URL of a FileServer started for it on the local address
 * that reaches the device. A path naming no regular file is a PlaybackError (the same
 * class the device's own failure would give), with the file system's error as `cause`.
 */
export async function resolveMediaSource(
  urlOrPath: string,
  deviceHost: string,
  options: ResolveMediaOptions = {},
): Promise<MediaSource> {
  options.signal?.throwIfAborted();
  const scheme = URL_SCHEME.exec(urlOrPath)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "file") return { url: urlOrPath };

  let path: string;
  try {
    path = scheme === "file" ? fileURLToPath(urlOrPath) : resolve(urlOrPath);
  } catch (error) {
    throw new PlaybackError(`not a local file URL: ${urlOrPath}`, { cause: error });
  }
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new PlaybackError(`not a regular file: ${path}`);
  } catch (error) {
    if (error instanceof PlaybackError) throw error;
    throw new PlaybackError(`cannot read local file ${path}`, { cause: error });
  }
  const host = await localAddressReaching(deviceHost, options);
  const server = await FileServer.start(path, {
    host,
    signal: options.signal,
    logger: options.logger,
  });
  return { url: server.url, server };
}
