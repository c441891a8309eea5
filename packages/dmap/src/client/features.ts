// Which features DMAP has, guessed as pyatv's DmapFeatures does: some are always
// available, some supported but of unknown availability, some available when the last
// play status had their field.

import { type FeatureInfo, FeatureName, FeatureState, type Features } from "@atv/interface";
import { first } from "../tags/index.js";
import type { DmapAudio } from "./audio.js";
import type { DmapCommands } from "./commands.js";

const AVAILABLE: ReadonlySet<FeatureName> = new Set([
  FeatureName.Down,
  FeatureName.Left,
  FeatureName.Menu,
  FeatureName.Right,
  FeatureName.Select,
  FeatureName.TopMenu,
  FeatureName.Up,
]);

const UNKNOWN: ReadonlySet<FeatureName> = new Set([
  FeatureName.Artwork,
  FeatureName.Next,
  FeatureName.Pause,
  FeatureName.Play,
  FeatureName.PlayPause,
  FeatureName.Previous,
  FeatureName.SetPosition,
  FeatureName.SetRepeat,
  FeatureName.SetShuffle,
  FeatureName.Stop,
  FeatureName.SkipForward,
  FeatureName.SkipBackward,
]);

// The play status field whose presence makes a feature available. Title looks at caps,
// not cann: so does pyatv.
const FIELDS: ReadonlyMap<FeatureName, string> = new Map([
  [FeatureName.Title, "caps"],
  [FeatureName.Artist, "cann"],
  [FeatureName.Album, "canl"],
  [FeatureName.Genre, "cang"],
  [FeatureName.TotalTime, "cast"],
  [FeatureName.Position, "cant"],
  [FeatureName.Shuffle, "cash"],
  [FeatureName.Repeat, "carp"],
]);

/** Every feature DMAP manages (pyatv's setup() features): what core may ask it about. */
export const DMAP_FEATURES: ReadonlySet<FeatureName> = new Set([
  ...AVAILABLE,
  ...UNKNOWN,
  ...FIELDS.keys(),
  FeatureName.VolumeUp,
  FeatureName.VolumeDown,
  FeatureName.Volume,
  FeatureName.SetVolume,
]);

export class DmapFeatures implements Pick<Features, "getFeature"> {
  readonly #commands: DmapCommands;
  readonly #audio: DmapAudio;

  constructor(commands: DmapCommands, audio: DmapAudio) {
    this.#commands = commands;
    this.#audio = audio;
  }

  getFeature(name: FeatureName): FeatureInfo {
    if (AVAILABLE.has(name)) return { state: FeatureState.Available };
    if (UNKNOWN.has(name)) return { state: FeatureState.Unknown };
    const field = FIELDS.get(name);
    if (field !== undefined) return { state: this.#present(field) };
    // Volume buttons work when the device says it has volume control (cavc true).
    if (name === FeatureName.VolumeUp || name === FeatureName.VolumeDown) {
      return { state: this.#present("cavc", true) };
    }
    // The level, where the device told it (getproperty dmcp.volume; not in pyatv).
    if (name === FeatureName.Volume || name === FeatureName.SetVolume) {
      return {
        state: this.#audio.hasLevel ? this.#present("cavc", true) : FeatureState.Unavailable,
      };
    }
    return { state: FeatureState.Unsupported };
  }

  /** Whether the device last said it has volume control (cmst.cavc). */
  get volumeControl(): boolean {
    return this.#present("cavc", true) === FeatureState.Available;
  }

  #present(tag: string, expected?: true): FeatureState {
    const playstatus = this.#commands.latestPlaystatus;
    if (playstatus === undefined) return FeatureState.Unavailable;
    const value = first(playstatus, "cmst", tag);
    if (value === undefined) return FeatureState.Unavailable;
    if (expected && value !== true && value !== 1) return FeatureState.Unavailable;
    return FeatureState.Available;
  }
}
