// Volume and output devices: the client against the fake device over loopback, and
// MrpAudio alone on messages fed to it (timeouts, aborts, odd messages).

import {
  type AudioListener,
  ConnectionLostError,
  OperationTimeoutError,
  type OutputDevice,
  ProtocolError,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { MrpAudio } from "./audio.js";
import {
  type FakeMrpEvent,
  type FakeVolumeControl,
  volumeControlAvailabilityMessage,
  volumeDidChangeMessage,
} from "./fake/index.js";
import { MessageType } from "./protobuf/generated/enums.js";
import { createMessage } from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import { useFakeMrpDevice } from "./testing/fake-device.js";
import { stubProtocol } from "./testing/message-source.js";
import { decodedOrRefused, mutatedWireForm } from "./testing/mutated-wire.js";

const DEVICE_ID = "E510C430-B01D-45DF-B558-6EA6F8251069";
const OTHER_ID = "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE";
const CLUSTER_ID = "CCCCCCCC-0000-4000-8000-000000000001";

const fake = useFakeMrpDevice({ name: "Living Room", uniqueIdentifier: DEVICE_ID });

function recordingListener() {
  return {
    volumeUpdate: vi.fn<AudioListener["volumeUpdate"]>(),
    volumeDeviceUpdate: vi.fn<AudioListener["volumeDeviceUpdate"]>(),
    outputdevicesUpdate: vi.fn<AudioListener["outputdevicesUpdate"]>(),
  };
}

function keyPresses(name: string): number {
  return fake.device.state.commands.filter((command) => command.name === name).length;
}

describe("volume over MRP", () => {
  it("knows the volume and the volume control as soon as it is connected", async () => {
    const client = await fake.connect();
    expect(client.audio.deviceUid).toBe(DEVICE_ID);
    expect(client.audio.volume).toBe(50);
    expect(client.audio.isAvailable).toBe(true);
    expect(client.audio.isVolumeAbsolute).toBe(true);
    expect(client.audio.isVolumeRelative).toBe(true);
  });

  it("knows at connect that a device offers no volume control", async () => {
    fake.device.state.volumeControl = { available: false, absolute: false, relative: false };
    const client = await fake.connect();
    expect(client.audio.isAvailable).toBe(false);
    expect(client.audio.isVolumeAbsolute).toBe(false);
    expect(client.audio.isVolumeRelative).toBe(false);
    expect(client.audio.volume).toBe(0);
  });

  it("sets the volume and resolves once the device reported it", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    await client.audio.setVolume(20);
    expect(client.audio.volume).toBe(20);
    expect(fake.device.state.volume).toBeCloseTo(0.2);
    expect(listener.volumeUpdate).toHaveBeenCalledExactlyOnceWith(50, 20);
  });

  it("rejects a level out of range with RangeError, sending nothing", async () => {
    const client = await fake.connect();
    for (const level of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(client.audio.setVolume(level)).rejects.toBeInstanceOf(RangeError);
    }
    // A round trip later, the device still has its volume.
    await client.remoteControl.play();
    expect(fake.device.state.volume).toBe(0.5);
  });

  it("rounds the level the device reports to one decimal", async () => {
    const client = await fake.connect();
    await client.audio.setVolume(33.333);
    expect(client.audio.volume).toBe(33.3);
  });

  it("hears volume changes made on the device", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    fake.device.useCases.setVolume(30);
    await vi.waitFor(() => expect(client.audio.volume).toBe(30));
    expect(listener.volumeUpdate).toHaveBeenCalledExactlyOnceWith(50, 30);
    // The same level again is no change.
    fake.device.useCases.setVolume(30);
    fake.device.useCases.setVolume(31);
    await vi.waitFor(() => expect(client.audio.volume).toBe(31));
    expect(listener.volumeUpdate.mock.calls).toEqual([
      [50, 30],
      [30, 31],
    ]);
  });

  it("tells volume changes of other output devices apart", async () => {
    const client = await fake.connect();
    await client.audio.addOutputDevices([OTHER_ID]);
    const listener = recordingListener();
    client.audio.listener = listener;
    fake.device.useCases.setVolume(40, OTHER_ID);
    await vi.waitFor(() => expect(listener.volumeDeviceUpdate).toHaveBeenCalledTimes(1));
    expect(listener.volumeDeviceUpdate).toHaveBeenCalledWith(
      { identifier: OTHER_ID, name: "Device AA", volume: 40 },
      0,
      40,
    );
    expect(listener.volumeUpdate).not.toHaveBeenCalled();
    expect(client.audio.volume).toBe(50);
    expect(client.audio.outputDevices.find((d) => d.identifier === OTHER_ID)?.volume).toBe(40);
  });

  it("sets the volume of one output device", async () => {
    const client = await fake.connect();
    await client.audio.addOutputDevices([OTHER_ID]);
    const other = client.audio.outputDevices.find((d) => d.identifier === OTHER_ID);
    expect(other).toBeDefined();
    await client.audio.setVolume(70, { outputDevice: other as OutputDevice });
    expect(fake.device.state.outputDeviceVolumes.get(OTHER_ID)).toBeCloseTo(0.7);
    expect(client.audio.outputDevices.find((d) => d.identifier === OTHER_ID)?.volume).toBe(70);
    expect(client.audio.volume).toBe(50);
  });

  it("follows volume control capabilities as the device changes them", async () => {
    const client = await fake.connect();
    fake.device.useCases.volumeControl(true, { absolute: false, relative: true });
    await vi.waitFor(() => expect(client.audio.isVolumeAbsolute).toBe(false));
    expect(client.audio.isVolumeRelative).toBe(true);
    expect(client.audio.isAvailable).toBe(true);
    fake.device.useCases.volumeControl(true, { absolute: true, relative: false });
    await vi.waitFor(() => expect(client.audio.isVolumeAbsolute).toBe(true));
    expect(client.audio.isVolumeRelative).toBe(false);
    fake.device.useCases.volumeControl(false, { absolute: false, relative: false });
    await vi.waitFor(() => expect(client.audio.isAvailable).toBe(false));
    expect(client.audio.isVolumeAbsolute).toBe(false);
    expect(client.audio.isVolumeRelative).toBe(false);
  });

  it("follows the volume of the device's cluster, not its own UID, once in one", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    fake.device.useCases.setClusterId(CLUSTER_ID);
    await vi.waitFor(() => expect(client.audio.deviceUid).toBe(CLUSTER_ID));
    await client.audio.setVolume(20);
    expect(client.audio.volume).toBe(20);
    // The device's own UID is now another fake.device.
    fake.device.useCases.setVolume(30, DEVICE_ID);
    await vi.waitFor(() => expect(listener.volumeDeviceUpdate).toHaveBeenCalledTimes(1));
    expect(client.audio.volume).toBe(20);
    fake.device.useCases.setVolume(30);
    await vi.waitFor(() => expect(client.audio.volume).toBe(30));
  });

  describe.each([
    ["absolute and relative (the volume keys)", { absolute: true, relative: true }, true],
    ["absolute only (set in steps of 5)", { absolute: true, relative: false }, false],
  ])("volume up and down, %s", (_label, control, usesKeys) => {
    it("steps the volume up and down, resolving once the device reported it", async () => {
      fake.device.state.volumeControl = { available: true, ...control };
      const client = await fake.connect();
      await client.audio.setVolume(20);
      await client.audio.volumeUp();
      expect(client.audio.volume).toBe(25);
      await client.audio.volumeUp();
      expect(client.audio.volume).toBe(30);
      await client.audio.volumeDown();
      expect(client.audio.volume).toBe(25);
      expect(keyPresses("volume_up")).toBe(usesKeys ? 2 : 0);
      expect(keyPresses("volume_down")).toBe(usesKeys ? 1 : 0);
    });

    it("does nothing above 100 or below 0", async () => {
      fake.device.state.volumeControl = { available: true, ...control };
      const client = await fake.connect();
      await client.audio.setVolume(100);
      await client.audio.volumeUp();
      expect(client.audio.volume).toBe(100);
      await client.audio.setVolume(0);
      await client.audio.volumeDown();
      expect(client.audio.volume).toBe(0);
      expect(keyPresses("volume_up") + keyPresses("volume_down")).toBe(0);
      expect(fake.device.state.volume).toBe(0);
    });
  });

  it("presses the volume keys without waiting when only relative control is offered", async () => {
    fake.device.state.volumeControl = { available: true, absolute: false, relative: true };
    const client = await fake.connect();
    await client.audio.volumeUp();
    await client.audio.volumeUp();
    expect(keyPresses("volume_up")).toBe(2);
    await vi.waitFor(() => expect(client.audio.volume).toBe(60));
    await client.audio.volumeDown();
    await vi.waitFor(() => expect(client.audio.volume).toBe(55));
  });

  it("tells the fake's listeners of volume changes, in percent", async () => {
    const events: FakeMrpEvent[] = [];
    fake.device.onEvent((event) => events.push(event));
    const client = await fake.connect();
    await client.audio.setVolume(10);
    await client.audio.volumeUp();
    expect(events).toEqual([
      { kind: "volume", level: 10 },
      { kind: "command", name: "volume_up" },
      { kind: "volume", level: 15 },
    ]);
  });
});

