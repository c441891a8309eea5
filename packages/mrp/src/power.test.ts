// Power: the client against the fake device over loopback, and MrpPower alone on
// messages fed to it (timeouts, aborts, odd messages).

import {
  ConnectionLostError,
  OperationTimeoutError,
  type PowerListener,
  PowerState,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { FakeMrpEvent } from "./fake/index.js";
import { MrpPower, type PowerKeys, type PowerProtocol, powerStateOf } from "./power.js";
import { MessageType } from "./protobuf/generated/enums.js";
import { createMessage, deviceInfoMessage } from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import { useFakeMrpDevice } from "./testing/fake-device.js";
import { stubProtocol } from "./testing/message-source.js";
import { decodedOrRefused, mutatedWireForm } from "./testing/mutated-wire.js";

const DEVICE_ID = "4B0C8D52-7D0C-4E1F-9E59-5F2C4C3F0A11";

const fake = useFakeMrpDevice({ name: "Bedroom", uniqueIdentifier: DEVICE_ID });

function recordingListener() {
  return { powerstateUpdate: vi.fn<PowerListener["powerstateUpdate"]>() };
}

describe("power over MRP", () => {
  it("knows the power state as soon as it is connected", async () => {
    const client = await fake.connect();
    expect(client.power.powerState).toBe(PowerState.On);
  });

  it("knows at connect that the device sleeps", async () => {
    fake.device.useCases.powerOff();
    const client = await fake.connect();
    expect(client.power.powerState).toBe(PowerState.Off);
  });

  it("turns off (home held, then select) and on, telling the listener", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.power.listener = listener;
    await client.power.turnOff();
    await vi.waitFor(() => expect(client.power.powerState).toBe(PowerState.Off));
    expect(fake.device.state.poweredOn).toBe(false);
    expect(fake.device.state.events).toEqual([
      { kind: "button", name: "home", action: "hold" },
      { kind: "button", name: "select", action: "single_tap" },
      { kind: "command", name: "turn_off" },
    ]);

    await client.power.turnOn();
    await vi.waitFor(() => expect(client.power.powerState).toBe(PowerState.On));
    expect(fake.device.state.lastCommand?.name).toBe("turn_on");
    expect(listener.powerstateUpdate.mock.calls).toEqual([
      [PowerState.On, PowerState.Off],
      [PowerState.Off, PowerState.On],
    ]);
  });

  it("resolves only once the device reported the new state, with awaitNewState", async () => {
    const client = await fake.connect();
    await client.power.turnOff({ awaitNewState: true });
    expect(client.power.powerState).toBe(PowerState.Off);
    await client.power.turnOn({ awaitNewState: true });
    expect(client.power.powerState).toBe(PowerState.On);
  });

  it("does not wait for a state the device is already in", async () => {
    const client = await fake.connect();
    // Resolves at once: the fake is awake, so there is nothing new to report.
    await client.power.turnOn({ awaitNewState: true });
    expect(client.power.powerState).toBe(PowerState.On);
    await vi.waitFor(() => expect(fake.device.state.lastCommand?.name).toBe("turn_on"));
  });

  it("hears the device go to sleep and wake up on its own", async () => {
    const client = await fake.connect();
    const listener = recordingListener();
    client.power.listener = listener;
    fake.device.useCases.powerOff();
    await vi.waitFor(() => expect(listener.powerstateUpdate).toHaveBeenCalledTimes(1));
    expect(listener.powerstateUpdate).toHaveBeenCalledWith(PowerState.On, PowerState.Off);
    fake.device.useCases.powerOn();
    await vi.waitFor(() => expect(listener.powerstateUpdate).toHaveBeenCalledTimes(2));
    expect(listener.powerstateUpdate).toHaveBeenLastCalledWith(PowerState.Off, PowerState.On);
    expect(client.power.powerState).toBe(PowerState.On);
  });

  it("tells every client, and the fake's listeners, of a power change", async () => {
    const events: FakeMrpEvent[] = [];
    fake.device.onEvent((event) => events.push(event));
    const first = await fake.connect();
    const second = await fake.connect();
    // WAKE_DEVICE gets no answer: wait for the device to have it before it sleeps.
    await first.power.turnOn();
    await vi.waitFor(() => expect(fake.device.state.lastCommand?.name).toBe("turn_on"));
    fake.device.useCases.powerOff();
    await vi.waitFor(() => expect(second.power.powerState).toBe(PowerState.Off));
    expect(first.power.powerState).toBe(PowerState.Off);
    expect(events).toEqual([
      { kind: "command", name: "turn_on" },
      { kind: "power", on: false },
    ]);
  });

  it("survives a listener that throws", async () => {
    const client = await fake.connect();
    client.power.listener = {
      powerstateUpdate: () => {
        throw new Error("listener bug");
      },
    };
    fake.device.useCases.powerOff();
    await vi.waitFor(() => expect(client.power.powerState).toBe(PowerState.Off));
    await client.power.turnOn({ awaitNewState: true });
    expect(client.power.powerState).toBe(PowerState.On);
    await client.remoteControl.play();
    expect(client.protocol.closed).toBe(false);
  });
});

