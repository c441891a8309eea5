// Plays a URL or a local file (pyatv's AirPlayStream.play_url without the connection
// and the takeover, which belong to the caller): a local file is served for as long as
// the playback lasts.

import type { HttpExchange } from "../http/types.js";
import { resolveMediaSource } from "./media-source.js";
import { type AirPlayPlayOptions, playUrl } from "./player.js";

/**
 * Plays `urlOrPath` on the device at `deviceHost` through `exchange`. A path that names no
 * file is a PlaybackError before anything is sent; a served file's server is closed when
 * playback ends, however it ends.
 */
export async function playMedia(
  exchange: HttpExchange,
  urlOrPath: string,
  deviceHost: string,
  options: AirPlayPlayOptions,
): Promise<void> {
  const source = await resolveMediaSource(urlOrPath, deviceHost, {
    signal: options.signal,
    logger: options.logger,
  });
  try {
    await playUrl(exchange, source.url, options);
  } finally {
    await source.server?.close();
  }
}
