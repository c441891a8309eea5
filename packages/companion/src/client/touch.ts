// Touch surface gestures over Companion (after pyatv's CompanionAPI hid_event, swipe,
// action and click in protocols/companion/api.py, MIT). Touches are `_hidT` events on a
// virtual 1000×1000 touchpad the client announces with `_touchStart`; each carries the
// nanoseconds since then.

import { setTimeout as sleep } from "node:timers/promises";
import {
  type AbortOptions,
  InputAction,
  NotSupportedError,
  TouchAction,
  type TouchGestures,
} from "@atv/interface";
import { OpackFloat } from "../opack.js";
import { HidCommand, hidCommand } from "./hid.js";
import type { CompanionProtocol, RequestOptions } from "./protocol.js";

/** pyatv's TOUCHPAD_WIDTH and TOUCHPAD_HEIGHT. */
export const TOUCHPAD_WIDTH = 1000;
export const TOUCHPAD_HEIGHT = 1000;
/** pyatv's TOUCHPAD_DELAY_MS: the pause between the touches of a swipe. */
export const TOUCHPAD_DELAY_MS = 16;
/** How long a click keeps select down (pyatv's 0.02 s). */
export const CLICK_DELAY_MS = 20;
/** How long a held click keeps select down (pyatv's 1 s). */
export const CLICK_HOLD_MS = 1000;

const TOUCH_ACTIONS: ReadonlySet<number> = new Set(Object.values(TouchAction));

/** What touch needs of CompanionProtocol. */
export type TouchProtocol = Pick<CompanionProtocol, "request" | "sendEvent">;

export interface CompanionTouchOptions {
  /** Monotonic nanoseconds; `process.hrtime.bigint` by default. */
  clock?: () => bigint;
  /** Pause between the touches of a swipe, in ms; default 16 (pyatv's). */
  delay?: number;
  /** How long a held click keeps select down, in ms; default 1000. */
  holdDelay?: number;
}

export class CompanionTouch implements TouchGestures {
  readonly #protocol: TouchProtocol;
  readonly #clock: () => bigint;
  readonly #delay: number;
  readonly #holdDelay: number;
  #base: bigint;

  constructor(protocol: TouchProtocol, options: CompanionTouchOptions = {}) {
    this.#protocol = protocol;
    this.#clock = options.clock ?? process.hrtime.bigint;
    this.#delay = options.delay ?? TOUCHPAD_DELAY_MS;
    this.#holdDelay = options.holdDelay ?? CLICK_HOLD_MS;
    this.#base = this.#clock();
  }

  /** Announces the touchpad (`_touchStart`); touch times count from here. */
  async start(options: RequestOptions = {}): Promise<void> {
    this.#base = this.#clock();
    // Floats, as pyatv sends them.
    await this.#protocol.request(
      "_touchStart",
      { _height: new OpackFloat(TOUCHPAD_HEIGHT), _tFl: 0, _width: new OpackFloat(TOUCHPAD_WIDTH) },
      options,
    );
  }

  /** Ends touch input (`_touchStop`, with the `_i` pyatv sends). */
  async stop(options: RequestOptions = {}): Promise<void> {
    await this.#protocol.request("_touchStop", { _i: 1 }, options);
  }

  /**
   * Presses at the start, moves toward the end every 16 ms until `durationMs` has passed,
   * and releases at the end (pyatv's swipe). Coordinates outside 0 to 1000 are clamped.
   */
  async swipe(
    startX: number,
    startY: number,
    endX: number,
    endY: number,
    durationMs: number,
    opts: AbortOptions = {},
  ): Promise<void> {
    checkPoint(startX, startY);
    checkPoint(endX, endY);
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new RangeError(`a swipe lasts a finite number of ms >= 0, got ${durationMs}`);
    }
    opts.signal?.throwIfAborted();
    const delayNs = BigInt(this.#delay) * 1_000_000n;
    const end = this.#clock() + BigInt(Math.round(durationMs * 1_000_000));
    let x = startX;
    let y = startY;
    this.#touch(x, y, TouchAction.Press);
    for (let now = this.#clock(); now < end; now = this.#clock()) {
      // pyatv's step, capped at the rest of the way: a last step shorter than the delay
      // would otherwise overshoot the end point.
      const share = Math.min(1, Number(delayNs) / Number(end - now));
      x += (endX - x) * share;
      y += (endY - y) * share;
      this.#touch(x, y, TouchAction.Hold);
      try {
        await pause(this.#delay, opts.signal);
      } catch (error) {
        // Lifted where it is, so that the device does not see a finger left down.
        try {
          this.#touch(x, y, TouchAction.Release);
        } catch {}
        throw error;
      }
    }
    this.#touch(endX, endY, TouchAction.Release);
  }

  /** One touch at (x, y), clamped to the touchpad (pyatv's action). */
  async action(x: number, y: number, mode: TouchAction, opts: AbortOptions = {}): Promise<void> {
    checkPoint(x, y);
    if (!TOUCH_ACTIONS.has(mode)) throw new NotSupportedError(`unsupported touch action: ${mode}`);
    opts.signal?.throwIfAborted();
    this.#touch(x, y, mode);
  }

  /**
   * Select down and up, then a Click touch in the touchpad's corner, once for a tap, twice
   * for a double tap; a hold keeps select down for a second (pyatv's click).
   */
  async click(action: InputAction, opts: AbortOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
    switch (action) {
      case InputAction.SingleTap:
        await this.#click(CLICK_DELAY_MS, opts);
        return;
      case InputAction.DoubleTap:
        await this.#click(CLICK_DELAY_MS, opts);
        await this.#click(CLICK_DELAY_MS, opts);
        return;
      case InputAction.Hold:
        await this.#click(this.#holdDelay, opts);
        return;
      default:
        throw new NotSupportedError(`unsupported input action: ${String(action)}`);
    }
  }

  async #click(holdMs: number, opts: AbortOptions): Promise<void> {
    const request: AbortOptions = opts.signal ? { signal: opts.signal } : {};
    await hidCommand(this.#protocol, true, HidCommand.Select, request);
    try {
      await pause(holdMs, opts.signal);
    } catch (error) {
      // Released even when aborted, so that select is not left held down.
      await hidCommand(this.#protocol, false, HidCommand.Select).catch(() => {});
      throw error;
    }
    await hidCommand(this.#protocol, false, HidCommand.Select, request);
    this.#touch(TOUCHPAD_WIDTH, TOUCHPAD_HEIGHT, TouchAction.Click);
  }

  #touch(x: number, y: number, phase: TouchAction): void {
    this.#protocol.sendEvent("_hidT", {
      _ns: this.#clock() - this.#base,
      _tFg: 1,
      _cx: clamp(x, TOUCHPAD_WIDTH),
      _tPh: phase,
      _cy: clamp(y, TOUCHPAD_HEIGHT),
    });
  }
}

/** Whole units within the touchpad, truncated as pyatv's int(). */
function clamp(value: number, max: number): number {
  return Math.trunc(Math.min(Math.max(value, 0), max));
}

function checkPoint(x: number, y: number): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    throw new RangeError(`touch coordinates are finite numbers, got (${x}, ${y})`);
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    // The pause rejects with an AbortError of its own; callers expect their reason.
    throw signal?.aborted ? signal.reason : error;
  }
}