// --- MrpPower alone, on messages fed to it ---

function stubKeys(): PowerKeys & { pressed: string[] } {
  const pressed: string[] = [];
  return {
    pressed,
    homeHold: async () => {
      pressed.push("home_hold");
    },
    select: async () => {
      pressed.push("select");
    },
  };
}

function deviceUpdate(logicalDeviceCount: number | undefined): ProtocolMessage {
  return deviceInfoMessage({
    name: "Bedroom",
    uniqueIdentifier: DEVICE_ID,
    update: true,
    overrides: { logicalDeviceCount },
  });
}

describe("powerStateOf", () => {
  it.each([
    [{ logicalDeviceCount: 1 }, PowerState.On],
    [{ logicalDeviceCount: 3 }, PowerState.On],
    [{ logicalDeviceCount: 0 }, PowerState.Off],
    [{ logicalDeviceCount: -1 }, PowerState.Unknown],
    [{ logicalDeviceCount: Number.NaN }, PowerState.Unknown],
    [{ logicalDeviceCount: 0.5 }, PowerState.Unknown],
    [{ logicalDeviceCount: "1" }, PowerState.Unknown],
    [{}, PowerState.Unknown],
    [undefined, PowerState.Unknown],
    [null, PowerState.Unknown],
  ])("reads %o as %s", (info, state) => {
    expect(powerStateOf(info)).toBe(state);
  });
});