describe("output devices over MRP", () => {
  it("lists the device itself at connect", async () => {
    const client = await fake.connect();
    expect(client.audio.outputDevices).toEqual([
      { identifier: DEVICE_ID, name: "Living Room", volume: 50 },
    ]);
  });

  it("adds, removes and sets output devices, telling the listener", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    const self = { identifier: DEVICE_ID, name: "Living Room", volume: 50 };
    const other = { identifier: OTHER_ID, name: "Device AA", volume: 0 };

    await client.audio.addOutputDevices([OTHER_ID]);
    expect(client.audio.outputDevices).toEqual([self, other]);
    expect(fake.device.state.outputDevices).toEqual([DEVICE_ID, OTHER_ID]);

    await client.audio.removeOutputDevices([DEVICE_ID]);
    expect(client.audio.outputDevices).toEqual([other]);

    await client.audio.setOutputDevices([DEVICE_ID]);
    expect(client.audio.outputDevices).toEqual([self]);

    expect(listener.outputdevicesUpdate.mock.calls).toEqual([
      [[self], [self, other]],
      [[self, other], [other]],
      [[other], [self]],
    ]);
  });

  it("hears output devices changed on the device", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    fake.device.useCases.setOutputDevices(OTHER_ID);
    await vi.waitFor(() => expect(listener.outputdevicesUpdate).toHaveBeenCalledTimes(1));
    expect(client.audio.outputDevices).toEqual([
      { identifier: OTHER_ID, name: "Device AA", volume: 0 },
    ]);
  });

  it("does not tell the listener when a device update leaves the devices as they were", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    await client.audio.addOutputDevices([DEVICE_ID]);
    expect(listener.outputdevicesUpdate).not.toHaveBeenCalled();
  });
});

