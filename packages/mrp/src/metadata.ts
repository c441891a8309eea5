// What is playing, read from the player state (after pyatv's build_playing_instance and
// MrpMetadata in protocols/mrp/__init__.py).

import {
  type AbortOptions,
  type App,
  type ArtworkInfo,
  type ArtworkOptions,
  createPlaying,
  DeviceState,
  MediaType,
  type Metadata,
  type Playing,
  RepeatState,
  ShuffleState,
} from "@atv/interface";
import { type ArtworkRequester, MrpArtwork, type MrpArtworkOptions } from "./artwork.js";
import type { PlayerState, PlayerStateManager } from "./player-state.js";
import {
  Command,
  ContentMediaType,
  PlaybackState,
  RepeatMode,
  ShuffleMode,
} from "./protobuf/generated/enums.js";

/** Seconds from the Unix epoch to Cocoa's reference date, 2001-01-01 UTC. */
const COCOA_EPOCH = 978_307_200;

const DEVICE_STATES = new Map<number | undefined, DeviceState>([
  [undefined, DeviceState.Idle],
  [PlaybackState.Playing, DeviceState.Playing],
  [PlaybackState.Paused, DeviceState.Paused],
  [PlaybackState.Stopped, DeviceState.Stopped],
  [PlaybackState.Interrupted, DeviceState.Loading],
  [PlaybackState.Seeking, DeviceState.Seeking],
]);

/**
 * What `player` plays, at `now` (ms since the Unix epoch): the position runs on from the
 * elapsed time the device last sent while it plays at a non-zero rate.
 */
export function buildPlaying(player: PlayerState, now: number = Date.now()): Playing {
  const metadata = player.metadata;
  const field = <T>(name: string, type: "string" | "number"): T | undefined => {
    const value = (metadata as Record<string, unknown> | undefined)?.[name];
    return typeof value === type ? (value as T) : undefined;
  };
  const str = (name: string) => field<string>(name, "string");
  const num = (name: string) => field<number>(name, "number");

  // pyatv maps an unknown playback state to Paused.
  const deviceState = DEVICE_STATES.get(player.playbackState) ?? DeviceState.Paused;

  let mediaType: MediaType = MediaType.Unknown;
  const contentType = num("mediaType");
  if (contentType === ContentMediaType.Audio) mediaType = MediaType.Music;
  else if (contentType === ContentMediaType.Video) mediaType = MediaType.Video;

  const duration = num("duration");
  const totalTime =
    duration === undefined || !Number.isFinite(duration) ? undefined : Math.trunc(duration);

  let position: number | undefined;
  const timestamp = num("elapsedTimeTimestamp");
  if (timestamp) {
    const elapsed = num("elapsedTime") || 0;
    const rate = num("playbackRate") || 0;
    const sinceUpdate = now / 1000 - (timestamp + COCOA_EPOCH);
    const running = deviceState === DeviceState.Playing && rate !== 0;
    const value = Math.trunc(running ? elapsed + sinceUpdate : elapsed);
    position = Number.isFinite(value) ? value : undefined;
  }

  return createPlaying({
    mediaType,
    deviceState,
    title: str("title"),
    artist: str("trackArtistName"),
    album: str("albumName"),
    genre: str("genre"),
    totalTime,
    position,
    shuffle: shuffleOf(player),
    repeat: repeatOf(player),
    // The item's identifier when it has one; createPlaying falls back to pyatv's digest.
    hash: player.itemIdentifier,
    seriesName: str("seriesName"),
    seasonNumber: num("seasonNumber"),
    episodeNumber: num("episodeNumber"),
    contentIdentifier: str("contentIdentifier"),
    itunesStoreIdentifier: num("iTunesStoreIdentifier"),
  });
}

function shuffleOf(player: PlayerState): ShuffleState {
  const info = player.commandInfo(Command.ChangeShuffleMode);
  if (info === undefined) return ShuffleState.Off;
  // As pyatv: a command without a known mode reads as shuffling songs.
  if (info.shuffleMode === ShuffleMode.Off) return ShuffleState.Off;
  if (info.shuffleMode === ShuffleMode.Albums) return ShuffleState.Albums;
  return ShuffleState.Songs;
}

function repeatOf(player: PlayerState): RepeatState {
  const mode = player.commandInfo(Command.ChangeRepeatMode)?.repeatMode;
  if (mode === RepeatMode.One) return RepeatState.Track;
  if (mode === RepeatMode.All) return RepeatState.All;
  return RepeatState.Off;
}

type MrpMetadataMembers = "deviceId" | "playing" | "app" | "artwork" | "artworkId";

export interface MrpMetadataOptions extends MrpArtworkOptions {
  /** The clock, in ms since the Unix epoch (tests pin it). */
  now?: () => number;
}

/** What is playing, in which app, and its artwork, over MRP (pyatv's MrpMetadata). */
export class MrpMetadata implements Pick<Metadata, MrpMetadataMembers> {
  readonly #state: PlayerStateManager;
  readonly #deviceId: string | undefined;
  readonly #now: () => number;
  readonly #artwork: MrpArtwork;

  /** `protocol` is asked for artwork the device holds itself (MrpProtocol will do). */
  constructor(
    state: PlayerStateManager,
    deviceId: string | undefined,
    protocol: ArtworkRequester,
    options: MrpMetadataOptions = {},
  ) {
    const { now = Date.now, ...artwork } = options;
    this.#state = state;
    this.#deviceId = deviceId;
    this.#now = now;
    this.#artwork = new MrpArtwork(state, protocol, artwork);
  }

  get deviceId(): string | undefined {
    return this.#deviceId;
  }

  /** What the active app's active player plays; Idle when nothing does. */
  async playing(opts: AbortOptions = {}): Promise<Playing> {
    opts.signal?.throwIfAborted();
    return this.playingNow();
  }

  /** `playing()` without the promise, for push updates. */
  playingNow(): Playing {
    return buildPlaying(this.#state.playing, this.#now());
  }

  /** Identifies the current artwork; undefined when there is none. */
  get artworkId(): string | undefined {
    return this.#artwork.id;
  }

  /**
   * The artwork of what is playing, or undefined when there is none. `width` defaults to
   * 512; the device may answer with another size. Rejects only when the device cannot be
   * asked (ConnectionLostError, OperationTimeoutError) or on abort.
   */
  artwork(opts: ArtworkOptions = {}): Promise<ArtworkInfo | undefined> {
    return this.#artwork.artwork(opts);
  }

  /** The app now playing; undefined when the device names none. */
  get app(): App | undefined {
    const client = this.#state.client;
    if (client === undefined || client.bundleIdentifier === "") return undefined;
    return { name: client.displayName, identifier: client.bundleIdentifier };
  }
}
