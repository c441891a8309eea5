// The fake device's side of loading media: it really fetches the URL it was given (as a
// device's player does), so a test can check what a client served. Bounded in time and in
// bytes: reading stops at a cap, the rest is left unread.

import { createHash } from "node:crypto";
import { deadline } from "@atv/interface";

export interface FetchMediaOptions {
  readonly signal?: AbortSignal;
  /** Longest time for the whole fetch, body included, in milliseconds. */
  readonly timeout: number;
  /** Most bytes to read; the body is cut there. */
  readonly maxBytes: number;
}

export interface FetchedMedia {
  /** Bytes read. */
  readonly bytes: number;
  /** SHA-256 of the bytes read, lower-case hex. */
  readonly sha256: string;
  /** The body went on past `maxBytes`. */
  readonly truncated: boolean;
  readonly contentType?: string;
}

/**
 * GETs an http(s) URL and reads its body, hashing it. Rejects for other schemes, a status
 * other than 2xx, a network failure, the timeout or the signal.
 */
export async function fetchMedia(url: string, options: FetchMediaOptions): Promise<FetchedMedia> {
  const scheme = URL.canParse(url) ? new URL(url).protocol : "";
  if (scheme !== "http:" && scheme !== "https:") throw new Error(`cannot fetch ${url}`);
  const wait = deadline(options.timeout, options.signal);
  try {
    const response = await fetch(url, { signal: wait.signal, redirect: "follow" });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    const hash = createHash("sha256");
    const reader = response.body.getReader();
    let bytes = 0;
    let truncated = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const room = options.maxBytes - bytes;
        if (value.length > room) {
          hash.update(value.subarray(0, room));
          bytes += room;
          truncated = true;
          break;
        }
        hash.update(value);
        bytes += value.length;
      }
    } finally {
      if (truncated) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    const contentType = response.headers.get("content-type") ?? undefined;
    return { bytes, sha256: hash.digest("hex"), truncated, contentType };
  } catch (error) {
    // The deadline's own reason says "timed out"; the caller's abort keeps its reason.
    if (wait.signal.aborted && wait.timedOut) {
      throw new Error(`timed out after ${options.timeout} ms fetching ${url}`, { cause: error });
    }
    throw error;
  } finally {
    wait.clear();
  }
}
