// What a Companion session can do (after pyatv's CompanionFeatures, MEDIA_CONTROL_MAP and
// SUPPORTED_FEATURES in protocols/companion/__init__.py, MIT). Playback and volume follow
// the media control flags of the device's `_iMC` events; the rest is assumed available
// whenever Companion is connected, as pyatv has no way to check.

import {
  type FeatureInfo,
  FeatureName,
  FeatureState,
  type Features,
  type Logger,
  PowerState,
  silentLogger,
} from "@atv/interface";
import { MediaControlFlags } from "../device-status.js";
import { mediaControlFlagsOf } from "./audio.js";
import type { CompanionProtocol } from "./protocol.js";

/** pyatv's MEDIA_CONTROL_MAP: the `_mcF` bit each playback feature needs. */
export const MEDIA_CONTROL_MAP: ReadonlyMap<FeatureName, number> = new Map<FeatureName, number>([
  [FeatureName.Play, MediaControlFlags.Play],
  [FeatureName.Pause, MediaControlFlags.Pause],
  [FeatureName.Next, MediaControlFlags.NextTrack],
  [FeatureName.Previous, MediaControlFlags.PreviousTrack],
  [FeatureName.Volume, MediaControlFlags.Volume],
  [FeatureName.SetVolume, MediaControlFlags.Volume],
  [FeatureName.SkipForward, MediaControlFlags.SkipForward],
  [FeatureName.SkipBackward, MediaControlFlags.SkipBackward],
]);

/** pyatv's SUPPORTED_FEATURES: what Companion offers at all. */
export const SUPPORTED_FEATURES: ReadonlySet<FeatureName> = new Set<FeatureName>([
  FeatureName.AppList,
  FeatureName.LaunchApp,
  FeatureName.AccountList,
  FeatureName.SwitchAccount,
  FeatureName.PowerState,
  FeatureName.TurnOn,
  FeatureName.TurnOff,
  FeatureName.Up,
  FeatureName.Down,
  FeatureName.Left,
  FeatureName.Right,
  FeatureName.Select,
  FeatureName.Menu,
  FeatureName.Home,
  FeatureName.VolumeUp,
  FeatureName.VolumeDown,
  FeatureName.PlayPause,
  FeatureName.ChannelUp,
  FeatureName.ChannelDown,
  FeatureName.Screensaver,
  FeatureName.Guide,
  FeatureName.ControlCenter,
  FeatureName.TextFocusState,
  FeatureName.TextGet,
  FeatureName.TextClear,
  FeatureName.TextAppend,
  FeatureName.TextSet,
  FeatureName.Swipe,
  FeatureName.Action,
  FeatureName.Click,
  ...MEDIA_CONTROL_MAP.keys(),
]);

/** What features need of CompanionProtocol. */
export type FeaturesProtocol = Pick<CompanionProtocol, "onEvent">;

export class CompanionFeatures implements Pick<Features, "getFeature"> {
  readonly #power: { readonly powerState: PowerState };
  readonly #logger: Logger;
  readonly #unsubscribe: () => void;
  #flags: number = MediaControlFlags.NoControls;

  constructor(
    protocol: FeaturesProtocol,
    power: { readonly powerState: PowerState },
    logger: Logger = silentLogger,
  ) {
    this.#power = power;
    this.#logger = logger;
    this.#unsubscribe = protocol.onEvent("_iMC", (content) => {
      const flags = mediaControlFlagsOf(content);
      if (flags === undefined) return;
      this.#flags = flags;
      this.#logger.debug("companion: media control flags 0x%s", flags.toString(16));
    });
  }

  /**
   * A feature outside SUPPORTED_FEATURES is Unsupported: pyatv never asks Companion about
   * those, so that another protocol can answer for them.
   */
  getFeature(name: FeatureName): FeatureInfo {
    const flag = MEDIA_CONTROL_MAP.get(name);
    if (flag !== undefined) {
      return { state: this.#flags & flag ? FeatureState.Available : FeatureState.Unavailable };
    }
    if (name === FeatureName.PowerState) {
      // Only once the device has told a state (pyatv's supports_power_updates).
      return {
        state:
          this.#power.powerState === PowerState.Unknown
            ? FeatureState.Unsupported
            : FeatureState.Available,
      };
    }
    return {
      state: SUPPORTED_FEATURES.has(name) ? FeatureState.Available : FeatureState.Unsupported,
    };
  }

  /** Stops following `_iMC`. */
  close(): void {
    this.#unsubscribe();
  }
}
