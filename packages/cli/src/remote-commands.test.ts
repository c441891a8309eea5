import { InputAction, type RemoteControl, RepeatState, ShuffleState } from "@atv/interface";
import { describe, expect, it } from "vitest";
import {
  parseCommandCall,
  REMOTE_CONTROL_COMMANDS,
  runRemoteControlCommand,
} from "./remote-commands.js";
import { UsageError } from "./usage-error.js";

function recorder(): { remote: RemoteControl; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const remote = Object.fromEntries(
    Object.values(REMOTE_CONTROL_COMMANDS).map((m) => [
      m,
      async (...a: unknown[]) => void calls.push([m, ...a]),
    ]),
  ) as unknown as RemoteControl;
  return { remote, calls };
}

describe("remote-control commands", () => {
  it("splits pyatv's command=args syntax", () => {
    expect(parseCommandCall("play")).toEqual({ name: "play", args: [] });
    expect(parseCommandCall("set_position=10")).toEqual({ name: "set_position", args: ["10"] });
    expect(parseCommandCall("x=a,b")).toEqual({ name: "x", args: ["a", "b"] });
  });

  it.each([
    ["play", ["play"]],
    ["play_pause", ["playPause"]],
    ["home_hold", ["homeHold"]],
    ["select=1", ["select", InputAction.DoubleTap]],
    ["select=double_tap", ["select", InputAction.DoubleTap]],
    ["menu=hold", ["menu", InputAction.Hold]],
    ["set_shuffle=2", ["setShuffle", ShuffleState.Songs]],
    ["set_repeat=all", ["setRepeat", RepeatState.All]],
    ["set_position=42", ["setPosition", 42]],
    ["skip_forward=15.5", ["skipForward", 15.5]],
  ])("runs %s", async (text, expected) => {
    const { remote, calls } = recorder();
    await runRemoteControlCommand(remote, parseCommandCall(text));
    expect(calls).toEqual([expected]);
  });

  it.each(["select=7", "select=sideways", "set_position=ten", "set_position=", "teleport"])(
    "rejects %s with a UsageError",
    async (text) => {
      const { remote, calls } = recorder();
      await expect(runRemoteControlCommand(remote, parseCommandCall(text))).rejects.toBeInstanceOf(
        UsageError,
      );
      expect(calls).toEqual([]);
    },
  );
});
