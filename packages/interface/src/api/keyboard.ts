import type { InputAction, KeyboardFocusState, TouchAction } from "../const.js";
import type { AbortOptions, StateProducer } from "./common.js";

export interface KeyboardListener {
  focusstateUpdate(oldState: KeyboardFocusState, newState: KeyboardFocusState): void;
}

/** The on-screen keyboard (pyatv's Keyboard). */
export interface Keyboard extends StateProducer<KeyboardListener> {
  readonly textFocusState: KeyboardFocusState;
  /** The keyboard's text; undefined when no keyboard is shown. */
  textGet(opts?: AbortOptions): Promise<string | undefined>;
  textClear(opts?: AbortOptions): Promise<void>;
  textAppend(text: string, opts?: AbortOptions): Promise<void>;
  /** Replaces the keyboard's text. */
  textSet(text: string, opts?: AbortOptions): Promise<void>;
}

/** Touch surface gestures (pyatv's TouchGestures). Coordinates are 0 to 1000. */
export interface TouchGestures {
  /** Swipes from (startX, startY) to (endX, endY) in `durationMs` milliseconds. */
  swipe(
    startX: number,
    startY: number,
    endX: number,
    endY: number,
    durationMs: number,
    opts?: AbortOptions,
  ): Promise<void>;
  /** One touch event at (x, y). */
  action(x: number, y: number, mode: TouchAction, opts?: AbortOptions): Promise<void>;
  click(action: InputAction, opts?: AbortOptions): Promise<void>;
}
