import {
  InputAction,
  type Keyboard,
  KeyboardFocusState,
  TouchAction,
  type TouchGestures,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { isKeyboardCommand, runKeyboardCommand } from "./keyboard-commands.js";
import { parseCommandCall } from "./remote-commands.js";
import { isTouchCommand, runTouchCommand } from "./touch-commands.js";
import { UsageError } from "./usage-error.js";

/** A keyboard holding one text field, as a focused search field would. */
function textField(initial: string | undefined): Keyboard & { text: string | undefined } {
  return {
    text: initial,
    listener: undefined,
    get textFocusState() {
      return this.text === undefined ? KeyboardFocusState.Unfocused : KeyboardFocusState.Focused;
    },
    async textGet() {
      return this.text;
    },
    async textClear() {
      if (this.text !== undefined) this.text = "";
    },
    async textAppend(text: string) {
      if (this.text !== undefined) this.text += text;
    },
    async textSet(text: string) {
      if (this.text !== undefined) this.text = text;
    },
  };
}

function touchRecorder(): { touch: TouchGestures; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const touch: TouchGestures = {
    swipe: async (...a) => void calls.push(["swipe", ...a.slice(0, 5)]),
    action: async (...a) => void calls.push(["action", ...a.slice(0, 3)]),
    click: async (...a) => void calls.push(["click", a[0]]),
  };
  return { touch, calls };
}

const run = (keyboard: Keyboard, text: string) =>
  runKeyboardCommand(keyboard, parseCommandCall(text));

describe("keyboard commands", () => {
  it("sets, appends, reads and clears the text as pyatv's atvremote", async () => {
    const keyboard = textField("");
    expect(await run(keyboard, "text_set=hello")).toBeUndefined();
    await run(keyboard, "text_append= world");
    expect(await run(keyboard, "text_get")).toBe("hello world");
    await run(keyboard, "text_clear");
    expect(await run(keyboard, "text_get")).toBe("");
  });

  it("types commas rather than splitting the text", async () => {
    const keyboard = textField("");
    await run(keyboard, "text_set=a,b,,c");
    expect(keyboard.text).toBe("a,b,,c");
  });

  it("prints the focus state as pyatv prints the enum", async () => {
    expect(await run(textField(""), "text_focus_state")).toBe("KeyboardFocusState.Focused");
    expect(await run(textField(undefined), "text_focus_state")).toBe(
      "KeyboardFocusState.Unfocused",
    );
    expect(await run(textField(undefined), "text_get")).toBeUndefined();
  });

  it("needs text for text_set and text_append", async () => {
    const keyboard = textField("x");
    await expect(run(keyboard, "text_set")).rejects.toBeInstanceOf(UsageError);
    await expect(run(keyboard, "text_append")).rejects.toBeInstanceOf(UsageError);
    expect(keyboard.text).toBe("x");
    expect(isKeyboardCommand("text_get")).toBe(true);
    expect(isKeyboardCommand("text_type")).toBe(false);
  });
});

describe("touch commands", () => {
  it.each([
    ["swipe=100,500,900,500,200", ["swipe", 100, 500, 900, 500, 200]],
    ["action=500,500,1", ["action", 500, 500, TouchAction.Press]],
    ["action=0,1000,release", ["action", 0, 1000, TouchAction.Release]],
    ["click=0", ["click", InputAction.SingleTap]],
    ["click=hold", ["click", InputAction.Hold]],
  ])("runs %s", async (text, expected) => {
    const { touch, calls } = touchRecorder();
    await runTouchCommand(touch, parseCommandCall(text));
    expect(calls).toEqual([expected]);
  });

  it.each([
    "swipe=1,2,3,4",
    "swipe=1,2,3,4,5,6",
    "swipe=-1,0,0,0,100",
    "swipe=0,0,1001,0,100",
    "swipe=0,0,0,0,-5",
    "action=1,2,2",
    "action=a,b,1",
    "click=3",
    "click",
  ])("rejects %s with a UsageError", async (text) => {
    const { touch, calls } = touchRecorder();
    await expect(runTouchCommand(touch, parseCommandCall(text))).rejects.toBeInstanceOf(UsageError);
    expect(calls).toEqual([]);
    expect(isTouchCommand(parseCommandCall(text).name)).toBe(true);
  });
});
