import { describe, expect, it, vi } from "vitest";
import { tellListener } from "./tell-listener.js";

describe("tellListener", () => {
  it("calls the listener that is set", () => {
    const listener = { update: vi.fn() };
    tellListener(listener, (l) => l.update(1), { debug: vi.fn() }, "test");
    expect(listener.update).toHaveBeenCalledExactlyOnceWith(1);
  });

  it("does nothing without a listener", () => {
    const call = vi.fn();
    tellListener(undefined, call, { debug: vi.fn() }, "test");
    expect(call).not.toHaveBeenCalled();
  });

  it("logs what the listener throws instead of passing it on", () => {
    const failure = new Error("listener bug");
    const logger = { debug: vi.fn() };
    const throwing = (): never => {
      throw failure;
    };
    expect(() => tellListener({}, throwing, logger, "audio")).not.toThrow();
    expect(logger.debug).toHaveBeenCalledWith("mrp: %s listener failed: %o", "audio", failure);
  });
});