describe("MrpPower on its own", () => {
  it("is Unknown until the device described itself", () => {
    const power = new MrpPower(stubProtocol(), stubKeys());
    expect(power.powerState).toBe(PowerState.Unknown);
  });

  it("wakes with WAKE_DEVICE and sleeps with home held, a pause, then select", async () => {
    const protocol = stubProtocol({ logicalDeviceCount: 1 });
    const keys = stubKeys();
    const power = new MrpPower(protocol, keys);
    await power.turnOn();
    expect(protocol.sent.map((m) => m.type)).toEqual([MessageType.WAKE_DEVICE_MESSAGE]);
    await power.turnOff();
    expect(keys.pressed).toEqual(["home_hold", "select"]);
  });

  it("resolves awaitNewState on a report that comes before the last key's round trip", async () => {
    const protocol = stubProtocol({ logicalDeviceCount: 1 });
    const keys = {
      homeHold: async () => {},
      select: async () => protocol.feed(deviceUpdate(0)),
    };
    const power = new MrpPower(protocol, keys, { stateTimeout: 60_000 });
    await power.turnOff({ awaitNewState: true });
    expect(power.powerState).toBe(PowerState.Off);
  });

  it("gives up on a state the device never reports with OperationTimeoutError", async () => {
    const protocol = stubProtocol({ logicalDeviceCount: 0 });
    const power = new MrpPower(protocol, stubKeys(), { stateTimeout: 30 });
    await expect(power.turnOn({ awaitNewState: true })).rejects.toBeInstanceOf(
      OperationTimeoutError,
    );
    // Other reports do not settle it either: only the awaited state does.
    const pending = power.turnOn({ awaitNewState: true });
    protocol.feed(deviceUpdate(-1));
    await expect(pending).rejects.toBeInstanceOf(OperationTimeoutError);
  });

  it("ends the wait with the signal's reason on abort, before or during it", async () => {
    const protocol = stubProtocol({ logicalDeviceCount: 0 });
    const power = new MrpPower(protocol, stubKeys(), { stateTimeout: 60_000 });
    const reason = new Error("stop");
    await expect(
      power.turnOn({ awaitNewState: true, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(protocol.sent).toEqual([]);
    const controller = new AbortController();
    const pending = power.turnOn({ awaitNewState: true, signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(protocol.sent).toHaveLength(1);
  });

  it("aborts turning off between its keys", async () => {
    const protocol = stubProtocol({ logicalDeviceCount: 1 });
    const keys = stubKeys();
    const power = new MrpPower(protocol, keys);
    const controller = new AbortController();
    const pending = power.turnOff({ awaitNewState: true, signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    expect(keys.pressed).toEqual(["home_hold"]);
  });

  it("passes a failed send on, leaving no wait behind", async () => {
    const failure = new ConnectionLostError("closed");
    const protocol: PowerProtocol = {
      ...stubProtocol({ logicalDeviceCount: 0 }),
      send: () => {
        throw failure;
      },
    };
    const power = new MrpPower(protocol, stubKeys(), { stateTimeout: 20 });
    await expect(power.turnOn({ awaitNewState: true })).rejects.toBe(failure);
    await new Promise((resolve) => setTimeout(resolve, 40));
  });

  it("ends waits with ConnectionLostError when closed, and stops listening", async () => {
    const protocol = stubProtocol({ logicalDeviceCount: 0 });
    const power = new MrpPower(protocol, stubKeys(), { stateTimeout: 60_000 });
    const pending = power.turnOn({ awaitNewState: true });
    power.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionLostError);
    protocol.feed(deviceUpdate(1));
    expect(power.powerState).toBe(PowerState.Off);
  });

  it("reports a negative or missing count as Unknown", () => {
    const protocol = stubProtocol({ logicalDeviceCount: 1 });
    const power = new MrpPower(protocol, stubKeys());
    const listener = recordingListener();
    power.listener = listener;
    protocol.feed(deviceUpdate(-3));
    expect(power.powerState).toBe(PowerState.Unknown);
    protocol.feed(deviceUpdate(1));
    const bare = createMessage(MessageType.DEVICE_INFO_UPDATE_MESSAGE);
    bare.deviceInfoMessage = { uniqueIdentifier: DEVICE_ID, name: "Bedroom" };
    protocol.feed(bare);
    expect(power.powerState).toBe(PowerState.Unknown);
    // A message without a payload changes nothing.
    protocol.feed(createMessage(MessageType.DEVICE_INFO_UPDATE_MESSAGE));
    expect(listener.powerstateUpdate.mock.calls).toEqual([
      [PowerState.On, PowerState.Unknown],
      [PowerState.Unknown, PowerState.On],
      [PowerState.On, PowerState.Unknown],
    ]);
  });

  it("never throws on random messages", () => {
    const states = new Set<PowerState>([PowerState.On, PowerState.Off, PowerState.Unknown]);
    const count = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constant(undefined),
      fc.constant(null),
      fc.anything(),
    );
    const message = fc.record({
      type: fc.oneof(
        fc.constantFrom(MessageType.DEVICE_INFO_MESSAGE, MessageType.DEVICE_INFO_UPDATE_MESSAGE),
        fc.integer(),
        fc.anything(),
      ),
      deviceInfoMessage: fc.oneof(fc.record({ logicalDeviceCount: count }), fc.anything()),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (messages) => {
        const power = new MrpPower(stubProtocol({ logicalDeviceCount: 1 }), stubKeys());
        power.listener = recordingListener();
        for (const m of messages) {
          power.handle(m as ProtocolMessage);
          expect(states.has(power.powerState)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on mutated wire messages", () => {
    fc.assert(
      fc.property(mutatedWireForm([deviceUpdate(1), deviceUpdate(0)]), (bytes) => {
        const message = decodedOrRefused(bytes);
        if (message === undefined) return;
        const power = new MrpPower(stubProtocol(), stubKeys());
        power.handle(message);
        expect([PowerState.On, PowerState.Off, PowerState.Unknown]).toContain(power.powerState);
      }),
      { numRuns: 500 },
    );
  });
});
