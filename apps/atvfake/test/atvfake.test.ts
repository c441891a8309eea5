import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan } from "@atv/core";
import { describe, expect, it } from "vitest";
import { pairWithCli, runCli, startCli } from "../../../scripts/cli-test-support.js";
import { startFake } from "./fake-process.js";

describe("atvfake", () => {
  it("serves a device that scans find, and stops cleanly on SIGTERM", async () => {
    const fake = startFake(["--mdns-port", "0", "--name", "Fake Den", "--pin", "4321"]);
    const ready = await fake.next("ready");
    // tvOS 17 by default: no MRP service of its own, MRP only through AirPlay.
    expect(ready).toMatchObject({
      event: "ready",
      name: "Fake Den",
      address: "127.0.0.1",
      profile: "tvos17",
    });
    const services = ready.services as Array<{ protocol: string; port: number }>;
    expect(services.map((s) => s.protocol).sort()).toEqual(["airplay", "companion", "raop"]);

    const [device] = await scan({
      hosts: ["127.0.0.1"],
      mdnsPort: Number(ready.mdns_port),
      timeout: 10_000,
    });
    expect(device?.name).toBe("Fake Den");
    expect(device?.identifier).toBe(ready.identifier);
    expect(Object.values(ready.identifiers as object).sort()).toEqual(
      [...(device?.allIdentifiers ?? [])].sort(),
    );

    fake.child.kill("SIGTERM");
    expect(await fake.next("stopped")).toEqual({ event: "stopped" });
    expect(await fake.exit).toBe(0);
  });

  it("prints a JSON line for every command and button it receives", async () => {
    const fake = startFake(["--profile", "tvos14", "--mdns-port", "0"]);
    const ready = await fake.next("ready");
    const port = String(ready.mdns_port);
    const run = await runCli("atvremote", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      port,
      "play_pause",
      "up=1",
      "home_hold",
    ]);
    expect(run.code).toBe(0);
    expect(await fake.next("command")).toEqual({
      event: "command",
      protocol: "mrp",
      name: "play_pause",
    });
    const buttons = await fake.nextAll("button", 2);
    expect(buttons).toEqual([
      { event: "button", protocol: "mrp", name: "up", action: "double_tap" },
      { event: "button", protocol: "mrp", name: "home_hold", action: "hold" },
    ]);
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("serves on when nobody reads its lines any more", async () => {
    const fake = startFake(["--profile", "tvos14", "--mdns-port", "0"]);
    const ready = await fake.next("ready");
    const args = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port), "play_pause"];
    // As `atvfake | head -1`: the reader goes, and the next line meets a closed pipe.
    fake.child.stdout?.destroy();
    for (let i = 0; i < 2; i++) expect((await runCli("atvremote", args)).code).toBe(0);
    expect(fake.child.exitCode).toBeNull();
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("drops lines while its reader lags far behind, then says how many", async () => {
    const fake = startFake(["--profile", "tvos14", "--mdns-port", "0"]);
    const ready = await fake.next("ready");
    // A reader that stops reading: the pipe fills, then the fake's own buffer would grow.
    fake.child.stdout?.pause();
    // ~320 kB of lines: more than the pipe, the reader's buffer and the fake's cap hold.
    const commands = 6000;
    const args = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const run = await runCli("atvremote", [...args, ...Array<string>(commands).fill("stop")]);
    expect(run.code).toBe(0);
    fake.child.stdout?.resume();
    const [dropped] = await fake.nextAll("dropped", 1);
    const lines = Number(dropped?.lines);
    expect(lines).toBeGreaterThan(0);
    // Every command is either printed or counted as dropped.
    await fake.nextAll("command", commands - lines);
    expect(fake.lines("command").length + lines).toBe(commands);
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("refuses unpaired sessions with --require-pairing", async () => {
    const fake = startFake([
      "--profile",
      "tvos14",
      "--mdns-port",
      "0",
      "--require-pairing",
      "--pin",
      "4321",
    ]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const plain = await runCli("atvremote", [...base, "play"]);
    expect(plain.code).toBe(1);
    const credentials = await pairWithCli(base, "mrp", "4321");
    const play = await runCli("atvremote", [...base, "--mrp-credentials", credentials, "play"]);
    expect(play.code).toBe(0);
    expect(await fake.next("command")).toEqual({ event: "command", protocol: "mrp", name: "play" });
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("plays the example video with --static, with PNG artwork", async () => {
    const fake = startFake(["--profile", "tvos14", "--mdns-port", "0", "--static"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const { stdout } = await runCli("atvscript", [...base, "playing"]);
    expect(JSON.parse(stdout)).toMatchObject({ media_type: "video", title: "Big Buck Bunny" });

    const dir = await mkdtemp(join(tmpdir(), "atvfake-artwork-"));
    try {
      const saved = await runCli("atvremote", [...base, "artwork_save"], { cwd: dir });
      expect(saved.code).toBe(0);
      const png = await readFile(join(dir, "artwork.png"));
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("prints a JSON line when the volume or the power changes", async () => {
    const fake = startFake(["--profile", "tvos14", "--mdns-port", "0", "--static"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    expect((await runCli("atvremote", [...base, "set_volume=30", "turn_off=1"])).code).toBe(0);
    expect(await fake.next("volume")).toEqual({ event: "volume", protocol: "mrp", level: 30 });
    expect(await fake.next("power")).toEqual({ event: "power", protocol: "mrp", state: "off" });
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("cycles from the example video to the example song", async () => {
    const fake = startFake(["--profile", "tvos14", "--mdns-port", "0"]);
    const ready = await fake.next("ready");
    const script = startCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(ready.mdns_port),
      "push_updates",
    ]);
    const titles = () => script.jsonLines().flatMap((out) => ("title" in out ? [out.title] : []));
    await script.until(() => (titles().includes("Prélude") ? true : undefined));
    script.child.stdin.end("\n");
    await script.exit;
    expect(titles().slice(0, 2)).toEqual(["Big Buck Bunny", "Prélude"]);
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("pairs over AirPlay and is controlled through the tunnel; plays a local file", async () => {
    const fake = startFake(["--mdns-port", "0", "--static"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    // No credentials: the tunnel needs a pairing, so nothing can play.
    const refused = await runCli("atvremote", [...base, "play"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not supported");

    const credentials = await pairWithCli(base, "airplay");
    expect(credentials.split(":")).toHaveLength(4);
    const withCredentials = [...base, "--airplay-credentials", credentials];

    expect((await runCli("atvremote", [...withCredentials, "play"])).code).toBe(0);
    expect(await fake.next("command")).toEqual({ event: "command", protocol: "mrp", name: "play" });
    const { stdout } = await runCli("atvscript", [...withCredentials, "playing"]);
    expect(JSON.parse(stdout)).toMatchObject({ result: "success", title: "Big Buck Bunny" });

    const dir = await mkdtemp(join(tmpdir(), "atvfake-play-"));
    try {
      const movie = join(dir, "movie.mp4");
      const bytes = Buffer.alloc(100_000, 7);
      await writeFile(movie, bytes);
      const played = await runCli("atvremote", [...withCredentials, `play_url=${movie}`]);
      expect(played.code).toBe(0);
      const request = await fake.next("play_url");
      expect(request).toMatchObject({ protocol: "airplay", position: 0 });
      expect(String(request.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4$/);
      expect(await fake.next("play_fetched")).toMatchObject({
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
      expect(await fake.next("play_finished")).toMatchObject({ url: request.url });
      const missing = await runCli("atvremote", [
        ...withCredentials,
        `play_url=${join(dir, "nope.mp4")}`,
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("nope.mp4");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("follows what it plays through the tunnel with atvscript push_updates", async () => {
    const fake = startFake(["--mdns-port", "0"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const credentials = await pairWithCli(base, "airplay");
    const script = startCli("atvscript", [
      ...base,
      "--airplay-credentials",
      credentials,
      "push_updates",
    ]);
    const titles = () => script.jsonLines().flatMap((out) => ("title" in out ? [out.title] : []));
    await script.until(() => (titles().includes("Prélude") ? true : undefined));
    script.child.stdin.end("\n");
    await script.exit;
    expect(titles().slice(0, 2)).toEqual(["Big Buck Bunny", "Prélude"]);
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("pairs over Companion, lists and launches apps and switches accounts, logging them", async () => {
    const fake = startFake(["--mdns-port", "0"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const wrong = await runCli("atvremote", [
      ...base,
      "--protocol",
      "companion",
      "--pin",
      "9999",
      "pair",
    ]);
    expect(wrong.code).not.toBe(0);
    const credentials = await pairWithCli(base, "companion");
    const withCredentials = [...base, "--companion-credentials", credentials];
    const listed = await runCli("atvremote", [...withCredentials, "app_list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("App: Netflix (com.netflix.Netflix)");
    const launched = await runCli("atvremote", [
      ...withCredentials,
      "launch_app=com.netflix.Netflix",
    ]);
    expect(launched.code).toBe(0);
    expect(await fake.next("launch_app")).toEqual({
      event: "launch_app",
      protocol: "companion",
      bundle_id: "com.netflix.Netflix",
    });
    const accounts = await runCli("atvremote", [...withCredentials, "account_list"]);
    expect(accounts.code).toBe(0);
    expect(accounts.stdout).toMatch(/^Account: \S+ \(\S+\), Account: \S+ \(\S+\)\n$/);
    const id = /\((\S+)\)/.exec(accounts.stdout)?.[1] ?? "";
    expect((await runCli("atvremote", [...withCredentials, `switch_account=${id}`])).code).toBe(0);
    expect(await fake.next("switch_account")).toEqual({
      event: "switch_account",
      protocol: "companion",
      account_id: id,
    });
    const unknown = await runCli("atvremote", [...withCredentials, "launch_app=com.example.nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("not installed");
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("prints a JSON line for each Companion button, media command and power change", async () => {
    // A device of its own: no AirPlay credentials stored by other tests open a tunnel to it.
    const fake = startFake(["--mdns-port", "0", "--static", "--name", "Companion Den"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const credentials = await pairWithCli(base, "companion");
    // Without AirPlay credentials there is no MRP tunnel: Companion takes every command.
    const withCredentials = [...base, "--companion-credentials", credentials];
    expect((await runCli("atvremote", [...withCredentials, "up", "play", "turn_off"])).code).toBe(
      0,
    );
    expect(await fake.nextAll("button", 3)).toEqual([
      { event: "button", protocol: "companion", name: "up", state: "down" },
      { event: "button", protocol: "companion", name: "up", state: "up" },
      { event: "button", protocol: "companion", name: "sleep", state: "up" },
    ]);
    expect(await fake.next("media_control")).toEqual({
      event: "media_control",
      protocol: "companion",
      name: "play",
    });
    // The MRP side sleeps too, but the change is told once, as asked.
    expect(await fake.next("power")).toEqual({
      event: "power",
      protocol: "companion",
      state: "off",
    });
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
    expect(fake.lines("power")).toHaveLength(1);
  });

  it("prints a JSON line for Companion text and touches", async () => {
    const fake = startFake(["--mdns-port", "0", "--static"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const credentials = await pairWithCli(base, "companion");
    const withCredentials = [...base, "--companion-credentials", credentials];
    const run = await runCli("atvremote", [
      ...withCredentials,
      "text_set=hello",
      "action=250,750,5",
    ]);
    expect(run.code).toBe(0);
    expect(await fake.next("text")).toEqual({
      event: "text",
      protocol: "companion",
      text: "hello",
    });
    const touch = await fake.next("touch");
    expect(touch).toMatchObject({ event: "touch", protocol: "companion", x: 250, y: 750 });
    expect(typeof touch.phase).toBe("number");
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("stops on SIGINT too", async () => {
    const fake = startFake(["--mdns-port", "0", "--profile", "atv3"]);
    const ready = await fake.next("ready");
    expect((ready.services as Array<{ protocol: string }>).map((s) => s.protocol)).toContain(
      "dmap",
    );
    fake.child.kill("SIGINT");
    expect(await fake.exit).toBe(0);
  });

  it.each([
    [["--profile", "tvos99"], "invalid choice"],
    [["--pin", "abcd"], "--pin"],
    [["--address", "example"], "--address"],
    [["extra"], "extra"],
  ])("rejects %j with usage and exit code 2", async (args, message) => {
    const { code, stderr } = await runCli("atvfake", args);
    expect(code).toBe(2);
    expect(stderr).toContain("usage: atvfake");
    expect(stderr).toContain(message);
  });
});
