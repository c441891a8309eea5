import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "@atv/cli";
import {
  type Audio,
  createPlaying,
  DeviceInfo,
  DeviceModel,
  type FacadeAppleTV,
  FeatureName,
  FeatureState,
  MediaType,
  type Metadata,
  OperatingSystem,
  type Power,
  PowerState,
} from "@atv/core";
import { afterEach, describe, expect, it } from "vitest";
import { isDeviceCommand, runDeviceCommand } from "./device-commands.js";

interface Parts {
  metadata?: Partial<Metadata>;
  audio?: Partial<Audio>;
  power?: Partial<Power>;
  features?: Map<FeatureName, { state: FeatureState; options?: Record<string, unknown> }>;
}

function device(parts: Parts): FacadeAppleTV {
  return {
    ...parts,
    features: { allFeatures: () => parts.features ?? new Map() },
    config: {
      deviceInfo: new DeviceInfo({
        operatingSystem: OperatingSystem.TvOS,
        model: DeviceModel.Gen4K,
        version: "14.7",
        buildNumber: "18M60",
        mac: "AA:BB:CC:DD:EE:FF",
      }),
    },
  } as unknown as FacadeAppleTV;
}

const run = (parts: Parts, text: string, cwd = tmpdir()) => {
  const eq = text.indexOf("=");
  const call =
    eq < 0
      ? { name: text, args: [] }
      : { name: text.slice(0, eq), args: text.slice(eq + 1).split(",") };
  return runDeviceCommand({ atv: device(parts), cwd }, call);
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("atvremote device commands", () => {
  it("knows its commands and nothing else", () => {
    for (const name of ["playing", "app", "volume", "set_volume", "power_state", "features"]) {
      expect(isDeviceCommand(name)).toBe(true);
    }
    expect(isDeviceCommand("play")).toBe(false);
    expect(isDeviceCommand("toString")).toBe(false);
  });

  it("prints playing in pyatv's layout", async () => {
    const playing = createPlaying({ mediaType: MediaType.Video, title: "dummy", totalTime: 10 });
    const { output } = await run({ metadata: { playing: async () => playing } }, "playing");
    expect(output.split("\n")).toEqual([
      "  Media type: Video",
      "Device state: Idle",
      "       Title: dummy",
      "  Total time: 10s",
    ]);
  });

  it("prints the app as pyatv's App, or nothing", async () => {
    const app = { name: "Test app", identifier: "com.example" };
    expect((await run({ metadata: { app } }, "app")).output).toBe("App: Test app (com.example)");
    expect((await run({ metadata: { app: undefined } }, "app")).output).toBe("");
  });

  it("prints the volume as Python prints a float", async () => {
    expect((await run({ audio: { volume: 50 } }, "volume")).output).toBe("50.0");
    expect((await run({ audio: { volume: 12.5 } }, "volume")).output).toBe("12.5");
  });

  it("sets the volume from its argument and refuses a missing or bad one", async () => {
    const levels: number[] = [];
    const audio = { setVolume: async (level: number) => void levels.push(level) };
    await run({ audio }, "set_volume=35.5");
    expect(levels).toEqual([35.5]);
    await expect(run({ audio }, "set_volume")).rejects.toBeInstanceOf(UsageError);
    await expect(run({ audio }, "set_volume=loud")).rejects.toBeInstanceOf(UsageError);
  });

  it("prints output devices as pyatv's OutputDevice", async () => {
    const audio = {
      outputDevices: [
        { identifier: "id-1", name: "Living Room", volume: 0 },
        { identifier: "id-2", name: undefined, volume: 0 },
      ],
    };
    expect((await run({ audio }, "output_devices")).output).toBe(
      "Device: Living Room (id-1), Device: None (id-2)",
    );
  });

  it("prints the power state and passes awaitNewState on", async () => {
    const waits: (boolean | undefined)[] = [];
    const power = {
      powerState: PowerState.Off,
      turnOn: async (opts?: { awaitNewState?: boolean }) => void waits.push(opts?.awaitNewState),
    };
    expect((await run({ power }, "power_state")).output).toBe("PowerState.Off");
    await run({ power }, "turn_on");
    await run({ power }, "turn_on=true");
    expect(waits).toEqual([false, true]);
    await expect(run({ power }, "turn_on=maybe")).rejects.toBeInstanceOf(UsageError);
  });

  it("lists features with the legend", async () => {
    const features = new Map([
      [FeatureName.Play, { state: FeatureState.Available }],
      [FeatureName.Artwork, { state: FeatureState.Unavailable, options: { size: 512 } }],
    ]);
    const lines = (await run({ features }, "features")).output.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "Feature list:",
      "-------------",
      "Play: Available",
      "Artwork: Unavailable, Options=size=512",
    ]);
    expect(lines).toContain("Legend:");
  });

  it("prints device info as pyatv does", async () => {
    const { output } = await run({}, "device_info");
    expect(output).toBe(
      "Model/SW: Apple TV 4K, tvOS 14.7 build 18M60\n     MAC: AA:BB:CC:DD:EE:FF",
    );
  });

  it("saves artwork with the extension of its type, or says there is none", async () => {
    dir = await mkdtemp(join(tmpdir(), "atvremote-artwork-"));
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]);
    const metadata = {
      artwork: async () => ({ bytes: jpeg, mimetype: "image/jpeg", width: 1, height: 1 }),
    };
    expect(await run({ metadata }, "artwork_save", dir)).toEqual({ output: "", code: 0 });
    expect(await readdir(dir)).toEqual(["artwork.jpg"]);
    expect(new Uint8Array(await readFile(join(dir, "artwork.jpg")))).toEqual(jpeg);

    const none = await run({ metadata: { artwork: async () => undefined } }, "artwork_save", dir);
    expect(none).toEqual({ output: "No artwork is currently available.", code: 1 });
  });
});
