// The remote control pyatv's DmapRemoteControl offers: ctrl-int commands for playback,
// controlpromptentry for select/menu/top menu, touch swipes for the arrows, setproperty
// for position, shuffle and repeat. What it lacks (home, power, channels...) is absent, so
// core answers NotSupportedError and features say Unsupported.

import {
  type AbortOptions,
  type InputAction,
  type RemoteControl,
  type RepeatState,
  ShuffleState,
} from "@atv/interface";
import { buttonBody, type DmapCommands, touchBody } from "./commands.js";

/** Skip forward/backward seek this far when no interval is given (pyatv: 10 s). */
export const DEFAULT_SKIP_TIME = 10;

type Touch = readonly ["Down" | "Move" | "Up", number, number, number];

// The swipes pyatv sends for the arrows, as (phase, time, x, y). Left and right skip
// time 2, as pyatv's do.
const SWIPES = {
  up: [
    ["Down", 0, 20, 275],
    ["Move", 1, 20, 270],
    ["Move", 2, 20, 265],
    ["Move", 3, 20, 260],
    ["Move", 4, 20, 255],
    ["Move", 5, 20, 250],
    ["Up", 6, 20, 250],
  ],
  down: [
    ["Down", 0, 20, 250],
    ["Move", 1, 20, 255],
    ["Move", 2, 20, 260],
    ["Move", 3, 20, 265],
    ["Move", 4, 20, 270],
    ["Move", 5, 20, 275],
    ["Up", 6, 20, 275],
  ],
  left: [
    ["Down", 0, 75, 100],
    ["Move", 1, 70, 100],
    ["Move", 3, 65, 100],
    ["Move", 4, 60, 100],
    ["Move", 5, 55, 100],
    ["Move", 6, 50, 100],
    ["Up", 7, 50, 100],
  ],
  right: [
    ["Down", 0, 50, 100],
    ["Move", 1, 55, 100],
    ["Move", 3, 60, 100],
    ["Move", 4, 65, 100],
    ["Move", 5, 70, 100],
    ["Move", 6, 75, 100],
    ["Up", 7, 75, 100],
  ],
} as const satisfies Record<string, readonly Touch[]>;

/** The RemoteControl methods DMAP has. */
export type DmapRemoteControlMethods = Pick<
  RemoteControl,
  | "up"
  | "down"
  | "left"
  | "right"
  | "play"
  | "playPause"
  | "pause"
  | "stop"
  | "next"
  | "previous"
  | "select"
  | "menu"
  | "topMenu"
  | "volumeUp"
  | "volumeDown"
  | "skipForward"
  | "skipBackward"
  | "setPosition"
  | "setShuffle"
  | "setRepeat"
>;

// DMAP has no input actions: pyatv ignores them, so taps, double taps and holds are one.
export class DmapRemoteControl implements DmapRemoteControlMethods {
  readonly #commands: DmapCommands;

  constructor(commands: DmapCommands) {
    this.#commands = commands;
  }

  up(_action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#swipe(SWIPES.up, opts);
  }

  down(_action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#swipe(SWIPES.down, opts);
  }

  left(_action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#swipe(SWIPES.left, opts);
  }

  right(_action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#swipe(SWIPES.right, opts);
  }

  play(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("play", opts);
  }

  playPause(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("playpause", opts);
  }

  pause(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("pause", opts);
  }

  stop(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("stop", opts);
  }

  next(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("nextitem", opts);
  }

  previous(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("previtem", opts);
  }

  select(_action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#commands.controlPrompt(buttonBody("select"), opts);
  }

  menu(_action?: InputAction, opts?: AbortOptions): Promise<void> {
    return this.#commands.controlPrompt(buttonBody("menu"), opts);
  }

  topMenu(opts?: AbortOptions): Promise<void> {
    return this.#commands.controlPrompt(buttonBody("topmenu"), opts);
  }

  volumeUp(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("volumeup", opts);
  }

  volumeDown(opts?: AbortOptions): Promise<void> {
    return this.#commands.ctrlInt("volumedown", opts);
  }

  /** DMAP cannot skip: seeks from the current position, when there is one (pyatv). */
  skipForward(interval = 0, opts?: AbortOptions): Promise<void> {
    return this.#skip(1, interval, opts);
  }

  skipBackward(interval = 0, opts?: AbortOptions): Promise<void> {
    return this.#skip(-1, interval, opts);
  }

  /** Seconds; sent as whole milliseconds in dacp.playingtime. */
  setPosition(position: number, opts?: AbortOptions): Promise<void> {
    return this.#commands.setProperty("dacp.playingtime", Math.trunc(position) * 1000, opts);
  }

  /** DMAP knows shuffle on or off only: Albums turns it on. */
  setShuffle(state: ShuffleState, opts?: AbortOptions): Promise<void> {
    return this.#commands.setProperty(
      "dacp.shufflestate",
      state === ShuffleState.Off ? 0 : 1,
      opts,
    );
  }

  setRepeat(state: RepeatState, opts?: AbortOptions): Promise<void> {
    return this.#commands.setProperty("dacp.repeatstate", state, opts);
  }

  async #swipe(touches: readonly Touch[], opts?: AbortOptions): Promise<void> {
    for (const [phase, time, x, y] of touches) {
      await this.#commands.controlPrompt(touchBody(phase, time, x, y), opts);
    }
  }

  async #skip(direction: 1 | -1, interval: number, opts?: AbortOptions): Promise<void> {
    const { position } = await this.#commands.playstatus(opts);
    if (!position) return;
    const step = interval > 0 ? Math.trunc(interval) : DEFAULT_SKIP_TIME;
    await this.setPosition(position + direction * step, opts);
  }
}
