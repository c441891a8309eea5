import { setTimeout } from "node:timers/promises";
import { InvalidConfigError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { scanWindow, whenAborted } from "./abort.js";

describe("scanWindow", () => {
  it("refuses a negative or non-finite timeout with InvalidConfigError", () => {
    for (const timeout of [-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => scanWindow(timeout, undefined)).toThrow(InvalidConfigError);
    }
  });

  it("ends after a fractional timeout, rounded up", async () => {
    const window = scanWindow(1.5, undefined);
    await whenAborted(window.signal);
    expect(window.timedOut).toBe(true);
  });

  it("keeps a timeout beyond Node's timer range open instead of firing at once", async () => {
    // Node fires a timer of more than 2^31 - 1 ms after 1 ms; such windows are cut to it.
    const windows = [2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER].map((t) => {
      const controller = new AbortController();
      return { controller, window: scanWindow(t, controller.signal) };
    });
    await setTimeout(20);
    for (const { controller, window } of windows) {
      expect(window.signal.aborted).toBe(false);
      controller.abort();
      expect(window.signal.aborted).toBe(true);
    }
  });

  it("ends when finished or when the caller aborts, with a zero timeout allowed", async () => {
    const finished = scanWindow(60_000, undefined);
    finished.finish();
    expect(finished.signal.aborted).toBe(true);
    expect(finished.timedOut).toBe(false);
    const zero = scanWindow(0, undefined);
    await whenAborted(zero.signal);
    expect(zero.timedOut).toBe(true);
  });
});
