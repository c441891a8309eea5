// What is playing, from a playstatusupdate answer (the cmst container), built as pyatv's
// build_playing_instance and daap.py's media_kind/playstate/ms_to_s do.

import {
  createPlaying,
  DeviceState,
  InvalidDmapDataError,
  MediaType,
  type Playing,
  RepeatState,
  ShuffleState,
  UnknownMediaKindError,
  UnknownPlayStateError,
} from "@atv/interface";
import { type DmapNode, first } from "../tags/index.js";

/** iTunes media kind (cmmk) to media type, as daap.py's media_kind. */
export function mediaKind(kind: number): MediaType {
  if (kind === 1 || kind === 32770) return MediaType.Unknown;
  if ([3, 7, 11, 12, 13, 18, 32].includes(kind)) return MediaType.Video;
  if ([2, 4, 10, 14, 17, 21, 36].includes(kind)) return MediaType.Music;
  if (kind === 8 || kind === 64) return MediaType.TV;
  throw new UnknownMediaKindError(`Unknown media kind: ${kind}`);
}

/** iTunes play state (caps) to device state, as daap.py's playstate. */
export function playState(state: number | undefined): DeviceState {
  switch (state) {
    case undefined:
    case 0:
      return DeviceState.Idle;
    case 1:
      return DeviceState.Loading;
    case 2:
      return DeviceState.Stopped;
    case 3:
      return DeviceState.Paused;
    case 4:
      return DeviceState.Playing;
    case 5:
    case 6:
      return DeviceState.Seeking;
    default:
      throw new UnknownPlayStateError(`Unknown playstate: ${state}`);
  }
}

/** Milliseconds to whole seconds as daap.py's ms_to_s: missing or 2^32-1 and up is 0. */
export function msToS(time: number | undefined): number {
  if (time === undefined || time >= 2 ** 32 - 1) return 0;
  return roundHalfEven(time / 1000);
}

// Python's round(): halves go to the even neighbour (2.5 -> 2, 3.5 -> 4).
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Read access to the fields of a playstatus answer, checking each field's type. */
export class PlayStatusFields {
  readonly #nodes: readonly DmapNode[];

  constructor(nodes: readonly DmapNode[]) {
    this.#nodes = nodes;
  }

  /** The raw value of cmst.<tag>, or undefined. */
  value(tag: string): unknown {
    return first(this.#nodes, "cmst", tag);
  }

  uint(tag: string): number | undefined {
    const value = this.value(tag);
    if (value === undefined) return undefined;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
    throw new InvalidDmapDataError(`playstatus field ${tag} is not an unsigned integer`);
  }

  string(tag: string): string | undefined {
    const value = this.value(tag);
    if (value === undefined || typeof value === "string") return value;
    throw new InvalidDmapDataError(`playstatus field ${tag} is not a string`);
  }
}

/**
 * What is playing according to a playstatusupdate answer. Throws InvalidDmapDataError
 * for fields of the wrong type or an unknown repeat mode, UnknownMediaKindError and
 * UnknownPlayStateError for kinds and states pyatv does not know.
 */
export function buildPlaying(playstatus: readonly DmapNode[]): Playing {
  const fields = new PlayStatusFields(playstatus);
  const caps = fields.uint("caps");
  const title = fields.string("cann");
  const artist = fields.string("cana");
  const album = fields.string("canl");
  const genre = fields.string("cang");
  // Absent total time is 0, not unknown, in pyatv: it is part of the hash as "0".
  const totalTime = msToS(fields.uint("cast"));
  const remaining = msToS(fields.uint("cant"));
  return createPlaying({
    mediaType: mediaType(caps, fields.uint("cmmk"), artist, album),
    deviceState: playState(caps),
    title,
    artist,
    album,
    genre,
    totalTime,
    position: totalTime && remaining ? totalTime - remaining : undefined,
    // DMAP has no "albums" shuffle: any shuffle is songs (pyatv).
    shuffle: fields.uint("cash") ? ShuffleState.Songs : ShuffleState.Off,
    repeat: repeatState(fields.uint("carp")),
  });
}

function mediaType(
  caps: number | undefined,
  kind: number | undefined,
  artist: string | undefined,
  album: string | undefined,
): MediaType {
  if (!caps) return MediaType.Unknown;
  if (kind !== undefined) return mediaKind(kind);
  // Without a media kind, pyatv takes artist or album for music (videos have neither).
  return artist || album ? MediaType.Music : MediaType.Video;
}

function repeatState(value: number | undefined): RepeatState {
  switch (value) {
    case undefined:
    case 0:
      return RepeatState.Off;
    case 1:
      return RepeatState.Track;
    case 2:
      return RepeatState.All;
    default:
      throw new InvalidDmapDataError(`unknown repeat state: ${value}`);
  }
}
