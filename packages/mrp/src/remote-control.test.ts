// Every button (with each input action) and every command reaches the fake device, over
// an encrypted session, with the name and action the device infers.

import { randomBytes } from "node:crypto";
import { ed25519KeyPairFromSeed, parseCredentials } from "@atv/hap";
import { InputAction, NotSupportedError, RepeatState, ShuffleState } from "@atv/interface";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { connectMrp, pairMrp } from "./client.js";
import { FakeMrpDevice, type FakeMrpEvent } from "./fake/index.js";
import { RepeatMode, ShuffleMode } from "./protobuf/generated/enums.js";
import type { CommandOptions } from "./protobuf/types.js";
import { MrpRemoteControl } from "./remote-control.js";

const HOST = "127.0.0.1";
const DEVICE_ID = "9A1C2D3E-0000-4000-8000-00000000C0DE";
const SEED = randomBytes(32);
let credentials: string;

beforeAll(async () => {
  const device = await FakeMrpDevice.start({
    name: "Pairing",
    uniqueIdentifier: DEVICE_ID,
    seed: SEED,
  });
  const handler = pairMrp({ host: HOST, port: device.port });
  try {
    await handler.begin();
    handler.pin("1111");
    await handler.finish();
    credentials = handler.service.credentials as string;
  } finally {
    await handler.close();
    await device.close();
  }
});

/**
 * Runs `act` on a fresh device (same identity, client already paired) over an encrypted
 * session, closes the session, and returns what the device recorded once it saw the
 * connection end (which also settles a tap still waiting for a possible second one).
 */
async function recorded(
  act: (remote: MrpRemoteControl) => Promise<void>,
): Promise<{ events: FakeMrpEvent[]; options: (CommandOptions | undefined)[] }> {
  const device = await FakeMrpDevice.start({ name: "TV", uniqueIdentifier: DEVICE_ID, seed: SEED });
  try {
    const parsed = parseCredentials(credentials);
    device.useCases.addPairedClient({
      identifier: parsed.clientId,
      publicKey: ed25519KeyPairFromSeed(parsed.ltsk).publicKey,
      extraItems: [],
    });
    const client = await connectMrp({ host: HOST, port: device.port, credentials });
    expect(client.protocol.connection.encrypted).toBe(true);
    await act(client.remoteControl);
    await client.close();
    await vi.waitFor(() => expect(device.state.connectionCount).toBe(0));
    return {
      events: [...device.state.events],
      options: device.state.commands.map((command) => command.options),
    };
  } finally {
    await device.close();
  }
}

type ButtonMethod = "up" | "down" | "left" | "right" | "select" | "menu" | "home";
const BUTTONS: [ButtonMethod, string][] = [
  ["up", "up"],
  ["down", "down"],
  ["left", "left"],
  ["right", "right"],
  ["select", "select"],
  ["menu", "menu"],
  ["home", "home"],
];
const ACTIONS = [
  [InputAction.SingleTap, "single_tap"],
  [InputAction.DoubleTap, "double_tap"],
  [InputAction.Hold, "hold"],
] as const;

describe.concurrent("buttons", () => {
  for (const [method, name] of BUTTONS) {
    for (const [action, actionName] of ACTIONS) {
      it(`${method} as ${actionName}`, async () => {
        const { events } = await recorded((remote) => remote[method](action));
        expect(events).toEqual([{ kind: "button", name, action: actionName }]);
      });
    }
  }

  it("single tap is the default action", async () => {
    const { events } = await recorded((remote) => remote.select());
    expect(events).toEqual([{ kind: "button", name: "select", action: "single_tap" }]);
  });

  it("homeHold holds home (as pyatv's fake records it)", async () => {
    const { events } = await recorded((remote) => remote.homeHold());
    expect(events).toEqual([{ kind: "button", name: "home", action: "hold" }]);
  });

  it("topMenu", async () => {
    const { events } = await recorded((remote) => remote.topMenu());
    expect(events).toEqual([{ kind: "button", name: "top_menu", action: "single_tap" }]);
  });

  it("two different buttons in a row are two single taps", async () => {
    const { events } = await recorded(async (remote) => {
      await remote.left();
      await remote.right();
    });
    expect(events).toEqual([
      { kind: "button", name: "left", action: "single_tap" },
      { kind: "button", name: "right", action: "single_tap" },
    ]);
  });
});

