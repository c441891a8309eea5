import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePrompt, swipeKey } from "./navigation.js";

describe("parsePrompt", () => {
  it("reads keys and touch points as pyatv sends them", () => {
    expect(parsePrompt("topmenu")).toEqual({ kind: "key", name: "top_menu" });
    expect(parsePrompt("touchMove&time=3&point=60,100")).toEqual({
      kind: "touch",
      phase: "move",
      time: 3,
      x: 60,
      y: 100,
    });
    expect(parsePrompt("touchUp&time=3&point=60")).toEqual({ kind: "unknown" });
    expect(parsePrompt("toString")).toEqual({ kind: "unknown" });
  });

  it("never throws, whatever the string", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(["key", "touch", "unknown"]).toContain(parsePrompt(text).kind);
      }),
    );
  });

  it("turns swipes into arrows and short ones into select", () => {
    expect(swipeKey({ x: 20, y: 275 }, { x: 20, y: 250 })).toBe("up");
    expect(swipeKey({ x: 75, y: 100 }, { x: 50, y: 100 })).toBe("left");
    expect(swipeKey({ x: 75, y: 100 }, { x: 78, y: 103 })).toBe("select");
  });
});
