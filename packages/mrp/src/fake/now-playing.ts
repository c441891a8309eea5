// What the fake device plays, and the messages that tell clients about it (after pyatv's
// tests/fake_device/mrp.py: a SET_STATE with the player's queue, then
// SET_NOW_PLAYING_CLIENT naming the app).

import { imageInfo } from "../image-info.js";
import {
  Command,
  ContentMediaType,
  MessageType,
  PlaybackState,
  type RepeatMode,
  type ShuffleMode,
} from "../protobuf/generated/enums.js";
import { createMessage } from "../protobuf/messages.js";
import type { CommandInfo, ContentItemMetadata, ProtocolMessage } from "../protobuf/types.js";
import { type FakePlayQueue, supportedCommandsOf } from "./player.js";

/** The player every fake app plays on (as the device's default player). */
export const FAKE_PLAYER_ID = "MediaRemote-DefaultPlayer";
/** pyatv's fake app, which the example use cases play in. */
export const FAKE_APP_BUNDLE_ID = "com.github.postlund.pyatv";
export const FAKE_APP_NAME = "Test app";

// Seconds from the Unix epoch to Cocoa's reference date (2001-01-01), in which MRP
// timestamps count.
const COCOA_EPOCH = 978_307_200;

/** What one app's player plays; every field optional, as a device may leave any out. */
export interface FakePlayingState {
  playbackState?: PlaybackState;
  playbackRate?: number;
  /** ContentMediaType: Audio or Video. */
  mediaType?: ContentMediaType;
  title?: string;
  artist?: string;
  album?: string;
  genre?: string;
  /** Seconds. */
  totalTime?: number;
  /** Seconds, as of `positionAt`; it runs on while playing. */
  position?: number;
  /** When `position` was true, in ms since the epoch; default: when the state was set. */
  positionAt?: number;
  seriesName?: string;
  seasonNumber?: number;
  episodeNumber?: number;
  contentIdentifier?: string;
  itunesStoreIdentifier?: number;
  /** The content item's identifier (which clients use as the hash). */
  identifier?: string;
  repeat?: RepeatMode;
  shuffle?: ShuffleMode;
  /**
   * Commands the player lists as supported (besides repeat and shuffle); default those it
   * obeys given its state.
   */
  supportedCommands?: Command[];
  /** The app's display name. */
  appName?: string;
  /** The artwork the device sends when asked (PLAYBACK_QUEUE_REQUEST). */
  artwork?: Uint8Array;
  /** Makes the item say it has artwork (artworkAvailable) of this type. */
  artworkMimeType?: string;
  /** Size the device says its artwork has; default the image's own size. */
  artworkWidth?: number;
  artworkHeight?: number;
  /** The item's artworkIdentifier (a URL template for Apple Music items). */
  artworkIdentifier?: string;
  /** The item's artworkURL. */
  artworkUrl?: string;
}

/** The player state of every app on the fake, and which app is now playing. */
export class FakeNowPlaying {
  readonly #apps = new Map<string, FakePlayingState>();
  readonly #queues = new Map<string, FakePlayQueue>();
  readonly #listeners = new Set<() => void>();
  #active: string | undefined;
  #known = false;

  /** The app now playing, if any. */
  get activeApp(): string | undefined {
    return this.#active;
  }

  /** What the app now playing plays, if anything. */
  get activeState(): FakePlayingState | undefined {
    return this.#active === undefined ? undefined : this.#apps.get(this.#active);
  }

  /** What `bundleId` plays, if it was told. */
  stateOf(bundleId: string): FakePlayingState | undefined {
    return this.#apps.get(bundleId);
  }

  /**
   * Records what `bundleId` plays; returns the SET_STATE that says so. A position given
   * without its moment is as of now.
   */
  setState(bundleId: string, state: FakePlayingState): ProtocolMessage {
    const stamped =
      state.position !== undefined && state.positionAt === undefined
        ? { ...state, positionAt: Date.now() }
        : state;
    this.#apps.set(bundleId, stamped);
    this.#changed();
    return setStateMessage(bundleId, stamped);
  }

  /** Calls `listener` after each change of what is playing; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** The queue `bundleId` plays through with next and previous, if it has one. */
  queueOf(bundleId: string): FakePlayQueue | undefined {
    return this.#queues.get(bundleId);
  }

  /** Gives `bundleId` a queue (or takes it away); its state is not changed here. */
  setQueue(bundleId: string, queue: FakePlayQueue | undefined): void {
    if (queue === undefined) this.#queues.delete(bundleId);
    else this.#queues.set(bundleId, queue);
  }

  /** Makes `bundleId` (or nobody) the app now playing; returns the message that says so. */
  setActive(bundleId: string | undefined, displayName?: string): ProtocolMessage {
    this.#active = bundleId;
    this.#known = true;
    this.#changed();
    return nowPlayingClientMessage(bundleId, displayName ?? this.stateOf(bundleId ?? "")?.appName);
  }

