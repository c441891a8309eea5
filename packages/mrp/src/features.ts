// Which features an MRP session offers right now (after pyatv's MrpFeatures in
// protocols/mrp/__init__.py): some always, some while the player lists the command as
// enabled, some while the current item has the field, volume while the device offers
// volume control.

import {
  collectFeatures,
  type FeatureInfo,
  FeatureName,
  FeatureState,
  type Features,
  featuresInState,
} from "@atv/interface";
import type { PlayerStateManager } from "./player-state.js";
import { Command, PlaybackState } from "./protobuf/generated/enums.js";

/** What the features need to know of the audio part. */
export interface VolumeControlState {
  readonly isAvailable: boolean;
  readonly isVolumeAbsolute: boolean;
}

// Always there over MRP: keys, power and output devices (pyatv's _FEATURES_SUPPORTED).
const ALWAYS = new Set<FeatureName>([
  FeatureName.Down,
  FeatureName.Home,
  FeatureName.HomeHold,
  FeatureName.Left,
  FeatureName.Menu,
  FeatureName.Right,
  FeatureName.Select,
  FeatureName.TopMenu,
  FeatureName.Up,
  FeatureName.TurnOn,
  FeatureName.TurnOff,
  FeatureName.PowerState,
  FeatureName.OutputDevices,
  FeatureName.AddOutputDevices,
  FeatureName.RemoveOutputDevices,
  FeatureName.SetOutputDevices,
]);

// Available while the active player lists the command as enabled.
const BY_COMMAND = new Map<FeatureName, number>([
  [FeatureName.Next, Command.NextTrack],
  [FeatureName.Pause, Command.Pause],
  [FeatureName.Play, Command.Play],
  [FeatureName.PlayPause, Command.TogglePlayPause],
  [FeatureName.Previous, Command.PreviousTrack],
  [FeatureName.Stop, Command.Stop],
  [FeatureName.SetPosition, Command.SeekToPlaybackPosition],
  [FeatureName.SetRepeat, Command.ChangeRepeatMode],
  [FeatureName.SetShuffle, Command.ChangeShuffleMode],
  [FeatureName.Shuffle, Command.ChangeShuffleMode],
  [FeatureName.Repeat, Command.ChangeRepeatMode],
  [FeatureName.SkipForward, Command.SkipForward],
  [FeatureName.SkipBackward, Command.SkipBackward],
]);

// Available while the current item's metadata has the field.
const BY_FIELD = new Map<FeatureName, string>([
  [FeatureName.Title, "title"],
  [FeatureName.Artist, "trackArtistName"],
  [FeatureName.Album, "albumName"],
  [FeatureName.Genre, "genre"],
  [FeatureName.TotalTime, "duration"],
  [FeatureName.SeriesName, "seriesName"],
  [FeatureName.Position, "elapsedTimeTimestamp"],
  [FeatureName.SeasonNumber, "seasonNumber"],
  [FeatureName.EpisodeNumber, "episodeNumber"],
  [FeatureName.ContentIdentifier, "contentIdentifier"],
  [FeatureName.iTunesStoreIdentifier, "iTunesStoreIdentifier"],
]);

const AVAILABLE: FeatureInfo = Object.freeze({ state: FeatureState.Available });
const UNAVAILABLE: FeatureInfo = Object.freeze({ state: FeatureState.Unavailable });
const UNSUPPORTED: FeatureInfo = Object.freeze({ state: FeatureState.Unsupported });

function availableIf(condition: boolean): FeatureInfo {
  return condition ? AVAILABLE : UNAVAILABLE;
}

export class MrpFeatures implements Features {
  readonly #state: PlayerStateManager;
  readonly #volume: VolumeControlState;

  constructor(state: PlayerStateManager, volume: VolumeControlState) {
    this.#state = state;
    this.#volume = volume;
  }

  getFeature(name: FeatureName): FeatureInfo {
    if (ALWAYS.has(name)) return AVAILABLE;
    const player = this.#state.playing;
    const metadata = player.metadata as Record<string, unknown> | undefined;

    if (name === FeatureName.Artwork) return availableIf(metadata?.artworkAvailable === true);
    const field = BY_FIELD.get(name);
    if (field !== undefined) {
      const value = metadata?.[field];
      return availableIf(value !== undefined && value !== null);
    }

    // Apps that only list play and pause (YouTube, say) still toggle: the one opposite
    // to the current state stands in for play_pause, as pyatv's emulation does.
    if (name === FeatureName.PlayPause) {
      const state = player.playbackState;
      if (state === PlaybackState.Playing && this.#available(FeatureName.Pause)) return AVAILABLE;
      if (state === PlaybackState.Paused && this.#available(FeatureName.Play)) return AVAILABLE;
    }
    const command = BY_COMMAND.get(name);
    if (command !== undefined) return availableIf(player.commandInfo(command)?.enabled === true);

    switch (name) {
      case FeatureName.App:
        // As metadata.app: a client without a bundle identifier is no app.
        return availableIf((this.#state.client?.bundleIdentifier ?? "") !== "");
      case FeatureName.VolumeUp:
      case FeatureName.VolumeDown:
        return availableIf(this.#volume.isAvailable);
      case FeatureName.Volume:
      case FeatureName.SetVolume:
        return availableIf(this.#volume.isAvailable && this.#volume.isVolumeAbsolute);
      default:
        return UNSUPPORTED;
    }
  }

  allFeatures(includeUnsupported = false): Map<FeatureName, FeatureInfo> {
    return collectFeatures(this, includeUnsupported);
  }

  inState(states: FeatureState | readonly FeatureState[], ...names: FeatureName[]): boolean {
    return featuresInState(this, states, names);
  }

  #available(name: FeatureName): boolean {
    return this.getFeature(name).state === FeatureState.Available;
  }
}
