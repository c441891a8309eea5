import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ButtonTracker, DOUBLE_TAP_WINDOW, HOLD_THRESHOLD } from "./button-tracker.js";

describe("ButtonTracker", () => {
  let now = 0;
  let reports: [string, string][];
  let tracker: ButtonTracker;

  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
    reports = [];
    tracker = new ButtonTracker((key, action) => reports.push([key, action]), {
      now: () => now,
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function tap(key: "up" | "down", duration = 10): void {
    tracker.press(key);
    now += duration;
    tracker.release(key);
  }

  it("reports a single tap once no second tap follows within the window", () => {
    tap("up");
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(DOUBLE_TAP_WINDOW);
    expect(reports).toEqual([["up", "single_tap"]]);
  });

  it("reports two quick taps of one key as one double tap", () => {
    tap("up");
    now += 5;
    tap("up");
    expect(reports).toEqual([["up", "double_tap"]]);
    vi.advanceTimersByTime(DOUBLE_TAP_WINDOW * 2);
    expect(reports).toEqual([["up", "double_tap"]]);
  });

  it("reports taps further apart than the window as two single taps", () => {
    tap("up");
    vi.advanceTimersByTime(DOUBLE_TAP_WINDOW);
    tap("up");
    tracker.flush();
    expect(reports).toEqual([
      ["up", "single_tap"],
      ["up", "single_tap"],
    ]);
  });

  it("reports a press longer than the threshold as a hold, at once", () => {
    tap("down", HOLD_THRESHOLD + 1);
    expect(reports).toEqual([["down", "hold"]]);
  });

  it("a press of another key settles a waiting tap first", () => {
    tap("up");
    tap("down");
    expect(reports).toEqual([["up", "single_tap"]]);
    tracker.flush();
    expect(reports).toEqual([
      ["up", "single_tap"],
      ["down", "single_tap"],
    ]);
  });

  it("a tap followed by a hold of the same key is a tap and a hold", () => {
    tap("up");
    tap("up", HOLD_THRESHOLD + 1);
    expect(reports).toEqual([
      ["up", "single_tap"],
      ["up", "hold"],
    ]);
  });

  it("ignores a release without a press and a press of a key already down", () => {
    expect(tracker.release("up")).toBe(false);
    expect(tracker.press("up")).toBe(true);
    expect(tracker.press("up")).toBe(false);
    expect(reports).toEqual([]);
  });
});
