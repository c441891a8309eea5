import { describe, expect, it } from "vitest";
import { Command, PlaybackState } from "../protobuf/generated/enums.js";
import { exampleMusicState, exampleVideoState } from "./now-playing.js";
import { applyCommand, positionAt, supportedCommandsOf } from "./player.js";

const T0 = 1_700_000_000_000;
const paused = exampleVideoState({ positionAt: T0 });

describe("the fake player", () => {
  it("plays, runs the position on at the rate, and pauses where it got to", () => {
    const playing = applyCommand(paused, "play", undefined, T0)?.state;
    expect(playing).toMatchObject({ playbackState: PlaybackState.Playing, playbackRate: 1 });
    if (playing === undefined) throw new Error("no state");
    expect(positionAt(playing, T0 + 10_000)).toBe(13);
    // It stops at the end of the item.
    expect(positionAt(playing, T0 + 1_000_000)).toBe(123);
    const pausedAgain = applyCommand(playing, "play_pause", undefined, T0 + 10_000)?.state;
    expect(pausedAgain).toMatchObject({ playbackState: PlaybackState.Paused, position: 13 });
    if (pausedAgain === undefined) throw new Error("no state");
    expect(positionAt(pausedAgain, T0 + 60_000)).toBe(13);
  });

  it("skips by the interval asked, seeks, and stops at the start", () => {
    expect(applyCommand(paused, "skip_forward", { skipInterval: 10 }, T0)?.state.position).toBe(13);
    expect(applyCommand(paused, "skip_backward", undefined, T0)?.state.position).toBe(0);
    expect(
      applyCommand(paused, "set_position", { playbackPosition: 100 }, T0)?.state.position,
    ).toBe(100);
    expect(applyCommand(paused, "stop", undefined, T0)?.state).toMatchObject({
      playbackState: PlaybackState.Stopped,
      position: 0,
    });
  });

  it("moves through a queue with next and previous, keeping the playback state", () => {
    const queue = { items: [exampleVideoState(), exampleMusicState()], index: 0 };
    const playing = { ...paused, playbackState: PlaybackState.Playing, playbackRate: 1 };
    const next = applyCommand(playing, "next", undefined, T0, queue);
    expect(next?.index).toBe(1);
    expect(next?.state).toMatchObject({
      title: "music",
      position: 0,
      playbackState: PlaybackState.Playing,
    });
    // At the end of the queue there is no next; previous goes back an item from the start.
    expect(
      applyCommand(exampleMusicState({ position: 0 }), "next", undefined, T0, {
        ...queue,
        index: 1,
      }),
    ).toBeUndefined();
    expect(
      applyCommand(exampleMusicState({ position: 0 }), "previous", undefined, T0, {
        ...queue,
        index: 1,
      })?.state.title,
    ).toBe("dummy");
    // Some way into an item, previous starts it again.
    expect(applyCommand(paused, "previous", undefined, T0, queue)?.state).toMatchObject({
      title: "dummy",
      position: 0,
    });
  });

  it("offers Play while paused, Pause while playing, nothing without an item", () => {
    expect(supportedCommandsOf(paused)).toContain(Command.Play);
    expect(supportedCommandsOf(paused)).not.toContain(Command.Pause);
    const playing = { ...paused, playbackState: PlaybackState.Playing, playbackRate: 1 };
    expect(supportedCommandsOf(playing)).toContain(Command.Pause);
    expect(supportedCommandsOf(playing)).not.toContain(Command.Play);
    expect(supportedCommandsOf({ appName: "Netflix" })).toEqual([]);
    expect(applyCommand({ appName: "Netflix" }, "play", undefined, T0)).toBeUndefined();
  });
});
