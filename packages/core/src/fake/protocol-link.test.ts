// The fake is one device: what a client does over Companion, MRP sees, and back. Each
// side is watched through its own client, as a user of either protocol would.

import { MediaControlFlags } from "@atv/companion";
import {
  type AppleTV,
  DeviceState,
  FeatureName,
  FeatureState,
  type Power,
  PowerState,
  Protocol,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../connect/connect.js";
import type { FacadeAppleTV } from "../connect/facade-apple-tv.js";
import { pair } from "../connect/pair.js";
import { scan } from "../scan/scan.js";
import { FakeAppleTV, type FakeDeviceEvent } from "./fake-apple-tv.js";
import type { FakeProfile } from "./profiles.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A fake of `profile` found by a scan, paired over `protocols`. */
async function pairedFake(
  profile: FakeProfile,
  protocols: Protocol[],
): Promise<{ fake: FakeAppleTV; device: AppleTV }> {
  const fake = await FakeAppleTV.start({ profile, mdnsPort: 0 });
  closers.push(() => fake.close());
  fake.mrp?.useCases.exampleVideo();
  const [device] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
  if (device === undefined) throw new Error("the fake was not found");
  for (const protocol of protocols) {
    const handler = pair(device, protocol);
    await handler.begin();
    handler.pin(1111);
    await handler.finish();
    await handler.close();
  }
  return { fake, device };
}

async function connected(device: AppleTV, protocols: Protocol[]): Promise<FacadeAppleTV> {
  const atv = await connect(device, { protocols, timeout: 5000 });
  closers.push(() => atv.close());
  expect(atv.protocols).toContain(protocols[0]);
  return atv;
}

/** Resolves when `power` reports `state`; call before the change, so none is missed. */
function reaches(power: Power, state: PowerState): Promise<void> {
  return new Promise((resolve) => {
    power.listener = {
      powerstateUpdate: (_before, now) => {
        if (now === state) resolve();
      },
    };
  });
}

describe("a FakeAppleTV is one device across its protocols", () => {
  it.each([
    ["tvos14", [Protocol.MRP]],
    ["tvos17", [Protocol.AirPlay]],
  ] as const)(
    "%s: an app launched over Companion becomes the app MRP reports",
    async (profile, mrpCarriers) => {
      const { device } = await pairedFake(profile, [Protocol.Companion, ...mrpCarriers]);
      const companion = await connected(device, [Protocol.Companion]);
      const mrp = await connected(device, [Protocol.MRP, ...mrpCarriers]);
      expect(mrp.protocols).toContain(Protocol.MRP);
      const controller = new AbortController();
      for await (const playing of mrp.pushUpdates({ signal: controller.signal })) {
        if (playing.title === "dummy") await companion.apps.launchApp("com.netflix.Netflix");
        // Netflix plays nothing yet: the video's title goes.
        else if (playing.title === undefined) controller.abort();
      }
      expect(mrp.metadata.app).toEqual({ name: "Netflix", identifier: "com.netflix.Netflix" });
    },
  );

  it("sleeps over Companion and MRP reports Off; wakes over MRP and Companion reports On", async () => {
    const { fake, device } = await pairedFake("tvos14", [Protocol.Companion, Protocol.MRP]);
    const events: FakeDeviceEvent[] = [];
    fake.onEvent((event) => {
      if (event.kind === "power") events.push(event);
    });
    const companion = await connected(device, [Protocol.Companion]);
    const mrp = await connected(device, [Protocol.MRP]);
    expect([companion.power.powerState, mrp.power.powerState]).toEqual([
      PowerState.On,
      PowerState.On,
    ]);

    const mrpOff = reaches(mrp.power, PowerState.Off);
    await companion.power.turnOff({ awaitNewState: true });
    await mrpOff;
    expect(fake.mrp?.state.poweredOn).toBe(false);

    const companionOn = reaches(companion.power, PowerState.On);
    await mrp.power.turnOn({ awaitNewState: true });
    await companionOn;
    expect(fake.companion?.state.poweredOn).toBe(true);

    // Each change is told once, by the protocol it was asked over.
    expect(events).toEqual([
      { protocol: Protocol.Companion, kind: "power", on: false },
      { protocol: Protocol.MRP, kind: "power", on: true },
    ]);
  });

  it("sleeps over MRP and Companion reports Off", async () => {
    const { fake, device } = await pairedFake("tvos14", [Protocol.Companion, Protocol.MRP]);
    const companion = await connected(device, [Protocol.Companion]);
    const mrp = await connected(device, [Protocol.MRP]);
    const companionOff = reaches(companion.power, PowerState.Off);
    await mrp.power.turnOff({ awaitNewState: true });
    await companionOff;
    expect(companion.power.powerState).toBe(PowerState.Off);
    expect(fake.companion?.state.poweredOn).toBe(false);
  });

  it("plays when told over MRP, and Companion offers Pause instead of Play", async () => {
    const { fake, device } = await pairedFake("tvos14", [Protocol.Companion, Protocol.MRP]);
    const companion = await connected(device, [Protocol.Companion]);
    const mrp = await connected(device, [Protocol.MRP]);
    const flags = () => fake.companion?.state.mediaControlFlags ?? 0;
    expect(flags() & MediaControlFlags.Play).toBe(MediaControlFlags.Play);
    expect(companion.features.getFeature(FeatureName.Play).state).toBe(FeatureState.Available);

    await mrp.remoteControl.play();
    expect((await mrp.metadata.playing()).deviceState).toBe(DeviceState.Playing);
    expect(flags() & (MediaControlFlags.Play | MediaControlFlags.Pause)).toBe(
      MediaControlFlags.Pause,
    );

    // Over Companion the same player pauses.
    await companion.remoteControl.pause();
    expect(fake.mrp?.state.nowPlaying.activeState?.playbackRate).toBe(0);
  });

  it("has one volume: set over either protocol, both report it", async () => {
    const { fake, device } = await pairedFake("tvos14", [Protocol.Companion, Protocol.MRP]);
    expect(fake.companion?.state.volume).toBe(50);
    const companion = await connected(device, [Protocol.Companion]);
    const mrp = await connected(device, [Protocol.MRP]);
    await mrp.audio.setVolume(30);
    expect(fake.companion?.state.volume).toBe(30);
    await companion.audio.setVolume(20);
    expect(fake.mrp?.state.volume).toBeCloseTo(0.2);
  });
});
