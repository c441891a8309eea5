// atvremote's artwork, audio, power, features and device info commands against the fake.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAppleTV, TINY_JPEG } from "@atv/core/fake";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe("atvremote device state commands", () => {
  let fake: FakeAppleTV;
  let base: string[];
  let dir: string;

  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "atvremote-state-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const atvremote = (...commands: string[]) =>
    runCli("atvremote", [...base, ...commands], { cwd: dir });

  it("saves the video's PNG artwork as artwork.png", async () => {
    const stop = fake.startNowPlayingCycle(60_000, { static: true });
    stop();
    const { code, stderr } = await atvremote("artwork_save");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(await readdir(dir)).toEqual(["artwork.png"]);
    const png = await readFile(join(dir, "artwork.png"));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    // The IHDR chunk says 64 x 36.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 36]);
  });

  it("saves JPEG artwork as artwork.jpg", async () => {
    fake.mrp?.useCases.exampleMusic({
      artwork: TINY_JPEG,
      artworkMimeType: "image/jpeg",
      artworkIdentifier: "jpeg-1",
    });
    expect((await atvremote("artwork_save")).code).toBe(0);
    expect(await readdir(dir)).toEqual(["artwork.jpg"]);
    expect(new Uint8Array(await readFile(join(dir, "artwork.jpg")))).toEqual(TINY_JPEG);
  });

  it("says so, and fails, when there is no artwork", async () => {
    fake.mrp?.useCases.exampleMusic();
    const { code, stdout } = await atvremote("artwork_save");
    expect(code).toBe(1);
    expect(stdout).toContain("No artwork is currently available.");
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads and sets the volume, and steps it", async () => {
    fake.mrp?.useCases.setVolume(50);
    expect((await atvremote("volume")).stdout.trim()).toBe("50.0");
    const set = await atvremote("set_volume=20", "volume");
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe("20.0");
    const up = await atvremote("volume_up", "volume");
    expect(up.stdout.trim()).toBe("25.0");
    const down = await atvremote("volume_down", "volume_down", "volume");
    expect(down.stdout.trim()).toBe("15.0");
  });

  it("refuses a volume out of range", async () => {
    const { code, stderr } = await atvremote("set_volume=150");
    expect(code).toBe(1);
    expect(stderr).toContain("out of range");
  });

  it("lists output devices", async () => {
    const { stdout } = await atvremote("output_devices");
    expect(stdout.trim()).toBe(`Device: ${fake.name} (${fake.identity.mrpIdentifier})`);
  });

  it("turns the device off and on, telling of each change", async () => {
    expect((await atvremote("power_state")).stdout.trim()).toBe("PowerState.On");
    const off = await atvremote("turn_off=true", "power_state");
    expect(off.code).toBe(0);
    expect(off.stdout).toContain("New power state: Off");
    expect(off.stdout.trim().split("\n").at(-1)).toBe("PowerState.Off");
    const on = await atvremote("turn_on=true", "power_state");
    expect(on.stdout).toContain("New power state: On");
    expect(on.stdout.trim().split("\n").at(-1)).toBe("PowerState.On");
  });

  it("lists features, and all of them on request", async () => {
    fake.mrp?.useCases.exampleMusic();
    const { stdout } = await atvremote("features");
    expect(stdout).toContain("Feature list:");
    expect(stdout).toContain("Title: Available");
    expect(stdout).toContain("SetVolume: Available");
    expect(stdout).toContain("PushUpdates: Available");
    // AirPlay connects too: it plays URLs, and (as pyatv's) calls the rest Unavailable
    // rather than Unsupported, so `features all` adds no line here.
    expect(stdout).toContain("PlayUrl: Available");
    expect(stdout).toContain("TextSet: Unavailable");
    const all = await atvremote("features", "all");
    expect(all.stdout.split("\n").length).toBe(stdout.split("\n").length);
  });

  it("sets position, shuffle and repeat with pyatv's argument forms", async () => {
    const { code, stderr } = await atvremote(
      "set_position=42",
      "set_shuffle=songs",
      "set_repeat=2",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const sent = (fake.mrp?.state.commands ?? []).slice(-3);
    expect(sent.map((c) => c.name)).toEqual(["set_position", "set_shuffle", "set_repeat"]);
    // Shuffle songs and repeat all, in MRP's numbering (ShuffleMode.Songs 3, RepeatMode.All 3).
    expect(sent[0]?.options?.playbackPosition).toBe(42);
    expect(sent[1]?.options?.shuffleMode).toBe(3);
    expect(sent[2]?.options?.repeatMode).toBe(3);
  });

  it("prints device info", async () => {
    const { stdout } = await atvremote("device_info");
    const [model, mac] = stdout.trimEnd().split("\n");
    expect(model).toMatch(/^Model\/SW: Apple TV .*tvOS/);
    expect(mac).toMatch(/^ {5}MAC: /);
  });
});