describe("audio listeners", () => {
  it("survive a listener that throws: state stays right and the session works", async () => {
    const client = await fake.connect();
    const boom = (): never => {
      throw new Error("listener bug");
    };
    client.audio.listener = {
      volumeUpdate: boom,
      volumeDeviceUpdate: boom,
      outputdevicesUpdate: boom,
    };
    await client.audio.setVolume(20);
    expect(client.audio.volume).toBe(20);
    await client.audio.addOutputDevices([OTHER_ID]);
    expect(client.audio.outputDevices).toHaveLength(2);
    fake.device.useCases.setVolume(30, OTHER_ID);
    await client.audio.volumeUp();
    expect(client.audio.volume).toBe(25);
    await client.remoteControl.play();
    expect(client.protocol.closed).toBe(false);
  });

  it("no longer hears anything once the listener is removed", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.audio.listener = listener;
    client.audio.listener = undefined;
    await client.audio.setVolume(20);
    expect(listener.volumeUpdate).not.toHaveBeenCalled();
  });
});

// --- MrpAudio alone, on messages fed to it ---

const noKeys = {
  volumeUp: vi.fn(async () => {}),
  volumeDown: vi.fn(async () => {}),
};

const BOTH: FakeVolumeControl = { available: true, absolute: true, relative: true };
const ABSOLUTE_ONLY: FakeVolumeControl = { available: true, absolute: true, relative: false };
const RELATIVE_ONLY: FakeVolumeControl = { available: true, absolute: false, relative: true };

