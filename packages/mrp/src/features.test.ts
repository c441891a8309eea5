import { FeatureName, FeatureState } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleMusicState, nowPlayingClientMessage, setStateMessage } from "./fake/now-playing.js";
import { MrpFeatures, type VolumeControlState } from "./features.js";
import { PlayerStateManager } from "./player-state.js";
import { Command, PlaybackState } from "./protobuf/generated/enums.js";
import { fedMessageSource } from "./testing/message-source.js";

const APP = "com.example.app";

function setup(volume: VolumeControlState = { isAvailable: false, isVolumeAbsolute: false }) {
  const messages = fedMessageSource();
  const features = new MrpFeatures(new PlayerStateManager(messages), volume);
  const play = (state: Parameters<typeof setStateMessage>[1]) => {
    messages.feed(setStateMessage(APP, state));
    messages.feed(nowPlayingClientMessage(APP, "App"));
  };
  return { features, play, messages };
}

const state = (features: MrpFeatures, name: FeatureName) => features.getFeature(name).state;

describe("MrpFeatures", () => {
  it("always offers keys, power and output devices", () => {
    const { features } = setup();
    for (const name of [
      FeatureName.Up,
      FeatureName.Select,
      FeatureName.HomeHold,
      FeatureName.TopMenu,
      FeatureName.TurnOn,
      FeatureName.TurnOff,
      FeatureName.PowerState,
      FeatureName.SetOutputDevices,
    ]) {
      expect(state(features, name)).toBe(FeatureState.Available);
    }
  });

  it("marks what MRP cannot do as unsupported", () => {
    const { features } = setup();
    for (const name of [FeatureName.ChannelUp, FeatureName.PlayUrl, FeatureName.TextSet]) {
      expect(state(features, name)).toBe(FeatureState.Unsupported);
    }
    expect(features.allFeatures().has(FeatureName.PlayUrl)).toBe(false);
    expect(features.allFeatures(true).get(FeatureName.PlayUrl)?.state).toBe(
      FeatureState.Unsupported,
    );
  });

  it("follows the commands the player lists as enabled", () => {
    const { features, play } = setup();
    expect(state(features, FeatureName.Play)).toBe(FeatureState.Unavailable);
    play({ supportedCommands: [Command.Play, Command.NextTrack, Command.SkipForward] });
    expect(state(features, FeatureName.Play)).toBe(FeatureState.Available);
    expect(state(features, FeatureName.Next)).toBe(FeatureState.Available);
    expect(state(features, FeatureName.SkipForward)).toBe(FeatureState.Available);
    expect(state(features, FeatureName.Pause)).toBe(FeatureState.Unavailable);
    expect(features.inState(FeatureState.Available, FeatureName.Play, FeatureName.Next)).toBe(true);
    expect(features.inState(FeatureState.Available, FeatureName.Play, FeatureName.Pause)).toBe(
      false,
    );
  });

  it("offers play_pause when the opposite command of the state is there", () => {
    const { features, play } = setup();
    play({ playbackState: PlaybackState.Playing, supportedCommands: [Command.Pause] });
    expect(state(features, FeatureName.PlayPause)).toBe(FeatureState.Available);
    play({ ...exampleMusicState(), supportedCommands: [Command.Pause] });
    // Paused with only pause listed: nothing to toggle to.
    expect(state(features, FeatureName.PlayPause)).toBe(FeatureState.Unavailable);
    play({ ...exampleMusicState(), supportedCommands: [Command.Play] });
    expect(state(features, FeatureName.PlayPause)).toBe(FeatureState.Available);
  });

  it("follows the fields of the current item", () => {
    const { features, play } = setup();
    expect(state(features, FeatureName.Title)).toBe(FeatureState.Unavailable);
    play(exampleMusicState());
    for (const name of [
      FeatureName.Title,
      FeatureName.Artist,
      FeatureName.Album,
      FeatureName.Genre,
      FeatureName.TotalTime,
      FeatureName.Position,
    ]) {
      expect(state(features, name)).toBe(FeatureState.Available);
    }
    expect(state(features, FeatureName.SeriesName)).toBe(FeatureState.Unavailable);
    expect(state(features, FeatureName.Artwork)).toBe(FeatureState.Unavailable);
  });

  it("offers the app while one is named", () => {
    const { features, play, messages } = setup();
    expect(state(features, FeatureName.App)).toBe(FeatureState.Unavailable);
    play(exampleMusicState());
    expect(state(features, FeatureName.App)).toBe(FeatureState.Available);
    messages.feed(nowPlayingClientMessage(undefined));
    expect(state(features, FeatureName.App)).toBe(FeatureState.Unavailable);
  });

  it("offers volume by what the device's volume control allows", () => {
    const volume = { isAvailable: false, isVolumeAbsolute: false };
    const { features } = setup(volume);
    const volumeStates = () =>
      [FeatureName.VolumeUp, FeatureName.Volume, FeatureName.SetVolume].map((n) =>
        state(features, n),
      );
    expect(volumeStates()).toEqual([
      FeatureState.Unavailable,
      FeatureState.Unavailable,
      FeatureState.Unavailable,
    ]);
    volume.isAvailable = true;
    expect(volumeStates()).toEqual([
      FeatureState.Available,
      FeatureState.Unavailable,
      FeatureState.Unavailable,
    ]);
    volume.isVolumeAbsolute = true;
    expect(volumeStates()).toEqual([
      FeatureState.Available,
      FeatureState.Available,
      FeatureState.Available,
    ]);
  });

  it("answers every feature name with a known state, whatever the player holds", () => {
    const names = Object.values(FeatureName);
    const states = Object.values(FeatureState);
    fc.assert(
      fc.property(
        fc.record(
          {
            playbackState: fc.integer({ min: -1, max: 10 }),
            title: fc.string(),
            totalTime: fc.double(),
            supportedCommands: fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 8 }),
          },
          { requiredKeys: [] },
        ),
        (fields) => {
          const { features, play } = setup({ isAvailable: true, isVolumeAbsolute: false });
          play(fields as Parameters<typeof setStateMessage>[1]);
          for (const name of names) expect(states).toContain(features.getFeature(name).state);
        },
      ),
      { numRuns: 200 },
    );
  });
});
