// Accounts, buttons, media control and power against FakeCompanionDevice over loopback.

import {
  CommandError,
  InputAction,
  OperationTimeoutError,
  PowerState,
  Protocol,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { SystemStatus } from "../device-status.js";
import type { FakeCompanionDevice } from "../fake/device.js";
import { FAKE_USER_ACCOUNTS } from "../fake/state.js";
import { companionSession } from "../plugin.js";
import { closeFakeSessions, fakeSession } from "./fake-session.js";
import { CompanionRemoteControl } from "./remote-control.js";

afterEach(closeFakeSessions);

const connect = fakeSession;

function buttons(fake: FakeCompanionDevice): string[] {
  return fake.state.events.flatMap((e) => (e.kind === "button" ? [`${e.name}:${e.state}`] : []));
}

function media(fake: FakeCompanionDevice): string[] {
  return fake.state.events.flatMap((e) => (e.kind === "media_control" ? [e.name] : []));
}

describe("user accounts", () => {
  it("lists the accounts and switches to one", async () => {
    const { fake, client } = await connect();
    const accounts = await client.userAccounts.accountList();
    expect(accounts).toEqual(
      Object.entries(FAKE_USER_ACCOUNTS).map(([identifier, name]) => ({ name, identifier })),
    );
    const bob = accounts.find((a) => a.name === "Bob");
    await client.userAccounts.switchAccount(bob?.identifier ?? "");
    expect(fake.state.activeAccount).toBe(bob?.identifier);
    expect(fake.state.events).toContainEqual({
      kind: "switch_account",
      accountId: bob?.identifier,
    });
  });

  it("rejects an unknown account with a CommandError", async () => {
    const { client } = await connect();
    await expect(client.userAccounts.switchAccount("nobody")).rejects.toBeInstanceOf(CommandError);
  });
});

describe("remote control", () => {
  it("presses navigation buttons down then up, twice for a double tap", async () => {
    const { fake, client } = await connect();
    const rc = client.remoteControl;
    await rc.up();
    await rc.down();
    await rc.left();
    await rc.right();
    await rc.select(InputAction.DoubleTap);
    await rc.menu();
    await rc.home();
    expect(buttons(fake)).toEqual([
      "up:down",
      "up:up",
      "down:down",
      "down:up",
      "left:down",
      "left:up",
      "right:down",
      "right:up",
      "select:down",
      "select:up",
      "select:down",
      "select:up",
      "menu:down",
      "menu:up",
      "home:down",
      "home:up",
    ]);
  });

  it("holds a button for the hold delay", async () => {
    const { fake, client } = await connect();
    const rc = new CompanionRemoteControl(client.protocol, { holdDelay: 50 });
    const started = Date.now();
    await rc.home(InputAction.Hold);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(buttons(fake)).toEqual(["home:down", "home:up"]);
  });

  it("sends the other buttons over _hidC", async () => {
    const { fake, client } = await connect();
    const rc = client.remoteControl;
    await rc.volumeUp();
    await rc.volumeDown();
    await rc.playPause();
    await rc.channelUp();
    await rc.channelDown();
    await rc.screensaver();
    await rc.guide();
    await rc.controlCenter();
    expect(buttons(fake).filter((b) => b.endsWith(":up"))).toEqual([
      "volume_up:up",
      "volume_down:up",
      "play_pause:up",
      "channel_up:up",
      "channel_down:up",
      "screensaver:up",
      "guide:up",
      "control_center:up",
    ]);
  });

  it("sends playback commands over _mcc", async () => {
    const { fake, client } = await connect();
    const rc = client.remoteControl;
    await rc.play();
    await rc.pause();
    await rc.next();
    await rc.previous();
    await rc.skipForward();
    await rc.skipBackward(30);
    expect(media(fake)).toEqual(["play", "pause", "next", "previous", "skip", "skip"]);
    expect(buttons(fake)).toEqual([]);
  });

  it("rejects an aborted call before sending", async () => {
    const { fake, client } = await connect();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(client.remoteControl.up(undefined, { signal: controller.signal })).rejects.toThrow(
      "stop",
    );
    expect(buttons(fake)).toEqual([]);
  });
});

describe("power", () => {
  it("starts from FetchAttentionState", async () => {
    const { client } = await connect();
    expect(client.power.powerState).toBe(PowerState.On);
  });

  it("turns off and on, awaiting the new state, and tells the listener", async () => {
    const { fake, client } = await connect();
    const updates: [PowerState, PowerState][] = [];
    client.power.listener = {
      powerstateUpdate: (before, after) => updates.push([before, after]),
    };
    await client.power.turnOff({ awaitNewState: true });
    expect(client.power.powerState).toBe(PowerState.Off);
    expect(fake.state.poweredOn).toBe(false);
    await client.power.turnOn({ awaitNewState: true });
    expect(client.power.powerState).toBe(PowerState.On);
    expect(buttons(fake)).toEqual(["sleep:up", "wake:up"]);
    expect(updates).toEqual([
      [PowerState.On, PowerState.Off],
      [PowerState.Off, PowerState.On],
    ]);
  });

  it("follows status changes the device pushes", async () => {
    const { fake, client } = await connect();
    // `_interest` is an event, unanswered: a round trip makes sure the device has it.
    await client.userAccounts.accountList();
    const seen = new Promise<PowerState>((resolve) => {
      client.power.listener = { powerstateUpdate: (_before, after) => resolve(after) };
    });
    fake.state.setSystemStatus(SystemStatus.Asleep);
    expect(await seen).toBe(PowerState.Off);
  });

  it("gives up waiting with an OperationTimeoutError", async () => {
    const { fake, client } = await connect({ powerStateTimeout: 100 });
    // A device that ignores the button: sleep is recorded but the state stays on.
    const power = client.power;
    const original = fake.state.setPower.bind(fake.state);
    fake.state.setPower = () => {};
    await expect(power.turnOff({ awaitNewState: true })).rejects.toBeInstanceOf(
      OperationTimeoutError,
    );
    fake.state.setPower = original;
    expect(power.powerState).toBe(PowerState.On);
  });

  it("resolves at once when already in the state", async () => {
    const { fake, client } = await connect();
    await client.power.turnOn({ awaitNewState: true });
    expect(fake.state.poweredOn).toBe(true);
  });
});

describe("companionSession", () => {
  it("offers remote control, power and user accounts", async () => {
    const { fake, client } = await connect();
    const session = companionSession(client);
    expect(session.protocol).toBe(Protocol.Companion);
    await session.remoteControl?.select?.();
    expect(buttons(fake)).toEqual(["select:down", "select:up"]);
    expect(session.power?.powerState).toBe(PowerState.On);
    expect(await session.userAccounts.accountList()).toHaveLength(2);
  });
});
