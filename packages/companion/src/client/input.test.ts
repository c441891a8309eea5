// Touch, volume, keyboard and features against FakeCompanionDevice over loopback.

import {
  FeatureName,
  FeatureState,
  InputAction,
  KeyboardFocusState,
  ProtocolError,
  TouchAction,
} from "@atv/interface";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MediaControlFlags } from "../device-status.js";
import { companionSession } from "../plugin.js";
import type { CompanionClient } from "./client.js";
import { closeFakeSessions, fakeSession } from "./fake-session.js";

afterEach(closeFakeSessions);

const connect = fakeSession;

/** `_hidT` and `_interest` are events: a request after them makes sure the device has them. */
const roundTrip = (client: CompanionClient) => client.userAccounts.accountList();

describe("touch", () => {
  it("announces the touchpad at connect and withdraws it on close", async () => {
    const { fake, client } = await connect();
    expect(fake.state.touchpad).toEqual({ width: 1000, height: 1000 });
    await client.close();
    expect(fake.state.touchpad).toBeUndefined();
  });

  it("delivers actions, swipes and clicks", async () => {
    const { fake, client } = await connect();
    await client.touch.action(1500, -3, TouchAction.Press);
    await client.touch.swipe(100, 100, 900, 100, 50);
    await client.touch.click(InputAction.SingleTap);
    await roundTrip(client);
    const touches = fake.state.touches;
    expect(touches[0]).toEqual({ phase: TouchAction.Press, x: 1000, y: 0 });
    expect(touches[1]).toEqual({ phase: TouchAction.Press, x: 100, y: 100 });
    expect(touches.at(-2)).toEqual({ phase: TouchAction.Release, x: 900, y: 100 });
    expect(touches.at(-1)).toEqual({ phase: TouchAction.Click, x: 1000, y: 1000 });
    expect(
      fake.state.events.flatMap((e) => (e.kind === "button" ? [`${e.name}:${e.state}`] : [])),
    ).toEqual(["select:down", "select:up"]);
  });
});

describe("audio", () => {
  it("knows the volume, sets and steps it, and tells the listener", async () => {
    const { fake, client } = await connect();
    await vi.waitFor(() => expect(client.audio.volume).toBeCloseTo(10));
    const heard: number[] = [];
    client.audio.listener = {
      volumeUpdate: (_old, level) => heard.push(Math.round(level)),
      volumeDeviceUpdate: () => {},
      outputdevicesUpdate: () => {},
    };
    await client.audio.setVolume(40);
    expect(fake.state.volume).toBeCloseTo(40);
    expect(client.audio.volume).toBeCloseTo(40);
    await client.audio.volumeUp();
    expect(client.audio.volume).toBeCloseTo(45);
    await client.audio.volumeDown();
    expect(client.audio.volume).toBeCloseTo(40);
    expect(heard).toEqual([40, 45, 40]);
    await expect(client.audio.setVolume(150)).rejects.toBeInstanceOf(ProtocolError);
    expect(fake.state.volume).toBeCloseTo(40);
  });

  it("knows nothing of the volume while the device offers no volume control", async () => {
    const { fake, client } = await connect();
    await vi.waitFor(() => expect(client.audio.volume).toBeCloseTo(10));
    fake.state.mediaControlFlags = MediaControlFlags.Play;
    fake.state.broadcastMediaControlFlags();
    await vi.waitFor(() => expect(client.audio.volume).toBe(0));
    expect(client.features.getFeature(FeatureName.SetVolume).state).toBe(FeatureState.Unavailable);
    expect(client.features.getFeature(FeatureName.Play).state).toBe(FeatureState.Available);
  });
});

describe("keyboard", () => {
  it("takes the focus from _tiStart and follows the device's focus changes", async () => {
    const { fake, client } = await connect();
    expect(client.keyboard.textFocusState).toBe(KeyboardFocusState.Focused);
    const heard: KeyboardFocusState[] = [];
    client.keyboard.listener = { focusstateUpdate: (_old, state) => heard.push(state) };
    fake.state.setTextFocus(false);
    await vi.waitFor(() => expect(heard).toEqual([KeyboardFocusState.Unfocused]));
    fake.state.setTextFocus(true);
    await vi.waitFor(() =>
      expect(heard).toEqual([KeyboardFocusState.Unfocused, KeyboardFocusState.Focused]),
    );
  });

  it("gets, sets, appends and clears the text", async () => {
    const { fake, client } = await connect();
    await expect(client.keyboard.textGet()).resolves.toBe("");
    await client.keyboard.textSet("hello");
    await expect(client.keyboard.textGet()).resolves.toBe("hello");
    await client.keyboard.textAppend(" world");
    await expect(client.keyboard.textGet()).resolves.toBe("hello world");
    expect(fake.state.text).toBe("hello world");
    await client.keyboard.textClear();
    await expect(client.keyboard.textGet()).resolves.toBe("");
  });

  it("does nothing without focus", async () => {
    const { fake, client } = await connect();
    fake.state.setTextFocus(false);
    await expect(client.keyboard.textGet()).resolves.toBeUndefined();
    await client.keyboard.textSet("ignored");
    expect(client.keyboard.textFocusState).toBe(KeyboardFocusState.Unfocused);
    fake.state.setTextFocus(true);
    await expect(client.keyboard.textGet()).resolves.toBe("");
  });
});

describe("companionSession", () => {
  it("offers keyboard, touch, audio and features", async () => {
    const { fake, client } = await connect();
    const session = companionSession(client);
    await session.keyboard?.textSet?.("abc");
    await expect(session.keyboard?.textGet?.()).resolves.toBe("abc");
    await session.touch?.action?.(10, 20, TouchAction.Press);
    await roundTrip(client);
    expect(fake.state.touches.at(-1)).toEqual({ phase: TouchAction.Press, x: 10, y: 20 });
    expect(session.features?.getFeature(FeatureName.TextSet).state).toBe(FeatureState.Available);
    expect(session.features?.getFeature(FeatureName.PlayUrl).state).toBe(FeatureState.Unsupported);
    await vi.waitFor(() => expect(session.audio?.volume).toBeCloseTo(10));
  });
});
