// Issue 12's "done when", with the built CLIs against an Apple TV 3 fake: pair over DMAP
// (the fake calls our pairing server back, as a device does once the PIN is typed in
// Settings > Remotes), then what plays, push updates and commands, all over DMAP.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAppleTV } from "@atv/core/fake";
import { DmapPlayStatus } from "@atv/dmap/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairWithCli, runCli, startCli } from "../../../scripts/cli-test-support.js";

const SONG = {
  title: "Clair de lune",
  artist: "Claude Debussy",
  album: "Suite bergamasque",
  genre: "Classical",
  totalTime: 305,
  mediaKind: 2,
};

describe("the CLIs over DMAP", () => {
  let fake: FakeAppleTV;
  let base: string[];
  let dmap: string[];

  beforeAll(async () => {
    fake = await FakeAppleTV.start({
      profile: "atv3",
      address: "127.0.0.1",
      mdnsPort: 0,
      pin: "1234",
    });
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
    dmap = [...base, "--dmap-credentials", await pairWithCli(base, "dmap", "1234")];
  });
  afterAll(() => fake.close());

  it("pairs with the PIN typed on the device and prints the pairing GUID", async () => {
    const paired = await runCli("atvremote", [
      ...base,
      "--protocol",
      "dmap",
      "--pin",
      "1234",
      "--remote-name",
      "Kitchen remote",
      "--pairing-guid",
      "00000000DEADBEEF",
      "pair",
    ]);
    expect(paired.stdout).toContain('Use pin 1234 to pair with "Kitchen remote"');
    expect(paired.stdout).toContain("You may now use these credentials: 0x00000000DEADBEEF\n");
    expect(paired.code).toBe(0);
    expect(fake.dmap?.state.isPaired("0x00000000DEADBEEF")).toBe(true);
  });

  it("prints what plays, as pyatv prints it", async () => {
    fake.dmap?.state.playItems([SONG], { positionMs: 42_000, playing: true });
    const playing = await runCli("atvremote", [...dmap, "playing"]);
    expect(playing.stderr).toBe("");
    expect(playing.stdout).toContain("  Media type: Music\n");
    expect(playing.stdout).toContain("Device state: Playing\n");
    expect(playing.stdout).toContain("       Title: Clair de lune\n");
    expect(playing.stdout).toContain("      Artist: Claude Debussy\n");
    expect(playing.stdout).toMatch(/ Position: 4\d\/305s \(1\d\.\d%\)\n/);
    const script = await runCli("atvscript", [...dmap, "playing"]);
    const line = JSON.parse(script.stdout) as Record<string, unknown>;
    expect(line).toMatchObject({
      result: "success",
      media_type: "music",
      device_state: "playing",
      title: "Clair de lune",
      album: "Suite bergamasque",
      total_time: 305,
      app: null,
    });
  });

  it("sends remote-control and property commands the fake obeys", async () => {
    fake.dmap?.state.playItems([SONG, { ...SONG, title: "Passepied" }], { playing: true });
    const before = fake.dmap?.state.events.length ?? 0;
    const result = await runCli("atvremote", [
      ...dmap,
      "pause",
      "next",
      "up",
      "select",
      "set_position=30",
      "set_shuffle=Songs",
      "set_repeat=All",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = (fake.dmap?.state.events.slice(before) ?? []).filter((e) => e.kind !== "login");
    expect(events).toEqual([
      { kind: "command", name: "pause" },
      { kind: "command", name: "next" },
      { kind: "button", name: "up", action: "single_tap" },
      { kind: "button", name: "select", action: "single_tap" },
      { kind: "command", name: "set_position", value: 30 },
      { kind: "command", name: "set_shuffle", value: 1 },
      { kind: "command", name: "set_repeat", value: 2 },
    ]);
    expect(fake.dmap?.state.item?.title).toBe("Passepied");
    expect(fake.dmap?.state.playStatus).toBe(DmapPlayStatus.Paused);
  });

  it("finds the device by name, with the credentials pairing saved", async () => {
    const home = { HOME: await mkdtemp(join(tmpdir(), "atv-dmap-home-")) };
    try {
      const paired = await runCli(
        "atvremote",
        [...base, "--protocol", "dmap", "--pin", "1234", "pair"],
        { env: home },
      );
      expect(paired.stdout).toContain(`saved to ${join(home.HOME, ".pyatv.conf")}`);
      fake.dmap?.state.playItems([SONG], { playing: true });
      const playing = await runCli("atvremote", [...base, "-n", fake.name, "playing"], {
        env: home,
      });
      expect(playing.stderr).toBe("");
      expect(playing.stdout).toContain("       Title: Clair de lune\n");
    } finally {
      await rm(home.HOME, { recursive: true, force: true });
    }
  });

  it("prints push updates as the device changes what it plays", async () => {
    fake.dmap?.state.playItems([SONG], { playing: true });
    const script = startCli("atvscript", [...dmap, "push_updates"]);
    try {
      await script.until(() => script.jsonLines().find((l) => l.title === "Clair de lune"));
      fake.dmap?.state.playItems([{ ...SONG, title: "Menuet" }], { playing: true });
      await script.until(() => script.jsonLines().find((l) => l.title === "Menuet"));
      fake.dmap?.state.nothingPlaying();
      const idle = await script.until(() =>
        script.jsonLines().find((l) => l.device_state === "idle"),
      );
      expect(idle).toMatchObject({ result: "success", title: null });
    } finally {
      script.child.stdin.end("\n");
      await script.exit;
    }
  });
});
