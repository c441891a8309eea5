import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { scan } from "@atv/core";
import { describe, expect, it } from "vitest";
import { assertBuilt, binPath, runCli } from "../../../scripts/cli-test-support.js";

function startFake(args: string[]) {
  assertBuilt("atvfake");
  const child = spawn(process.execPath, [binPath("atvfake"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout });
  const waiters: Array<() => void> = [];
  lines.on("line", (line) => {
    events.push(JSON.parse(line));
    for (const w of waiters.splice(0)) w();
  });
  const nextAll = (name: string, count: number) =>
    new Promise<Record<string, unknown>[]>((resolve) => {
      const check = () => {
        const found = events.filter((e) => e.event === name);
        if (found.length >= count) resolve(found.slice(0, count));
        else waiters.push(check);
      };
      check();
    });
  const next = async (name: string) => (await nextAll(name, 1))[0] ?? {};
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, next, nextAll, exit };
}

describe("atvfake", () => {
  it("serves a device that scans find, and stops cleanly on SIGTERM", async () => {
    const fake = startFake(["--mdns-port", "0", "--name", "Fake Den", "--pin", "4321"]);
    const ready = await fake.next("ready");
    expect(ready).toMatchObject({
      event: "ready",
      name: "Fake Den",
      address: "127.0.0.1",
      profile: "tvos14",
    });
    const services = ready.services as Array<{ protocol: string; port: number }>;
    expect(services.map((s) => s.protocol).sort()).toEqual(["airplay", "companion", "mrp", "raop"]);

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
    const fake = startFake(["--mdns-port", "0"]);
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

  it("refuses unpaired sessions with --require-pairing", async () => {
    const fake = startFake(["--mdns-port", "0", "--require-pairing", "--pin", "4321"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const plain = await runCli("atvremote", [...base, "play"]);
    expect(plain.code).toBe(1);
    const paired = await runCli("atvremote", [
      ...base,
      "--protocol",
      "mrp",
      "--pin",
      "4321",
      "pair",
    ]);
    const credentials = /credentials: (\S+)/.exec(paired.stdout)?.[1] ?? "";
    const play = await runCli("atvremote", [...base, "--mrp-credentials", credentials, "play"]);
    expect(play.code).toBe(0);
    expect(await fake.next("command")).toEqual({ event: "command", protocol: "mrp", name: "play" });
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("plays the example video with --static", async () => {
    const fake = startFake(["--mdns-port", "0", "--static"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const { stdout } = await runCli("atvscript", [...base, "playing"]);
    expect(JSON.parse(stdout)).toMatchObject({ media_type: "video", title: "dummy" });
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("cycles from the example video to the example song", async () => {
    const fake = startFake(["--mdns-port", "0"]);
    const ready = await fake.next("ready");
    const script = spawn(
      process.execPath,
      [
        binPath("atvscript"),
        "-s",
        "127.0.0.1",
        "--mdns-port",
        String(ready.mdns_port),
        "push_updates",
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const titles: unknown[] = [];
    await new Promise<void>((resolve) => {
      createInterface({ input: script.stdout }).on("line", (line) => {
        const out = JSON.parse(line);
        if ("title" in out) titles.push(out.title);
        if (out.title === "music") resolve();
      });
    });
    script.stdin.end("\n");
    await new Promise((resolve) => script.once("exit", resolve));
    expect(titles).toEqual(["dummy", "music"]);
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
    [["extra"], "Unexpected argument"],
  ])("rejects %j with usage and exit code 2", async (args, message) => {
    const { code, stderr } = await runCli("atvfake", args);
    expect(code).toBe(2);
    expect(stderr).toContain("usage: atvfake");
    expect(stderr).toContain(message);
  });
});
