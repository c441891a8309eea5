import { InputAction, type RemoteControl, RepeatState, ShuffleState } from "@atv/interface";
import { parseEnumArg, parseNumberArg } from "./command-args.js";
import { UsageError } from "./usage-error.js";

/** RemoteControl's methods by the names the CLIs use (pyatv's snake_case names). */
export const REMOTE_CONTROL_COMMANDS: Readonly<Record<string, keyof RemoteControl>> = {
  up: "up",
  down: "down",
  left: "left",
  right: "right",
  play: "play",
  play_pause: "playPause",
  pause: "pause",
  stop: "stop",
  next: "next",
  previous: "previous",
  select: "select",
  menu: "menu",
  volume_up: "volumeUp",
  volume_down: "volumeDown",
  home: "home",
  home_hold: "homeHold",
  top_menu: "topMenu",
  suspend: "suspend",
  wakeup: "wakeup",
  skip_forward: "skipForward",
  skip_backward: "skipBackward",
  set_position: "setPosition",
  set_shuffle: "setShuffle",
  set_repeat: "setRepeat",
  channel_up: "channelUp",
  channel_down: "channelDown",
  screensaver: "screensaver",
  guide: "guide",
  control_center: "controlCenter",
};

const ACTION_COMMANDS = new Set(["up", "down", "left", "right", "select", "menu", "home"]);

/** A command and its arguments as typed: "set_position=10", "select=1", "select=double_tap". */
export interface CommandCall {
  readonly name: string;
  readonly args: readonly string[];
}

/** Splits "command=arg1,arg2" (pyatv's syntax for arguments). */
export function parseCommandCall(text: string): CommandCall {
  const eq = text.indexOf("=");
  if (eq < 0) return { name: text, args: [] };
  return { name: text.slice(0, eq), args: text.slice(eq + 1).split(",") };
}

export function isRemoteControlCommand(name: string): boolean {
  return Object.hasOwn(REMOTE_CONTROL_COMMANDS, name);
}

/**
 * Runs a remote-control command with its arguments converted as pyatv converts them:
 * enum values by number (InputAction 0–2, ShuffleState, RepeatState) or, beyond pyatv,
 * by name ("double_tap", "songs", "all"); positions and intervals as numbers.
 */
export async function runRemoteControlCommand(
  remote: RemoteControl,
  call: CommandCall,
): Promise<void> {
  const method = REMOTE_CONTROL_COMMANDS[call.name];
  if (method === undefined) throw new UsageError(`unknown command: ${call.name}`);
  const [first] = call.args;
  const args: unknown[] = [];
  if (first !== undefined) {
    if (ACTION_COMMANDS.has(call.name)) args.push(parseEnumArg(InputAction, first, call.name));
    else if (call.name === "set_shuffle") args.push(parseEnumArg(ShuffleState, first, call.name));
    else if (call.name === "set_repeat") args.push(parseEnumArg(RepeatState, first, call.name));
    else args.push(parseNumberArg(first, call.name));
  }
  await (remote[method] as (...a: unknown[]) => Promise<void>)(...args);
}
