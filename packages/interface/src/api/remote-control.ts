import type { InputAction, RepeatState, ShuffleState } from "../const.js";
import type { AbortOptions } from "./common.js";

/**
 * Buttons and playback commands (pyatv's RemoteControl). A command a device cannot do
 * rejects with NotSupportedError. Each resolves once the command was sent (and, where the
 * protocol acknowledges commands, acknowledged).
 */
export interface RemoteControl {
  up(action?: InputAction, opts?: AbortOptions): Promise<void>;
  down(action?: InputAction, opts?: AbortOptions): Promise<void>;
  left(action?: InputAction, opts?: AbortOptions): Promise<void>;
  right(action?: InputAction, opts?: AbortOptions): Promise<void>;
  play(opts?: AbortOptions): Promise<void>;
  playPause(opts?: AbortOptions): Promise<void>;
  pause(opts?: AbortOptions): Promise<void>;
  stop(opts?: AbortOptions): Promise<void>;
  next(opts?: AbortOptions): Promise<void>;
  previous(opts?: AbortOptions): Promise<void>;
  select(action?: InputAction, opts?: AbortOptions): Promise<void>;
  menu(action?: InputAction, opts?: AbortOptions): Promise<void>;
  /** @deprecated Use `Audio.volumeUp` (as pyatv advises). */
  volumeUp(opts?: AbortOptions): Promise<void>;
  /** @deprecated Use `Audio.volumeDown` (as pyatv advises). */
  volumeDown(opts?: AbortOptions): Promise<void>;
  /** The home/TV button. */
  home(action?: InputAction, opts?: AbortOptions): Promise<void>;
  /** @deprecated Use `home(InputAction.Hold)` (as pyatv advises). */
  homeHold(opts?: AbortOptions): Promise<void>;
  /** Go to the main menu (a long press of menu). */
  topMenu(opts?: AbortOptions): Promise<void>;
  /** @deprecated Use `Power.turnOff` (as pyatv advises). */
  suspend(opts?: AbortOptions): Promise<void>;
  /** @deprecated Use `Power.turnOn` (as pyatv advises). */
  wakeup(opts?: AbortOptions): Promise<void>;
  /**
   * Skips forward `interval` seconds; when it is omitted or not positive, the app picks
   * (typically 10, 15 or 30 seconds).
   */
  skipForward(interval?: number, opts?: AbortOptions): Promise<void>;
  /** Skips backward `interval` seconds; omitted or not positive lets the app pick. */
  skipBackward(interval?: number, opts?: AbortOptions): Promise<void>;
  /** Seeks to `position` seconds into the playing media. */
  setPosition(position: number, opts?: AbortOptions): Promise<void>;
  setShuffle(state: ShuffleState, opts?: AbortOptions): Promise<void>;
  setRepeat(state: RepeatState, opts?: AbortOptions): Promise<void>;
  channelUp(opts?: AbortOptions): Promise<void>;
  channelDown(opts?: AbortOptions): Promise<void>;
  screensaver(opts?: AbortOptions): Promise<void>;
  /** Shows the electronic programme guide. */
  guide(opts?: AbortOptions): Promise<void>;
  controlCenter(opts?: AbortOptions): Promise<void>;
}
