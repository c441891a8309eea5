// Keyboard, touch and their features through connect() against the fake Apple TV's
// Companion side over loopback.

import {
  type AppleTV,
  DEFAULT_INFO_SETTINGS,
  FeatureName,
  FeatureState,
  KeyboardFocusState,
  Protocol,
  TouchAction,
} from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FakeAppleTV } from "../fake/index.js";
import { scan } from "../scan/scan.js";
import { connect } from "./connect.js";
import { pair } from "./pair.js";

let fake: FakeAppleTV;
let config: AppleTV;

beforeAll(async () => {
  fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
  const [found] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 10_000 });
  if (found === undefined) throw new Error("the fake was not found");
  config = found;
  const handler = pair(config, Protocol.Companion);
  await handler.begin();
  handler.pin(1111);
  await handler.finish();
  await handler.close();
});

afterAll(async () => {
  await fake.close();
});

describe("how the client presents itself", () => {
  it("sends the info settings in Companion's _systemInfo and MRP's DEVICE_INFO", async () => {
    const info = {
      ...DEFAULT_INFO_SETTINGS,
      name: "Kitchen remote",
      model: "iPhone14,2",
      deviceId: "AA:BB:CC:DD:EE:FF",
      rpId: "0a1b2c3d4e5f",
      osBuild: "21A329",
    };
    const atv = await connect(config, { protocols: [Protocol.Companion, Protocol.MRP], info });
    try {
      const sent = fake.companion?.state.clientSystemInfo;
      const field = (key: string) => (sent instanceof Map ? sent.get(key) : undefined);
      expect([field("name"), field("model"), field("_pubID"), field("_i")]).toEqual([
        "Kitchen remote",
        "iPhone14,2",
        "AA:BB:CC:DD:EE:FF",
        "0a1b2c3d4e5f",
      ]);
      expect(fake.mrp?.state.clientInfo?.name).toBe("Kitchen remote");
      expect(fake.mrp?.state.clientInfo?.systemBuildVersion).toBe("21A329");
    } finally {
      await atv.close();
    }
  });
});

describe("Companion keyboard and touch through the facade", () => {
  it("edits the focused text field and tells focus changes", async () => {
    const atv = await connect(config, { protocols: [Protocol.Companion] });
    try {
      const companion = fake.companion;
      if (companion === undefined) throw new Error("the fake has no Companion side");
      expect(atv.keyboard.textFocusState).toBe(KeyboardFocusState.Focused);
      await atv.keyboard.textSet("search");
      await atv.keyboard.textAppend(" me");
      await expect(atv.keyboard.textGet()).resolves.toBe("search me");
      expect(companion.state.text).toBe("search me");

      const heard: KeyboardFocusState[] = [];
      atv.keyboard.listener = { focusstateUpdate: (_old, state) => heard.push(state) };
      companion.state.setTextFocus(false);
      await vi.waitFor(() => expect(heard).toEqual([KeyboardFocusState.Unfocused]));
      expect(atv.keyboard.textFocusState).toBe(KeyboardFocusState.Unfocused);
      companion.state.setTextFocus(true);

      await atv.touch.action(250, 750, TouchAction.Press);
      await atv.touch.action(250, 750, TouchAction.Release);
      // Touches are unanswered events: a request after them makes sure they arrived.
      await atv.apps.appList();
      expect(companion.state.touches.slice(-2)).toEqual([
        { phase: TouchAction.Press, x: 250, y: 750 },
        { phase: TouchAction.Release, x: 250, y: 750 },
      ]);

      for (const name of [FeatureName.TextSet, FeatureName.Swipe, FeatureName.Click]) {
        expect(atv.features.getFeature(name).state).toBe(FeatureState.Available);
      }
      expect(atv.features.getFeature(FeatureName.PlayUrl).state).toBe(FeatureState.Unsupported);
    } finally {
      await atv.close();
    }
  });
});