  /** What a client that just subscribed is told: the active app's state and the app. */
  currentMessages(): ProtocolMessage[] {
    if (!this.#known) return [];
    const active = this.#active;
    const state = active === undefined ? undefined : this.#apps.get(active);
    const messages: ProtocolMessage[] = [];
    if (active !== undefined && state !== undefined) {
      messages.push(setStateMessage(active, state));
    }
    messages.push(nowPlayingClientMessage(active, state?.appName));
    return messages;
  }
}

/** A SET_STATE for `bundleId`'s default player, its queue holding one item. */
export function setStateMessage(bundleId: string, state: FakePlayingState): ProtocolMessage {
  const message = createMessage(MessageType.SET_STATE_MESSAGE);
  const listed = state.supportedCommands ?? supportedCommandsOf(state);
  const commands: CommandInfo[] = listed.map((command) => ({
    command,
    enabled: true,
  }));
  if (state.repeat !== undefined) {
    commands.push({ command: Command.ChangeRepeatMode, repeatMode: state.repeat });
  }
  if (state.shuffle !== undefined) {
    commands.push({ command: Command.ChangeShuffleMode, shuffleMode: state.shuffle });
  }
  message.setStateMessage = {
    displayName: "Fake Player",
    ...(state.playbackState !== undefined ? { playbackState: state.playbackState } : {}),
    ...(commands.length > 0 ? { supportedCommands: { supportedCommands: commands } } : {}),
    playbackQueue: {
      location: 0,
      contentItems: [
        {
          ...(state.identifier !== undefined ? { identifier: state.identifier } : {}),
          metadata: itemMetadata(state),
        },
      ],
    },
    playerPath: {
      client: {
        processIdentifier: 123,
        bundleIdentifier: bundleId,
        ...(state.appName !== undefined ? { displayName: state.appName } : {}),
      },
      player: { identifier: FAKE_PLAYER_ID, displayName: "Default Player" },
    },
  };
  return message;
}

/** SET_NOW_PLAYING_CLIENT naming `bundleId`; without one, nothing is playing. */
export function nowPlayingClientMessage(
  bundleId: string | undefined,
  displayName?: string,
): ProtocolMessage {
  const message = createMessage(MessageType.SET_NOW_PLAYING_CLIENT_MESSAGE);
  message.setNowPlayingClientMessage = {
    client: {
      ...(bundleId !== undefined ? { bundleIdentifier: bundleId } : {}),
      ...(displayName !== undefined ? { displayName } : {}),
    },
  };
  return message;
}

/**
 * The answer to a PLAYBACK_QUEUE_REQUEST (`identifier` is the request's): a SET_STATE
 * whose queue holds the artwork, or no queue when there is no artwork (as pyatv's fake
 * device). The width and height are the ones the state names, else the image's own.
 */
export function playbackQueueResponseMessage(
  identifier: string | undefined,
  state: FakePlayingState | undefined,
): ProtocolMessage {
  const message = createMessage(MessageType.SET_STATE_MESSAGE, identifier ? { identifier } : {});
  const artwork = state?.artwork;
  if (artwork === undefined || artwork.length === 0) {
    message.setStateMessage = {};
    return message;
  }
  const image = imageInfo(artwork);
  const width = state?.artworkWidth ?? image?.width;
  const height = state?.artworkHeight ?? image?.height;
  message.setStateMessage = {
    playbackQueue: {
      location: 0,
      contentItems: [
        {
          ...(state?.identifier !== undefined ? { identifier: state.identifier } : {}),
          artworkData: artwork,
          ...(width ? { artworkDataWidth: width } : {}),
          ...(height ? { artworkDataHeight: height } : {}),
        },
      ],
    },
  };
  return message;
}

function itemMetadata(state: FakePlayingState): ContentItemMetadata {
  const metadata: ContentItemMetadata = {
    // The elapsed time is as of this moment; a playing item's position runs on from it.
    elapsedTimeTimestamp: (state.positionAt ?? Date.now()) / 1000 - COCOA_EPOCH,
  };
  const set = <K extends keyof ContentItemMetadata>(key: K, value: ContentItemMetadata[K]) => {
    if (value !== undefined) metadata[key] = value;
  };
  set("title", state.title);
  set("trackArtistName", state.artist);
  set("albumName", state.album);
  set("genre", state.genre);
  set("duration", state.totalTime);
  set("elapsedTime", state.position);
  set("playbackRate", state.playbackRate);
  set("mediaType", state.mediaType);
  set("seriesName", state.seriesName);
  set("seasonNumber", state.seasonNumber);
  set("episodeNumber", state.episodeNumber);
  set("contentIdentifier", state.contentIdentifier);
  set("iTunesStoreIdentifier", state.itunesStoreIdentifier);
  // As pyatv's fake: a MIME type means artwork is available; an empty one does not.
  if (state.artworkMimeType) {
    metadata.artworkAvailable = true;
    metadata.artworkMIMEType = state.artworkMimeType;
  }
  set("artworkURL", state.artworkUrl);
  set("artworkIdentifier", state.artworkIdentifier);
  return metadata;
}

/** pyatv's example video: a paused "dummy", 3 s into 123 s, in the test app. */
export function exampleVideoState(overrides: FakePlayingState = {}): FakePlayingState {
  return {
    playbackState: PlaybackState.Paused,
    playbackRate: 0,
    mediaType: ContentMediaType.Video,
    title: "dummy",
    totalTime: 123,
    position: 3,
    appName: FAKE_APP_NAME,
    ...overrides,
  };
}

/** pyatv's example music: a paused song, 22 s into 49 s. */
export function exampleMusicState(overrides: FakePlayingState = {}): FakePlayingState {
  return {
    playbackState: PlaybackState.Paused,
    playbackRate: 0,
    mediaType: ContentMediaType.Audio,
    title: "music",
    artist: "artist",
    album: "album",
    genre: "genre",
    totalTime: 49,
    position: 22,
    appName: FAKE_APP_NAME,
    ...overrides,
  };
}
