import {
  AppleTV,
  InputAction,
  KeyboardFocusState,
  type KeyboardListener,
  NotSupportedError,
  Protocol,
  type ProtocolSession,
  TouchAction,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { FacadeAppleTV } from "./facade-apple-tv.js";

const close = async () => {};

function facade(...sessions: ProtocolSession[]): FacadeAppleTV {
  const atv = new FacadeAppleTV(new AppleTV({ address: "127.0.0.1", name: "Test" }));
  for (const session of sessions) atv.addSession(session);
  return atv;
}

function keyboardSession(protocol: Protocol, state: KeyboardFocusState, calls: string[]) {
  const keyboard = {
    listener: undefined as KeyboardListener | undefined,
    textFocusState: state,
    async textGet() {
      calls.push(`${protocol}:textGet`);
      return "text";
    },
    async textSet(text: string) {
      calls.push(`${protocol}:textSet:${text}`);
    },
  };
  return { session: { protocol, keyboard, close } satisfies ProtocolSession, keyboard };
}

describe("FacadeAppleTV keyboard", () => {
  it("relays to the highest-priority protocol with a keyboard", async () => {
    const calls: string[] = [];
    const airplay = keyboardSession(Protocol.AirPlay, KeyboardFocusState.Unfocused, calls);
    const companion = keyboardSession(Protocol.Companion, KeyboardFocusState.Focused, calls);
    const atv = facade(airplay.session, companion.session);
    expect(atv.keyboard.textFocusState).toBe(KeyboardFocusState.Focused);
    await expect(atv.keyboard.textGet()).resolves.toBe("text");
    await atv.keyboard.textSet("abc");
    expect(calls).toEqual([`${Protocol.Companion}:textGet`, `${Protocol.Companion}:textSet:abc`]);
    await expect(atv.keyboard.textClear()).rejects.toBeInstanceOf(NotSupportedError);
    await expect(atv.keyboard.textAppend("x")).rejects.toBeInstanceOf(NotSupportedError);
  });

  it("tells focus changes of the main keyboard protocol only, once each", () => {
    const companion = keyboardSession(Protocol.Companion, KeyboardFocusState.Unknown, []);
    const airplay = keyboardSession(Protocol.AirPlay, KeyboardFocusState.Unknown, []);
    const atv = facade(companion.session, airplay.session);
    const heard: string[] = [];
    atv.keyboard.listener = {
      focusstateUpdate: (old, state) => heard.push(`${old}->${state}`),
    };
    const main = companion.keyboard.listener as KeyboardListener | undefined;
    const other = airplay.keyboard.listener as KeyboardListener | undefined;
    expect(main).toBeDefined();
    main?.focusstateUpdate(KeyboardFocusState.Unknown, KeyboardFocusState.Focused);
    main?.focusstateUpdate(KeyboardFocusState.Focused, KeyboardFocusState.Focused);
    other?.focusstateUpdate(KeyboardFocusState.Unknown, KeyboardFocusState.Unfocused);
    main?.focusstateUpdate(KeyboardFocusState.Focused, KeyboardFocusState.Unfocused);
    expect(heard).toEqual([
      `${KeyboardFocusState.Unknown}->${KeyboardFocusState.Focused}`,
      `${KeyboardFocusState.Focused}->${KeyboardFocusState.Unfocused}`,
    ]);
  });

  it("is NotSupportedError without any keyboard", async () => {
    const atv = facade({ protocol: Protocol.MRP, close });
    expect(() => atv.keyboard.textFocusState).toThrow(NotSupportedError);
    await expect(atv.keyboard.textGet()).rejects.toBeInstanceOf(NotSupportedError);
  });
});

describe("FacadeAppleTV touch", () => {
  it("relays gestures with their arguments, else NotSupportedError", async () => {
    const calls: unknown[][] = [];
    const touch = {
      async swipe(...args: unknown[]) {
        calls.push(["swipe", ...args]);
      },
      async click(...args: unknown[]) {
        calls.push(["click", ...args]);
      },
    };
    const atv = facade({ protocol: Protocol.Companion, touch, close });
    const signal = new AbortController().signal;
    await atv.touch.swipe(1, 2, 3, 4, 500, { signal });
    await atv.touch.click(InputAction.DoubleTap);
    expect(calls).toEqual([
      ["swipe", 1, 2, 3, 4, 500, { signal }],
      ["click", InputAction.DoubleTap, undefined],
    ]);
    await expect(atv.touch.action(1, 1, TouchAction.Press)).rejects.toBeInstanceOf(
      NotSupportedError,
    );
  });
});
