// The "done when", with the built CLI against a tvOS 17 fake: pair Companion (and
// AirPlay for MRP), then apps, keyboard, power, touch and buttons, each reaching the fake.
import { FakeAppleTV } from "@atv/core/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairWithCli, runCli } from "../../../scripts/cli-test-support.js";

describe("atvremote over Companion", () => {
  let fake: FakeAppleTV;
  let base: string[];
  let companion: string[];
  let both: string[];

  const atvremote = (args: string[], ...commands: string[]) =>
    runCli("atvremote", [...args, ...commands]);

  beforeAll(async () => {
    fake = await FakeAppleTV.start({ profile: "tvos17", address: "127.0.0.1", mdnsPort: 0 });
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
    companion = [...base, "--companion-credentials", await pairWithCli(base, "companion")];
    both = [...companion, "--airplay-credentials", await pairWithCli(base, "airplay")];
  });
  afterAll(() => fake.close());

  it("launches an app that MRP then reports", async () => {
    expect((await atvremote(companion, "launch_app=com.apple.TVMusic")).code).toBe(0);
    const app = await atvremote(both, "app");
    expect(app.stdout).toBe("App: Music (com.apple.TVMusic)\n");
  });

  it("types into the text field and reads it back", async () => {
    const typed = await atvremote(companion, "text_set=hello", "text_get");
    expect(typed.stderr).toBe("");
    expect(typed.stdout).toBe("hello\n");
    expect(fake.companion?.state.text).toBe("hello");
    const appended = await atvremote(
      companion,
      "text_append=, world",
      "text_get",
      "text_focus_state",
    );
    expect(appended.stdout).toBe("hello, world\nKeyboardFocusState.Focused\n");
    expect((await atvremote(companion, "text_clear", "text_get")).stdout).toBe("\n");
  });

  it("prints nothing for text_get and changes nothing when no text field has focus", async () => {
    fake.companion?.state.setText("kept");
    fake.companion?.state.setTextFocus(false);
    try {
      const result = await atvremote(companion, "text_focus_state", "text_set=lost", "text_get");
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("KeyboardFocusState.Unfocused\n");
      expect(fake.companion?.state.text).toBe("kept");
    } finally {
      fake.companion?.state.setTextFocus(true);
    }
  });

  it("turns the device off and on, and says so once per change", async () => {
    const off = await atvremote(both, "turn_off", "power_state");
    expect(off.stdout).toBe("New power state: Off\nPowerState.Off\n");
    expect(fake.companion?.state.poweredOn).toBe(false);
    expect(fake.mrp?.state.poweredOn).toBe(false);
    const on = await atvremote(companion, "turn_on", "power_state");
    expect(on.stdout).toBe("New power state: On\nPowerState.On\n");
    expect(fake.mrp?.state.poweredOn).toBe(true);
  });

  it("swipes, touches and clicks on the fake's touchpad", async () => {
    const state = fake.companion?.state;
    const before = state?.touches.length ?? 0;
    const result = await atvremote(companion, "swipe=100,500,900,500,100", "action=250,750,1");
    expect(result.stderr).toBe("");
    const touches = state?.touches.slice(before) ?? [];
    expect(touches[0]).toEqual({ phase: 1, x: 100, y: 500 });
    expect(touches.at(-2)).toEqual({ phase: 4, x: 900, y: 500 });
    expect(touches.at(-1)).toEqual({ phase: 1, x: 250, y: 750 });
    const clicked = await atvremote(companion, "click=0");
    expect(clicked.code).toBe(0);
    expect(state?.touches.at(-1)).toEqual({ phase: 5, x: 1000, y: 1000 });
  });

  it("sends screensaver, guide, control center and channel buttons over HID", async () => {
    const pressed: string[] = [];
    const stop = fake.companion?.onEvent((event) => {
      if (event.kind === "button" && event.state === "up") pressed.push(event.name);
    });
    try {
      const commands = ["screensaver", "guide", "control_center", "channel_up", "channel_down"];
      expect((await atvremote(companion, ...commands)).code).toBe(0);
      expect(pressed).toEqual(commands);
    } finally {
      stop?.();
    }
  });

  it("refuses touch arguments off the touchpad before connecting", async () => {
    const result = await atvremote(companion, "swipe=0,0,2000,0,100");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("off the touchpad");
  });
});
