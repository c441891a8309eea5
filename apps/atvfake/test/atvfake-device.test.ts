// atvfake as a device: it comes back on its ports, remembers who paired, and its player
// does what it is told.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pairWithCli, runCli } from "../../../scripts/cli-test-support.js";
import { startFake } from "./fake-process.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "atvfake-device-"));
  dirs.push(dir);
  return dir;
}

type Services = Array<{ protocol: string; port: number }>;

describe("atvfake as a device", () => {
  it("comes back on the ports given and remembers its paired clients in --state-file", async () => {
    const stateFile = join(await tempDir(), "tv.json");
    const first = startFake(["--profile", "tvos14", "--mdns-port", "0", "--state-file", stateFile]);
    const ready = await first.next("ready");
    expect(ready.state_file).toBe(stateFile);
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const credentials = await pairWithCli(base, "companion");
    first.child.kill("SIGTERM");
    expect(await first.exit).toBe(0);
    expect(JSON.parse(await readFile(stateFile, "utf8")).companion).toHaveLength(1);

    const ports = Object.fromEntries(
      (ready.services as Services).map((s) => [`--${s.protocol}-port`, String(s.port)]),
    );
    const again = startFake([
      "--profile",
      "tvos14",
      "--mdns-port",
      String(ready.mdns_port),
      "--state-file",
      stateFile,
      ...Object.entries(ports).flat(),
    ]);
    const readyAgain = await again.next("ready");
    expect(readyAgain.services).toEqual(ready.services);
    const run = await runCli("atvremote", [
      ...base,
      "--companion-credentials",
      credentials,
      "app_list",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("App: TV (com.apple.TVWatchList)");
    again.child.kill("SIGTERM");
    expect(await again.exit).toBe(0);
  });

  it("pauses, plays and skips: what it reports follows", async () => {
    // A name of its own: no credentials stored by other tests apply to it.
    const fake = startFake([
      "--profile",
      "tvos14",
      "--name",
      "Player",
      "--mdns-port",
      "0",
      "--static",
    ]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const playing = async (...commands: string[]) => {
      const run = await runCli("atvscript", [...base, ...commands, "playing"]);
      return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
    };
    expect(await playing()).toMatchObject({
      device_state: "playing",
      app: "TV",
      app_id: "com.apple.TVWatchList",
    });
    expect((await runCli("atvremote", [...base, "pause"])).code).toBe(0);
    const paused = await playing();
    expect(paused.device_state).toBe("paused");
    expect((await runCli("atvremote", [...base, "skip_forward"])).code).toBe(0);
    expect((await playing()).position).toBeGreaterThanOrEqual(paused.position + 10);
    expect((await runCli("atvremote", [...base, "set_position=100"])).code).toBe(0);
    expect((await playing()).position).toBe(100);
    expect((await runCli("atvremote", [...base, "stop"])).code).toBe(0);
    expect((await playing()).device_state).toBe("stopped");
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it("offers Play over Companion while paused, as it obeys it", async () => {
    const fake = startFake(["--mdns-port", "0", "--static"]);
    const ready = await fake.next("ready");
    const base = ["-s", "127.0.0.1", "--mdns-port", String(ready.mdns_port)];
    const credentials = await pairWithCli(base, "companion");
    const withCredentials = [...base, "--companion-credentials", credentials];
    expect((await runCli("atvremote", [...withCredentials, "pause"])).code).toBe(0);
    const features = await runCli("atvremote", [...withCredentials, "features"]);
    expect(features.stdout).toMatch(/^Play: Available/m);
    fake.child.kill("SIGTERM");
    expect(await fake.exit).toBe(0);
  });

  it.each([
    [["--mrp-port", "70000"], "--mrp-port"],
    [["--companion-port", "x"], "--companion-port"],
  ])("rejects %j with usage and exit code 2", async (args, message) => {
    const { code, stderr } = await runCli("atvfake", args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
