// The fake device's answers about playback: GET /playback-info bodies (binary plists) and
// the GET /scrub text. Keys and shapes of a playing item follow the unofficial AirPlay
// specification's recorded answer (duration, position, rate, readyToPlay, the buffer
// flags, loadedTimeRanges and seekableTimeRanges); pyatv reads only "duration" and
// "error", and its own fake answers {readyToPlay: false, uuid} when nothing plays.

import { encodePlist, type PlistInput, PlistReal } from "@atv/plist";

/** What the device's player is doing. */
export type FakePlaybackStatus = "idle" | "loading" | "playing" | "paused" | "failed" | "finished";

/** A failure as a device's player reports it: an NSError's code and domain. */
export interface FakePlaybackFailure {
  readonly code: number;
  readonly domain: string;
}

/**
 * AVFoundation's "The operation could not be completed" (AVErrorUnknown, -11800), the
 * error players report for media they cannot load.
 */
export const LOAD_FAILURE: FakePlaybackFailure = {
  code: -11800,
  domain: "AVFoundationErrorDomain",
};

export interface PlaybackSnapshot {
  readonly status: FakePlaybackStatus;
  /** Seconds. */
  readonly duration: number;
  /** Seconds. */
  readonly position: number;
  readonly rate: number;
  readonly failure?: FakePlaybackFailure;
  /** The AirPlay 2 client's "uuid", echoed back. */
  readonly uuid?: string;
}

export function playbackInfoBody(snapshot: PlaybackSnapshot): Uint8Array {
  return encodePlist(playbackInfoValue(snapshot));
}

/** What /playback-info answers, before it is written as a binary or an XML plist. */
export function playbackInfoValue(snapshot: PlaybackSnapshot): PlistInput {
  const uuid: Record<string, PlistInput> =
    snapshot.uuid === undefined ? {} : { uuid: snapshot.uuid };
  switch (snapshot.status) {
    case "idle":
    case "finished":
      return { readyToPlay: false, ...uuid };
    case "loading":
      return {
        readyToPlay: false,
        playbackBufferEmpty: true,
        playbackBufferFull: false,
        playbackLikelyToKeepUp: false,
        ...uuid,
      };
    case "failed": {
      const failure = snapshot.failure ?? LOAD_FAILURE;
      return {
        readyToPlay: false,
        error: { code: failure.code, domain: failure.domain },
        ...uuid,
      };
    }
    case "playing":
    case "paused": {
      const range = { start: new PlistReal(0), duration: new PlistReal(snapshot.duration) };
      return {
        duration: new PlistReal(snapshot.duration),
        position: new PlistReal(snapshot.position),
        rate: new PlistReal(snapshot.rate),
        readyToPlay: true,
        playbackBufferEmpty: false,
        playbackBufferFull: true,
        playbackLikelyToKeepUp: true,
        loadedTimeRanges: [range],
        seekableTimeRanges: [range],
        ...uuid,
      };
    }
  }
}

/** GET /scrub: "duration: 83.124794\nposition: 14.467000" (text/parameters). */
export function scrubBody(snapshot: PlaybackSnapshot): Uint8Array {
  const loaded = snapshot.status === "playing" || snapshot.status === "paused";
  const duration = loaded ? snapshot.duration : 0;
  const position = loaded ? snapshot.position : 0;
  return new TextEncoder().encode(
    `duration: ${duration.toFixed(6)}\nposition: ${position.toFixed(6)}\n`,
  );
}
