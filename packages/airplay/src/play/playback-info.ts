// What a device's answer to GET /playback-info says, by pyatv's reading
// (protocols/airplay/player.py, _wait_for_media_to_end): an "error" dictionary means the
// playback failed; a "duration" key means media is loaded and playing; anything else (an
// empty body, {readyToPlay: false}) means nothing plays, either not yet or any more.

import { PlaybackError } from "@atv/interface";
import {
  decodeAnyPlist,
  decodePlist,
  isPlistDictionary,
  type PlistValue,
  plistDict,
} from "@atv/plist";

export interface PlaybackInfo {
  /** Media is loaded: the answer has a "duration" (pyatv's only test for it). */
  readonly playing: boolean;
  /** Seconds, when given as a number. */
  readonly duration?: number;
  /** Seconds, when given as a number. */
  readonly position?: number;
  /** 1 playing, 0 paused, when given as a number. */
  readonly rate?: number;
  /** As reported; pyatv does not look at it, nor does `playing`. */
  readonly readyToPlay?: boolean;
}

/**
 * Reads an answer's body. An undecodable body or one that is not a dictionary is a
 * ProtocolError; an "error" entry is a PlaybackError with the device's code and domain,
 * worded as pyatv's ("got error -11800 (AVFoundationErrorDomain) when playing video").
 */
export function parsePlaybackInfo(body: Uint8Array): PlaybackInfo {
  // pyatv: "Got playback-info response without content" counts as an empty dictionary.
  if (body.length === 0) return { playing: false };
  return playbackInfoOf(decodePlist(body));
}

/** The same for a body in either plist form: AirPlay 1 receivers answer in XML. */
export function readPlaybackInfo(body: Uint8Array): PlaybackInfo {
  if (body.length === 0) return { playing: false };
  return playbackInfoOf(decodeAnyPlist(body));
}

function playbackInfoOf(value: PlistValue): PlaybackInfo {
  const info = plistDict(value, "playback-info");
  if (Object.hasOwn(info, "error")) {
    const error = info.error;
    const details = isPlistDictionary(error) ? error : {};
    const code = describe(details.code) ?? "unknown";
    const domain = describe(details.domain) ?? "unknown domain";
    throw new PlaybackError(`got error ${code} (${domain}) when playing video`);
  }
  return {
    playing: Object.hasOwn(info, "duration"),
    duration: seconds(info.duration),
    position: seconds(info.position),
    rate: seconds(info.rate),
    readyToPlay: typeof info.readyToPlay === "boolean" ? info.readyToPlay : undefined,
  };
}

function seconds(value: PlistValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

// A code or domain as text: numbers and strings as they are, anything else not at all.
function describe(value: PlistValue | undefined): string | undefined {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return value;
  return undefined;
}
