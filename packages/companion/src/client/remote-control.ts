// Buttons and playback over Companion (after pyatv's CompanionRemoteControl, MIT). The
// navigation buttons, volume, play/pause, channels, screensaver, guide and control centre
// are HID buttons (`_hidC`); play, pause, next, previous and skipping are media control
// commands (`_mcc`), as pyatv sends them.

import { setTimeout as sleep } from "node:timers/promises";
import {
  type AbortOptions,
  InputAction,
  NotSupportedError,
  type RemoteControl,
} from "@atv/interface";
import { OpackFloat } from "../opack.js";
import {
  type CommandProtocol,
  HidCommand,
  hidCommand,
  MediaControlCommand,
  mediaControlCommand,
} from "./hid.js";

/** How long a Hold keeps the button down (pyatv's `delay` of one second). */
export const HOLD_DELAY = 1000;
/** Seconds skipped when no interval is given (pyatv, as seen in the TV Remote app). */
export const DEFAULT_SKIP_TIME = 10;

export interface CompanionRemoteControlOptions {
  /** How long a Hold keeps the button down, in milliseconds; default 1000. */
  holdDelay?: number;
}

/** The part of RemoteControl pyatv's CompanionRemoteControl implements. */
export type CompanionRemoteControlApi = Pick<
  RemoteControl,
  | "up"
  | "down"
  | "left"
  | "right"
  | "select"
  | "menu"
  | "home"
  | "volumeUp"
  | "volumeDown"
  | "playPause"
  | "play"
  | "pause"
  | "next"
  | "previous"
  | "skipForward"
  | "skipBackward"
  | "channelUp"
  | "channelDown"
  | "screensaver"
  | "guide"
  | "controlCenter"
>;

export class CompanionRemoteControl implements CompanionRemoteControlApi {
  readonly #protocol: CommandProtocol;
  readonly #holdDelay: number;

  constructor(protocol: CommandProtocol, options: CompanionRemoteControlOptions = {}) {
    this.#protocol = protocol;
    this.#holdDelay = options.holdDelay ?? HOLD_DELAY;
  }

  up(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Up, action, opts);
  }

  down(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Down, action, opts);
  }

  left(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Left, action, opts);
  }

  right(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Right, action, opts);
  }

  select(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Select, action, opts);
  }

  menu(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Menu, action, opts);
  }

  home(action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Home, action, opts);
  }

  volumeUp(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.VolumeUp, undefined, opts);
  }

  volumeDown(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.VolumeDown, undefined, opts);
  }

  playPause(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.PlayPause, undefined, opts);
  }

  channelUp(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.ChannelIncrement, undefined, opts);
  }

  channelDown(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.ChannelDecrement, undefined, opts);
  }

  screensaver(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Screensaver, undefined, opts);
  }

  guide(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.Guide, undefined, opts);
  }

  /** The control centre opens on PageDown (as pyatv sends it). */
  controlCenter(opts?: AbortOptions): Promise<void> {
    return this.#press(HidCommand.PageDown, undefined, opts);
  }

  play(opts?: AbortOptions): Promise<void> {
    return this.#media(MediaControlCommand.Play, {}, opts);
  }

  pause(opts?: AbortOptions): Promise<void> {
    return this.#media(MediaControlCommand.Pause, {}, opts);
  }

  next(opts?: AbortOptions): Promise<void> {
    return this.#media(MediaControlCommand.NextTrack, {}, opts);
  }

  previous(opts?: AbortOptions): Promise<void> {
    return this.#media(MediaControlCommand.PreviousTrack, {}, opts);
  }

  /** Skips `interval` seconds forward; 10 when omitted or not positive (as pyatv). */
  skipForward(interval = 0, opts?: AbortOptions): Promise<void> {
    return this.#skip(interval > 0 ? interval : DEFAULT_SKIP_TIME, opts);
  }

  /** Skips `interval` seconds backward; 10 when omitted or not positive (as pyatv). */
  skipBackward(interval = 0, opts?: AbortOptions): Promise<void> {
    return this.#skip(-(interval > 0 ? interval : DEFAULT_SKIP_TIME), opts);
  }

  #skip(seconds: number, opts?: AbortOptions): Promise<void> {
    // Always a float, as pyatv sends it.
    return this.#media(MediaControlCommand.SkipBy, { _skpS: new OpackFloat(seconds) }, opts);
  }

  async #media(
    command: MediaControlCommand,
    args: Record<string, OpackFloat>,
    opts: AbortOptions = {},
  ): Promise<void> {
    opts.signal?.throwIfAborted();
    await mediaControlCommand(this.#protocol, command, args, requestOptions(opts));
  }

  /** A tap is down then up; a double tap two of them; a hold waits between (pyatv). */
  async #press(
    command: HidCommand,
    action: InputAction = InputAction.SingleTap,
    opts: AbortOptions = {},
  ): Promise<void> {
    opts.signal?.throwIfAborted();
    const request = requestOptions(opts);
    switch (action) {
      case InputAction.SingleTap:
        await this.#tap(command, request);
        return;
      case InputAction.DoubleTap:
        await this.#tap(command, request);
        await this.#tap(command, request);
        return;
      case InputAction.Hold:
        await hidCommand(this.#protocol, true, command, request);
        try {
          await sleep(this.#holdDelay, undefined, request);
        } catch (error) {
          // The pause rejects with an AbortError of its own; callers expect their reason.
          throw opts.signal?.aborted ? opts.signal.reason : error;
        }
        await hidCommand(this.#protocol, false, command, request);
        return;
      default:
        throw new NotSupportedError(`unsupported input action: ${String(action)}`);
    }
  }

  async #tap(command: HidCommand, request: AbortOptions): Promise<void> {
    await hidCommand(this.#protocol, true, command, request);
    await hidCommand(this.#protocol, false, command, request);
  }
}

function requestOptions(opts: AbortOptions): AbortOptions {
  return opts.signal ? { signal: opts.signal } : {};
}
