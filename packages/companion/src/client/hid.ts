// Companion's button and media control codes (pyatv's HidCommand and MediaControlCommand
// in protocols/companion/api.py, MIT), and the `_hidC` / `_mcc` requests that carry them.

import type { OpackEncodable } from "../opack.js";
import type { CompanionProtocol, RequestOptions } from "./protocol.js";

/** pyatv's `HidCommand`: the `_hidC` of a `_hidC` request. */
export const HidCommand = {
  Up: 1,
  Down: 2,
  Left: 3,
  Right: 4,
  Menu: 5,
  Select: 6,
  Home: 7,
  VolumeUp: 8,
  VolumeDown: 9,
  Siri: 10,
  Screensaver: 11,
  Sleep: 12,
  Wake: 13,
  PlayPause: 14,
  ChannelIncrement: 15,
  ChannelDecrement: 16,
  Guide: 17,
  PageUp: 18,
  PageDown: 19,
} as const;
export type HidCommand = (typeof HidCommand)[keyof typeof HidCommand];

/** pyatv's `MediaControlCommand`: the `_mcc` of an `_mcc` request. */
export const MediaControlCommand = {
  Play: 1,
  Pause: 2,
  NextTrack: 3,
  PreviousTrack: 4,
  GetVolume: 5,
  SetVolume: 6,
  SkipBy: 7,
  FastForwardBegin: 8,
  FastForwardEnd: 9,
  RewindBegin: 10,
  RewindEnd: 11,
  GetCaptionSettings: 12,
  SetCaptionSettings: 13,
} as const;
export type MediaControlCommand = (typeof MediaControlCommand)[keyof typeof MediaControlCommand];

/** What the button and media control requests need of CompanionProtocol. */
export type CommandProtocol = Pick<CompanionProtocol, "request">;

/** Presses (`down`) or releases a button: `_hBtS` 1 or 2 (pyatv's `hid_command`). */
export async function hidCommand(
  protocol: CommandProtocol,
  down: boolean,
  command: HidCommand,
  options: RequestOptions = {},
): Promise<void> {
  await protocol.request("_hidC", { _hBtS: down ? 1 : 2, _hidC: command }, options);
}

/** Sends a media control command with its arguments (pyatv's `mediacontrol_command`). */
export function mediaControlCommand(
  protocol: CommandProtocol,
  command: MediaControlCommand,
  args: Readonly<Record<string, OpackEncodable>> = {},
  options: RequestOptions = {},
) {
  return protocol.request("_mcc", { _mcc: command, ...args }, options);
}
