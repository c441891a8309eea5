// Buttons and playback commands over MRP (pyatv's MrpRemoteControl). What MRP cannot do
// (channel up/down, screensaver, guide, control centre: Companion's) is simply absent,
// so core answers NotSupportedError for it.

import { setTimeout as sleep } from "node:timers/promises";
import {
  type AbortOptions,
  InputAction,
  NotSupportedError,
  type RemoteControl,
  RepeatState,
  ShuffleState,
} from "@atv/interface";
import { sendCommand } from "./command.js";
import { HID_KEYS, type HidKeyName, HOLD_DURATION } from "./hid-keys.js";
import { Command, RepeatMode, ShuffleMode } from "./protobuf/generated/enums.js";
import {
  changeRepeatModeMessage,
  changeShuffleModeMessage,
  genericMessage,
  seekToPositionMessage,
  sendCommandMessage,
  sendHidEventMessage,
} from "./protobuf/messages.js";
import type { MrpProtocol } from "./protocol.js";

/** Skip interval when the caller gives none (pyatv's default, in seconds). */
export const DEFAULT_SKIP_INTERVAL = 15;

type MrpRemoteControlMethods =
  | "up"
  | "down"
  | "left"
  | "right"
  | "select"
  | "menu"
  | "home"
  | "homeHold"
  | "topMenu"
  | "play"
  | "pause"
  | "playPause"
  | "stop"
  | "next"
  | "previous"
  | "skipForward"
  | "skipBackward"
  | "setPosition"
  | "setShuffle"
  | "setRepeat"
  | "volumeUp"
  | "volumeDown"
  | "suspend"
  | "wakeup";

export class MrpRemoteControl implements Pick<RemoteControl, MrpRemoteControlMethods> {
  readonly #protocol: MrpProtocol;

  constructor(protocol: MrpProtocol) {
    this.#protocol = protocol;
  }

  up(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("up", action, opts);
  }

  down(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("down", action, opts);
  }

  left(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("left", action, opts);
  }

  right(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("right", action, opts);
  }

  select(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("select", action, opts);
  }

  menu(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("menu", action, opts);
  }

  home(action: InputAction = InputAction.SingleTap, opts?: AbortOptions): Promise<void> {
    return this.#key("home", action, opts);
  }

  homeHold(opts?: AbortOptions): Promise<void> {
    return this.#key("home", InputAction.Hold, opts);
  }

  topMenu(opts?: AbortOptions): Promise<void> {
    return this.#key("top_menu", InputAction.SingleTap, opts);
  }

  volumeUp(opts?: AbortOptions): Promise<void> {
    return this.#key("volume_up", InputAction.SingleTap, opts);
  }

  volumeDown(opts?: AbortOptions): Promise<void> {
    return this.#key("volume_down", InputAction.SingleTap, opts);
  }

  suspend(opts?: AbortOptions): Promise<void> {
    return this.#key("suspend", InputAction.SingleTap, opts);
  }

  wakeup(opts?: AbortOptions): Promise<void> {
    return this.#key("wakeup", InputAction.SingleTap, opts);
  }

  play(opts?: AbortOptions): Promise<void> {
    return this.#command(Command.Play, opts);
  }

  pause(opts?: AbortOptions): Promise<void> {
    return this.#command(Command.Pause, opts);
  }

  /**
   * Toggles play and pause. pyatv falls back to play or pause from the player state when
   * the player lacks TogglePlayPause; without player state yet, this always toggles.
   */
  playPause(opts?: AbortOptions): Promise<void> {
    return this.#command(Command.TogglePlayPause, opts);
  }

  stop(opts?: AbortOptions): Promise<void> {
    return this.#command(Command.Stop, opts);
  }

  next(opts?: AbortOptions): Promise<void> {
    return this.#command(Command.NextTrack, opts);
  }

  previous(opts?: AbortOptions): Promise<void> {
    return this.#command(Command.PreviousTrack, opts);
  }

  skipForward(interval?: number, opts?: AbortOptions): Promise<void> {
    return this.#skip(Command.SkipForward, interval, opts);
  }

  skipBackward(interval?: number, opts?: AbortOptions): Promise<void> {
    return this.#skip(Command.SkipBackward, interval, opts);
  }

  setPosition(position: number, opts?: AbortOptions): Promise<void> {
    return sendCommand(this.#protocol, seekToPositionMessage(position), opts);
  }

  setShuffle(state: ShuffleState, opts?: AbortOptions): Promise<void> {
    // pyatv's mapping: anything but Off and Albums shuffles songs.
    const mode =
      state === ShuffleState.Off
        ? ShuffleMode.Off
        : state === ShuffleState.Albums
          ? ShuffleMode.Albums
          : ShuffleMode.Songs;
    return sendCommand(this.#protocol, changeShuffleModeMessage(mode), opts);
  }

  setRepeat(state: RepeatState, opts?: AbortOptions): Promise<void> {
    const mode =
      state === RepeatState.Off
        ? RepeatMode.Off
        : state === RepeatState.Track
          ? RepeatMode.One
          : RepeatMode.All;
    return sendCommand(this.#protocol, changeRepeatModeMessage(mode), opts);
  }

  #command(command: Command, opts?: AbortOptions): Promise<void> {
    return sendCommand(this.#protocol, sendCommandMessage(command), opts);
  }

  #skip(command: Command, interval: number | undefined, opts?: AbortOptions): Promise<void> {
    // pyatv sends whole seconds; without an interval it asks for 15 s (it would use the
    // player's preferred interval, which needs player state this client does not keep yet).
    const seconds =
      interval !== undefined && interval > 0 ? Math.trunc(interval) : DEFAULT_SKIP_INTERVAL;
    return sendCommand(
      this.#protocol,
      sendCommandMessage(command, { skipInterval: seconds }),
      opts,
    );
  }

  async #key(name: HidKeyName, action: InputAction, opts: AbortOptions = {}): Promise<void> {
    switch (action) {
      case InputAction.SingleTap:
        await this.#press(name, false, opts);
        return;
      case InputAction.DoubleTap:
        await this.#press(name, false, opts);
        await this.#press(name, false, opts);
        return;
      case InputAction.Hold:
        await this.#press(name, true, opts);
        return;
      default:
        throw new NotSupportedError(`unsupported input action: ${String(action)}`);
    }
  }

  /** One press and release, then a GENERIC round trip as a flush (as pyatv does). */
  async #press(name: HidKeyName, hold: boolean, { signal }: AbortOptions): Promise<void> {
    signal?.throwIfAborted();
    const { usagePage, usage } = HID_KEYS[name];
    this.#protocol.send(sendHidEventMessage(usagePage, usage, true));
    try {
      if (hold) await sleep(HOLD_DURATION, undefined, signal ? { signal } : {});
    } finally {
      // Even when aborted, release the key: a key left down would repeat on the device.
      if (!this.#protocol.closed) {
        this.#protocol.send(sendHidEventMessage(usagePage, usage, false));
      }
    }
    await this.#protocol.sendAndReceive(genericMessage(), signal ? { signal } : {});
  }
}