describe("MrpAudio on its own", () => {
  it("has no output device to address before the device named itself: ProtocolError", async () => {
    const protocol = stubProtocol();
    const audio = new MrpAudio(protocol, noKeys);
    protocol.feed(volumeControlAvailabilityMessage(BOTH));
    expect(audio.isAvailable).toBe(false);
    await expect(audio.setVolume(10)).rejects.toBeInstanceOf(ProtocolError);
    expect(protocol.sent).toEqual([]);
  });

  it("gives up on a volume the device never reports with OperationTimeoutError", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const audio = new MrpAudio(protocol, noKeys, { changeTimeout: 30 });
    protocol.feed(volumeControlAvailabilityMessage(ABSOLUTE_ONLY));
    await expect(audio.setVolume(10)).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(protocol.sent.map((m) => m.setVolumeMessage)).toEqual([
      { outputDeviceUID: DEVICE_ID, volume: 0.1 },
    ]);
  });

  it("does not wait for the volume where the device does not report levels", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const audio = new MrpAudio(protocol, noKeys, { changeTimeout: 60_000 });
    protocol.feed(volumeControlAvailabilityMessage(RELATIVE_ONLY));
    await audio.setVolume(10);
    expect(protocol.sent).toHaveLength(1);
  });

  it("ends the wait with the signal's reason on abort, before or during it", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const audio = new MrpAudio(protocol, noKeys, { changeTimeout: 60_000 });
    protocol.feed(volumeControlAvailabilityMessage(ABSOLUTE_ONLY));
    const reason = new Error("stop");
    await expect(audio.setVolume(10, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(protocol.sent).toEqual([]);
    const controller = new AbortController();
    const pending = audio.setVolume(10, { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    // A later update settles nothing and breaks nothing.
    protocol.feed(volumeDidChangeMessage(DEVICE_ID, 0.1));
    expect(audio.volume).toBe(10);
  });

  it("resolves a volume step when the device reports it, even before the key's round trip", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const keys = {
      volumeUp: vi.fn(async () => protocol.feed(volumeDidChangeMessage(DEVICE_ID, 0.55))),
      volumeDown: vi.fn(async () => {}),
    };
    const audio = new MrpAudio(protocol, keys, { changeTimeout: 60_000 });
    protocol.feed(volumeControlAvailabilityMessage(BOTH));
    protocol.feed(volumeDidChangeMessage(DEVICE_ID, 0.5));
    await audio.volumeUp();
    expect(audio.volume).toBe(55);
  });

  it("passes a failed key press on, leaving no wait behind", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const failure = new ConnectionLostError("gone");
    const keys = {
      volumeUp: vi.fn(async () => Promise.reject(failure)),
      volumeDown: noKeys.volumeDown,
    };
    const audio = new MrpAudio(protocol, keys, { changeTimeout: 20 });
    protocol.feed(volumeControlAvailabilityMessage(BOTH));
    await expect(audio.volumeUp()).rejects.toBe(failure);
    // Had the wait stayed, its timeout would now be an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 40));
  });

  it("waits at most the timeout for an output device update, which is no error", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const audio = new MrpAudio(protocol, noKeys, { changeTimeout: 20 });
    await audio.addOutputDevices([OTHER_ID]);
    await audio.removeOutputDevices([OTHER_ID]);
    await audio.setOutputDevices([OTHER_ID]);
    expect(protocol.sent.map((m) => m.modifyOutputContextRequestMessage)).toEqual([
      { type: 1, addingDevices: [OTHER_ID], clusterAwareAddingDevices: [OTHER_ID] },
      { type: 1, removingDevices: [OTHER_ID], clusterAwareRemovingDevices: [OTHER_ID] },
      { type: 1, settingDevices: [OTHER_ID], clusterAwareSettingDevices: [OTHER_ID] },
    ]);
  });

  it("ends waits with ConnectionLostError when closed, and stops listening", async () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const audio = new MrpAudio(protocol, noKeys, { changeTimeout: 60_000 });
    protocol.feed(volumeControlAvailabilityMessage(ABSOLUTE_ONLY));
    const pending = audio.setVolume(10);
    const outputs = audio.addOutputDevices([OTHER_ID]);
    audio.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(outputs).rejects.toBeInstanceOf(ConnectionLostError);
    protocol.feed(volumeDidChangeMessage(DEVICE_ID, 0.3));
    expect(audio.volume).toBe(0);
  });

  it("ignores odd volume changes: no UID, NaN, out of range", () => {
    const protocol = stubProtocol({ deviceUID: DEVICE_ID });
    const audio = new MrpAudio(protocol, noKeys);
    const listener = recordingListener();
    audio.listener = listener;
    for (const volume of [Number.NaN, -0.1, 1.5, Number.POSITIVE_INFINITY]) {
      protocol.feed(volumeDidChangeMessage(DEVICE_ID, volume));
    }
    protocol.feed(volumeDidChangeMessage("", 0.3));
    protocol.feed(createMessage(MessageType.VOLUME_DID_CHANGE_MESSAGE));
    expect(audio.volume).toBe(0);
    expect(listener.volumeUpdate).not.toHaveBeenCalled();
    expect(listener.volumeDeviceUpdate).not.toHaveBeenCalled();
  });

  it("never throws on random messages, and keeps its state sane", () => {
    const types = [
      MessageType.VOLUME_CONTROL_AVAILABILITY_MESSAGE,
      MessageType.VOLUME_CONTROL_CAPABILITIES_DID_CHANGE_MESSAGE,
      MessageType.VOLUME_DID_CHANGE_MESSAGE,
      MessageType.DEVICE_INFO_MESSAGE,
      MessageType.DEVICE_INFO_UPDATE_MESSAGE,
    ];
    const uid = fc.oneof(fc.constant(DEVICE_ID), fc.constant(""), fc.string(), fc.constant(null));
    const anything = fc.oneof(fc.anything(), uid, fc.double(), fc.integer());
    const payload = fc.record(
      {
        volumeControlAvailable: fc.oneof(fc.boolean(), anything),
        volumeCapabilities: fc.oneof(fc.integer({ min: -1, max: 4 }), anything),
        capabilities: fc.oneof(anything, fc.record({ volumeCapabilities: fc.integer() })),
        outputDeviceUID: uid,
        volume: fc.oneof(fc.double(), fc.float(), anything),
        clusterID: uid,
        deviceUID: uid,
        uniqueIdentifier: uid,
        name: fc.oneof(fc.string(), anything),
        isGroupLeader: fc.oneof(fc.boolean(), anything),
        isProxyGroupPlayer: fc.oneof(fc.boolean(), anything),
        groupedDevices: fc.oneof(
          fc.array(fc.oneof(fc.record({ deviceUID: uid, name: anything }), anything)),
          anything,
        ),
      },
      { requiredKeys: [] },
    );
    const message = fc.record({
      type: fc.oneof(fc.constantFrom(...types), fc.integer()),
      field: fc.constantFrom(
        "volumeControlAvailabilityMessage",
        "volumeControlCapabilitiesDidChangeMessage",
        "volumeDidChangeMessage",
        "deviceInfoMessage",
      ),
      payload: fc.oneof(payload, anything),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (messages) => {
        const protocol = stubProtocol({ deviceUID: DEVICE_ID });
        const audio = new MrpAudio(protocol, noKeys);
        audio.listener = recordingListener();
        for (const { type, field, payload } of messages) {
          audio.handle({ type, [field]: payload } as ProtocolMessage);
          expect(Number.isFinite(audio.volume)).toBe(true);
          expect(audio.volume).toBeGreaterThanOrEqual(0);
          expect(audio.volume).toBeLessThanOrEqual(100);
          for (const output of audio.outputDevices) {
            expect(typeof output.identifier).toBe("string");
            expect(output.identifier).not.toBe("");
            expect(["string", "undefined"]).toContain(typeof output.name);
          }
          expect(typeof audio.isAvailable).toBe("boolean");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on mutated wire messages", () => {
    const update = createMessage(MessageType.DEVICE_INFO_UPDATE_MESSAGE);
    update.deviceInfoMessage = {
      uniqueIdentifier: DEVICE_ID,
      name: "Living Room",
      isGroupLeader: true,
      groupedDevices: [{ deviceUID: OTHER_ID, name: "Kitchen" }],
    };
    const messages = [
      volumeControlAvailabilityMessage(BOTH),
      volumeDidChangeMessage(DEVICE_ID, 0.5),
      update,
    ];
    fc.assert(
      fc.property(mutatedWireForm(messages), (bytes) => {
        const message = decodedOrRefused(bytes);
        if (message === undefined) return;
        const audio = new MrpAudio(stubProtocol({ deviceUID: DEVICE_ID }), noKeys);
        audio.handle(message);
        expect(audio.volume).toBeGreaterThanOrEqual(0);
        expect(audio.volume).toBeLessThanOrEqual(100);
      }),
      { numRuns: 500 },
    );
  });
});
