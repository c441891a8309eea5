import { createHash } from "node:crypto";
import type { Playing } from "./api/metadata.js";
import { DeviceState, MediaType } from "./const.js";
import { deviceStateStr, mediaTypeStr, repeatStr, shuffleStr } from "./convert.js";

/** What `createPlaying` takes: any fields of Playing; the hash is computed when missing. */
export type PlayingInit = { -readonly [K in keyof Playing]?: Playing[K] | undefined };

// Every field of Playing, in pyatv's order; equality and copies go over this list.
const FIELDS = [
  "mediaType",
  "deviceState",
  "title",
  "artist",
  "album",
  "genre",
  "totalTime",
  "position",
  "shuffle",
  "repeat",
  "hash",
  "seriesName",
  "seasonNumber",
  "episodeNumber",
  "contentIdentifier",
  "itunesStoreIdentifier",
] as const satisfies readonly (keyof Playing)[];

/**
 * A frozen Playing: media type Unknown and state Idle unless given, the position kept
 * within 0 and the total time, and the hash computed when the device sent none.
 */
export function createPlaying(init: PlayingInit = {}): Playing {
  let position = init.position;
  // Devices report positions slightly past the end, or below zero while seeking.
  if (position) {
    position = Math.max(position, 0);
    if (init.totalTime) position = Math.min(position, init.totalTime);
  }
  const playing: { -readonly [K in keyof Playing]: Playing[K] } = {
    mediaType: MediaType.Unknown,
    deviceState: DeviceState.Idle,
    title: undefined,
    artist: undefined,
    album: undefined,
    genre: undefined,
    totalTime: undefined,
    position: undefined,
    shuffle: undefined,
    repeat: undefined,
    hash: "",
    seriesName: undefined,
    seasonNumber: undefined,
    episodeNumber: undefined,
    contentIdentifier: undefined,
    itunesStoreIdentifier: undefined,
  };
  const fields = playing as Record<keyof Playing, unknown>;
  for (const field of FIELDS) {
    const value = init[field];
    if (value !== undefined) fields[field] = value;
  }
  playing.position = position;
  playing.hash = init.hash || playingHash(init);
  return Object.freeze(playing);
}

/**
 * pyatv's hash of what is playing: SHA-256 (hex) of title, artist, album and total time
 * joined as Python formats them, so a missing value reads "None". Apps key on it, so it
 * must equal pyatv's byte for byte.
 */
export function playingHash(
  playing: Pick<PlayingInit, "title" | "artist" | "album" | "totalTime">,
): string {
  const text = (value: string | number | undefined) =>
    value === undefined ? "None" : String(value);
  const base = `${text(playing.title)}${text(playing.artist)}${text(playing.album)}${text(playing.totalTime)}`;
  // Push updates rebuild Playing at every position change of the same item: keep the
  // last digest rather than hashing the same text again.
  if (base !== lastHash.base) {
    lastHash.base = base;
    lastHash.digest = createHash("sha256").update(base, "utf8").digest("hex");
  }
  return lastHash.digest;
}

const lastHash = { base: "", digest: "" };

/** True when every field is equal (push updaters publish only changes). */
export function playingEquals(a: Playing, b: Playing): boolean {
  return FIELDS.every((field) => a[field] === b[field]);
}

/** pyatv's multi-line layout of what is playing, as atvremote prints it. */
export function playingStr(playing: Playing): string {
  const lines = [
    `  Media type: ${mediaTypeStr(playing.mediaType)}`,
    `Device state: ${deviceStateStr(playing.deviceState)}`,
  ];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined) lines.push(`${label}: ${value}`);
  };
  add("       Title", playing.title);
  add("      Artist", playing.artist);
  add("       Album", playing.album);
  add("       Genre", playing.genre);
  add(" Series Name", playing.seriesName);
  add("      Season", playing.seasonNumber);
  add("     Episode", playing.episodeNumber);
  if (playing.contentIdentifier) add("  Identifier", playing.contentIdentifier);

  const { position, totalTime } = playing;
  if (position !== undefined && totalTime !== undefined && totalTime !== 0) {
    lines.push(`    Position: ${position}/${totalTime}s (${percent(position / totalTime)})`);
  } else if (position !== undefined && position !== 0) {
    lines.push(`    Position: ${position}s`);
  } else if (totalTime !== undefined && position !== 0) {
    lines.push(`  Total time: ${totalTime}s`);
  }

  if (playing.repeat !== undefined) add("      Repeat", repeatStr(playing.repeat));
  if (playing.shuffle !== undefined) add("     Shuffle", shuffleStr(playing.shuffle));
  add("iTunes Store Identifier", playing.itunesStoreIdentifier);
  return lines.join("\n");
}

// Python's "{:.1%}": the ratio times 100 with one decimal. Both Python and toFixed round
// the exact binary value, but on an exact tie Python rounds to even where toFixed rounds
// up. The only exact ties at one decimal are x.25 and x.75 (x.05 and the like are not
// exactly representable), i.e. values whose quadruple is an odd integer.
function percent(ratio: number): string {
  const value = ratio * 100;
  let text = value.toFixed(1);
  const quarters = value * 4;
  if (Number.isSafeInteger(quarters) && Math.abs(quarters % 2) === 1) {
    const down = Math.floor(value * 10);
    text = ((down % 2 === 0 ? down : down + 1) / 10).toFixed(1);
  }
  return `${text}%`;
}