describe.concurrent("commands", () => {
  const cases: [string, (remote: MrpRemoteControl) => Promise<void>, string, CommandOptions?][] = [
    ["play", (r) => r.play(), "play"],
    ["pause", (r) => r.pause(), "pause"],
    ["playPause", (r) => r.playPause(), "play_pause"],
    ["stop", (r) => r.stop(), "stop"],
    ["next", (r) => r.next(), "next"],
    ["previous", (r) => r.previous(), "previous"],
    ["skipForward(10)", (r) => r.skipForward(10), "skip_forward", { skipInterval: 10 }],
    ["skipForward()", (r) => r.skipForward(), "skip_forward", { skipInterval: 15 }],
    ["skipBackward(7.9)", (r) => r.skipBackward(7.9), "skip_backward", { skipInterval: 7 }],
    ["skipBackward(0)", (r) => r.skipBackward(0), "skip_backward", { skipInterval: 15 }],
    ["setPosition(42)", (r) => r.setPosition(42), "set_position", { playbackPosition: 42 }],
    [
      "setShuffle(Albums)",
      (r) => r.setShuffle(ShuffleState.Albums),
      "set_shuffle",
      { sendOptions: 0, shuffleMode: ShuffleMode.Albums },
    ],
    [
      "setShuffle(Songs)",
      (r) => r.setShuffle(ShuffleState.Songs),
      "set_shuffle",
      { sendOptions: 0, shuffleMode: ShuffleMode.Songs },
    ],
    [
      "setShuffle(Off)",
      (r) => r.setShuffle(ShuffleState.Off),
      "set_shuffle",
      { sendOptions: 0, shuffleMode: ShuffleMode.Off },
    ],
    [
      "setRepeat(Track)",
      (r) => r.setRepeat(RepeatState.Track),
      "set_repeat",
      { sendOptions: 0, repeatMode: RepeatMode.One },
    ],
    [
      "setRepeat(All)",
      (r) => r.setRepeat(RepeatState.All),
      "set_repeat",
      { sendOptions: 0, repeatMode: RepeatMode.All },
    ],
    [
      "setRepeat(Off)",
      (r) => r.setRepeat(RepeatState.Off),
      "set_repeat",
      { sendOptions: 0, repeatMode: RepeatMode.Off },
    ],
    ["volumeUp", (r) => r.volumeUp(), "volume_up"],
    ["volumeDown", (r) => r.volumeDown(), "volume_down"],
    ["suspend", (r) => r.suspend(), "suspend"],
    ["wakeup", (r) => r.wakeup(), "wakeup"],
  ];
  for (const [label, act, name, options] of cases) {
    it(label, async () => {
      const recording = await recorded(act);
      expect(recording.events).toEqual([{ kind: "command", name }]);
      if (options !== undefined) {
        expect(recording.options[0]).toMatchObject(options);
      }
    });
  }
});

describe("what MRP cannot do", () => {
  it.each(["channelUp", "channelDown", "screensaver", "guide", "controlCenter"])(
    "has no %s, so core answers NotSupportedError",
    (method) => {
      expect(method in MrpRemoteControl.prototype).toBe(false);
    },
  );

  it("rejects an unknown input action with NotSupportedError", async () => {
    const rejection = recorded((remote) => remote.up(7 as InputAction));
    await expect(rejection).rejects.toBeInstanceOf(NotSupportedError);
  });
});
