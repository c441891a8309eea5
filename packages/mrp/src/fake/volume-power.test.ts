// The fake device's volume, power and output devices as a client sees them on the wire.

import { PowerState } from "@atv/interface";
import { describe, expect, it, vi } from "vitest";
import { MrpConnection } from "../connection.js";
import { MessageType } from "../protobuf/generated/enums.js";
import { setVolumeMessage } from "../protobuf/messages.js";
import { MrpProtocol } from "../protocol.js";
import { useFakeMrpDevice } from "../testing/fake-device.js";
import type { FakeMrpEvent } from "./state.js";
import { steppedVolume } from "./volume.js";

const DEVICE_ID = "0F7B7E88-2C61-4C57-A1A4-3E6A6E1F2B10";
const OTHER_ID = "BBBBBBBB-0000-4000-8000-000000000002";

const fake = useFakeMrpDevice({ name: "Den", uniqueIdentifier: DEVICE_ID });

describe("steppedVolume", () => {
  it("steps by 0.05 without drift and stops at the ends", () => {
    let volume = 0.5;
    for (let i = 0; i < 4; i++) volume = steppedVolume(volume, 1);
    expect(volume).toBe(0.7);
    expect(steppedVolume(0.98, 1)).toBe(1);
    expect(steppedVolume(1, 1)).toBe(1);
    expect(steppedVolume(0.02, -1)).toBe(0);
    expect(steppedVolume(0, -1)).toBe(0);
  });
});

describe("the fake device's DEVICE_INFO", () => {
  it("describes power and group as pyatv's fake does", async () => {
    const protocol = new MrpProtocol(await MrpConnection.connect("127.0.0.1", fake.device.port));
    try {
      const info = await protocol.exchangeDeviceInfo();
      expect(info).toMatchObject({
        deviceUID: DEVICE_ID,
        logicalDeviceCount: 1,
        isGroupLeader: true,
        isProxyGroupPlayer: false,
        groupedDevices: [],
      });
      expect(info.clusterID ?? undefined).toBeUndefined();
      fake.device.useCases.setOutputDevices(OTHER_ID);
      fake.device.useCases.powerOff();
      fake.device.useCases.setClusterId("CLUSTER");
      const again = await protocol.exchangeDeviceInfo();
      expect(again).toMatchObject({
        logicalDeviceCount: 0,
        isGroupLeader: true,
        isProxyGroupPlayer: true,
        groupedDevices: [{ name: "Device BB", deviceUID: OTHER_ID }],
        clusterID: "CLUSTER",
      });
    } finally {
      protocol.close();
    }
  });

  it("sends no update to a client that never introduced itself", async () => {
    const connection = await MrpConnection.connect("127.0.0.1", fake.device.port);
    const received: number[] = [];
    connection.setHandler({ message: (m) => received.push(m.type ?? -1), closed: () => {} });
    await vi.waitFor(() => expect(fake.device.state.connectionCount).toBe(1));
    fake.device.useCases.powerOff();
    fake.device.useCases.setVolume(10);
    // A client that did introduce itself hears both, after anything sent to the first.
    const client = await fake.connect();
    fake.device.useCases.powerOn();
    await vi.waitFor(() => expect(client.power.powerState).toBe(PowerState.On));
    expect(received).toEqual([]);
    connection.close();
  });
});

describe("the fake device's volume", () => {
  it("ignores SET_VOLUME out of range or without a device, and the client stays put", async () => {
    const events: FakeMrpEvent[] = [];
    fake.device.onEvent((event) => events.push(event));
    const client = await fake.connect();
    client.protocol.send(setVolumeMessage(DEVICE_ID, 1.5));
    client.protocol.send(setVolumeMessage(DEVICE_ID, -0.5));
    client.protocol.send(setVolumeMessage("", 0.1));
    await client.remoteControl.play();
    expect(fake.device.state.volume).toBe(0.5);
    expect(client.audio.volume).toBe(50);
    expect(events).toEqual([{ kind: "command", name: "play" }]);
  });

  it("refuses a use-case level out of range with RangeError", () => {
    expect(() => fake.device.useCases.setVolume(101)).toThrow(RangeError);
    expect(() => fake.device.useCases.setVolume(Number.NaN)).toThrow(RangeError);
    expect(fake.device.state.volume).toBe(0.5);
  });

  it("says so at connect when volume control is off, without a volume", async () => {
    fake.device.useCases.volumeControl(false, { absolute: false, relative: false });
    const client = await fake.connect();
    expect(client.audio.isAvailable).toBe(false);
    expect(client.audio.volume).toBe(0);
  });
});

describe("the fake device's power", () => {
  it("does not sleep on select after home tapped (only after home held)", async () => {
    const client = await fake.connect();
    await client.remoteControl.home();
    await client.remoteControl.select();
    await client.close();
    await vi.waitFor(() => expect(fake.device.state.connectionCount).toBe(0));
    expect(fake.device.state.buttons.map((b) => `${b.name}:${b.action}`)).toEqual([
      "home:single_tap",
      "select:single_tap",
    ]);
    expect(fake.device.state.poweredOn).toBe(true);
    expect(fake.device.state.commands).toEqual([]);
  });

  it("wakes on WAKE_DEVICE and records turn_on", async () => {
    fake.device.useCases.powerOff();
    const client = await fake.connect();
    await client.power.turnOn({ awaitNewState: true });
    expect(fake.device.state.poweredOn).toBe(true);
    expect(fake.device.state.commands.map((c) => c.name)).toEqual(["turn_on"]);
  });

  it("ignores removing a device not in the group, and reports every change", async () => {
    const client = await fake.connect();
    await client.audio.removeOutputDevices([OTHER_ID]);
    expect(fake.device.state.outputDevices).toEqual([DEVICE_ID]);
    const received: MessageType[] = [];
    client.protocol.listen(MessageType.DEVICE_INFO_UPDATE_MESSAGE, (m) =>
      received.push(m.type ?? 0),
    );
    await client.audio.setOutputDevices([DEVICE_ID]);
    expect(received).toEqual([MessageType.DEVICE_INFO_UPDATE_MESSAGE]);
  });
});
