// The facade's metadata and push updates against the fake Apple TV over loopback.

import {
  type AppleTV,
  DeviceState,
  FeatureName,
  FeatureState,
  MediaType,
  NotSupportedError,
  type Playing,
  PowerState,
  Protocol,
} from "@atv/interface";
import { solidPng } from "@atv/mrp/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAppleTV } from "../fake/index.js";
import { scan } from "../scan/scan.js";
import { connect } from "./connect.js";
import { FacadeAppleTV } from "./facade-apple-tv.js";

let fake: FakeAppleTV;
let config: AppleTV;

beforeAll(async () => {
  fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
  const [found] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 10_000 });
  if (found === undefined) throw new Error("the fake was not found");
  config = found;
});

afterAll(async () => {
  await fake.close();
});

async function connected(run: (atv: FacadeAppleTV) => Promise<void>): Promise<void> {
  const atv = await connect(config, { protocols: [Protocol.MRP] });
  try {
    await run(atv);
  } finally {
    await atv.close();
  }
}

describe("metadata and push updates through the facade", () => {
  it("relays playing() and app to MRP", async () => {
    fake.mrp?.useCases.exampleMusic();
    await connected(async (atv) => {
      const playing = await atv.metadata.playing();
      expect(playing).toMatchObject({ mediaType: MediaType.Music, title: "music" });
      expect(atv.metadata.app?.identifier).toBe("com.github.postlund.pyatv");
      expect(atv.metadata.deviceId).toBe(fake.identity.mrpIdentifier);
      // The example song has no artwork.
      expect(atv.metadata.artworkId).toBeUndefined();
      await expect(atv.metadata.artwork()).resolves.toBeUndefined();
    });
  });

  it("relays artwork, volume, power and features to MRP", async () => {
    const png = solidPng(3, 2);
    const mrp = fake.mrp;
    mrp?.useCases.exampleMusic();
    mrp?.useCases.artwork(png, "image/png", { identifier: "cover-1" });
    await connected(async (atv) => {
      expect(atv.metadata.artworkId).toBe("cover-1");
      const artwork = await atv.metadata.artwork();
      expect(artwork).toMatchObject({ mimetype: "image/png", width: 3, height: 2 });
      expect(Buffer.from(artwork?.bytes ?? []).equals(png)).toBe(true);

      expect(atv.audio.volume).toBe(50);
      await atv.audio.setVolume(20);
      expect(atv.audio.volume).toBe(20);
      expect(atv.features.getFeature(FeatureName.SetVolume).state).toBe(FeatureState.Available);
      expect(atv.features.getFeature(FeatureName.Artwork).state).toBe(FeatureState.Available);
      expect(atv.features.getFeature(FeatureName.PushUpdates).state).toBe(FeatureState.Available);

      const powered: PowerState[] = [];
      atv.power.listener = { powerstateUpdate: (_old, state) => powered.push(state) };
      expect(atv.power.powerState).toBe(PowerState.On);
      await atv.power.turnOff({ awaitNewState: true });
      expect(atv.power.powerState).toBe(PowerState.Off);
      await atv.power.turnOn({ awaitNewState: true });
      expect(powered).toEqual([PowerState.Off, PowerState.On]);
    });
  });

  it("follows the fake's changes with pushUpdates()", async () => {
    fake.mrp?.useCases.nothingPlaying();
    await connected(async (atv) => {
      const controller = new AbortController();
      const seen: Playing[] = [];
      for await (const playing of atv.pushUpdates({ signal: controller.signal })) {
        seen.push(playing);
        if (seen.length === 1) fake.mrp?.useCases.exampleVideo();
        if (playing.title === "dummy") controller.abort();
      }
      expect(seen[0]?.deviceState).toBe(DeviceState.Idle);
      expect(seen.at(-1)).toMatchObject({ mediaType: MediaType.Video, title: "dummy" });
    });
  });

  it("hands the listener the facade as updater", async () => {
    fake.mrp?.useCases.exampleVideo({ title: "listener" });
    await connected(async (atv) => {
      const first = new Promise<[unknown, Playing]>((resolve) => {
        atv.pushUpdater.listener = {
          playstatusUpdate: (updater, playing) => resolve([updater, playing]),
          playstatusError: () => {},
        };
      });
      atv.pushUpdater.start();
      expect(atv.pushUpdater.active).toBe(true);
      const [updater, playing] = await first;
      expect(updater).toBe(atv.pushUpdater);
      expect(playing.title).toBe("listener");
      atv.pushUpdater.stop();
      expect(atv.pushUpdater.active).toBe(false);
    });
  });

  it("says NotSupportedError when no protocol has metadata or push updates", async () => {
    const atv = new FacadeAppleTV(config);
    await expect(atv.metadata.playing()).rejects.toBeInstanceOf(NotSupportedError);
    expect(() => atv.metadata.app).toThrow(NotSupportedError);
    atv.pushUpdater.listener = { playstatusUpdate: () => {}, playstatusError: () => {} };
    expect(() => atv.pushUpdater.start()).toThrow(NotSupportedError);
    const iterate = async () => {
      for await (const _ of atv.pushUpdates()) return;
    };
    await expect(iterate()).rejects.toBeInstanceOf(NotSupportedError);
  });
});
