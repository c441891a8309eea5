// How a device tells a tap, a double tap and a hold apart from HID press and release
// events. pyatv's fake calls a press held over 0.5 s a hold; a second tap of the same key
// soon after the first makes a double tap. Unlike pyatv's fake (which calls any repeat of
// the last key a double tap), a tap is reported only once no second tap follows within
// the window, so one double tap is one event, as a device sees it.

import type { HidKeyName } from "../hid-keys.js";
import type { FakeButtonAction } from "./state.js";

/** A press longer than this (ms) is a hold (pyatv's fake device). */
export const HOLD_THRESHOLD = 500;
/** A second tap starting within this many ms of the first one's release is a double tap. */
export const DOUBLE_TAP_WINDOW = 300;

export interface ButtonTrackerOptions {
  doubleTapWindow?: number;
  /** Clock in milliseconds; `performance.now()` by default. */
  now?: () => number;
}

type Report = (key: HidKeyName, action: FakeButtonAction) => void;

interface PendingTap {
  readonly key: HidKeyName;
  timer: NodeJS.Timeout | undefined;
  /** The same key is down again: its release decides between double tap and two taps. */
  secondPress: boolean;
}

export class ButtonTracker {
  readonly #report: Report;
  readonly #window: number;
  readonly #now: () => number;
  readonly #down = new Map<HidKeyName, number>();
  #pending: PendingTap | undefined;

  constructor(report: Report, options: ButtonTrackerOptions = {}) {
    this.#report = report;
    this.#window = options.doubleTapWindow ?? DOUBLE_TAP_WINDOW;
    this.#now = options.now ?? (() => performance.now());
  }

  /** A key went down; false if it was already down (the event is ignored). */
  press(key: HidKeyName): boolean {
    if (this.#down.has(key)) return false;
    const pending = this.#pending;
    if (pending !== undefined) {
      if (pending.key === key && !pending.secondPress) {
        clearTimeout(pending.timer);
        pending.timer = undefined;
        pending.secondPress = true;
      } else {
        this.flush();
      }
    }
    this.#down.set(key, this.#now());
    return true;
  }

  /** A key came up; false if it was not down (a release without a press is ignored). */
  release(key: HidKeyName): boolean {
    const downAt = this.#down.get(key);
    if (downAt === undefined) return false;
    this.#down.delete(key);
    const held = this.#now() - downAt > HOLD_THRESHOLD;
    const pending = this.#pending;

    if (pending?.key === key && pending.secondPress) {
      this.#pending = undefined;
      if (held) {
        this.#report(key, "single_tap");
        this.#report(key, "hold");
      } else {
        this.#report(key, "double_tap");
      }
      return true;
    }
    if (held) {
      this.#report(key, "hold");
      return true;
    }
    const tap: PendingTap = { key, timer: undefined, secondPress: false };
    tap.timer = setTimeout(() => {
      if (this.#pending === tap) this.flush();
    }, this.#window);
    tap.timer.unref();
    this.#pending = tap;
    return true;
  }

  /** Reports a tap still waiting for a possible second one (before anything else happens). */
  flush(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    this.#report(pending.key, "single_tap");
  }
}
