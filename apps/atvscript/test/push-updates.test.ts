import { PassThrough } from "node:stream";
import { type ConnectDeviceOptions, connect, Protocol, scan } from "@atv/core";
import { FakeAppleTV } from "@atv/core/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "../../../scripts/cli-test-support.js";
import { pushUpdates } from "../src/push-updates.js";

type Line = Record<string, unknown>;

/** atvscript running with its standard input open, its output lines as they come. */
function startScript(args: string[]) {
  const script = startCli("atvscript", args);
  /** Resolves with the first line after the `after`-th that `match` accepts. */
  const lineWhere = (match: (line: Line) => boolean, after = 0) =>
    script.until(() => script.jsonLines().slice(after).find(match));
  return {
    child: script.child,
    get lines() {
      return script.jsonLines();
    },
    lineWhere,
    exit: script.exit,
  };
}

const ENVELOPE = {
  result: "success",
  datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/),
};

describe("atvscript push_updates", () => {
  let fake: FakeAppleTV;
  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
  });
  afterAll(() => fake.close());

  it("prints power, output devices, each update, and finished on Enter", async () => {
    fake.mrp?.useCases.exampleVideo();
    const script = startScript([
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "push_updates",
    ]);
    await script.lineWhere((line) => line.title === "dummy");
    fake.mrp?.useCases.exampleMusic();
    await script.lineWhere((line) => line.title === "music");
    fake.mrp?.useCases.nothingPlaying();
    await script.lineWhere((line) => line.device_state === "idle");
    fake.mrp?.useCases.setVolume(30);
    await script.lineWhere((line) => line.volume === 30);
    fake.mrp?.useCases.powerOff();
    await script.lineWhere((line) => line.power_state === "off");
    script.child.stdin.write("\n");
    expect(await script.exit).toBe(0);
    fake.mrp?.useCases.powerOn();

    const [power, devices, ...rest] = script.lines;
    expect(power).toEqual({ ...ENVELOPE, power_state: "on" });
    expect(devices).toEqual({
      ...ENVELOPE,
      output_devices: [{ name: fake.name, identifier: fake.identity.mrpIdentifier }],
    });
    expect(rest.slice(-3)).toEqual([
      { ...ENVELOPE, volume: 30 },
      { ...ENVELOPE, power_state: "off" },
      { ...ENVELOPE, push_updates: "finished" },
    ]);
    const updates = rest.slice(0, -3);
    expect(updates.map((line) => line.title ?? line.device_state)).toEqual([
      "dummy",
      "music",
      "idle",
    ]);
    expect(updates[1]).toEqual({
      ...ENVELOPE,
      hash: expect.any(String),
      media_type: "music",
      device_state: "paused",
      title: "music",
      artist: "artist",
      album: "album",
      genre: "genre",
      total_time: 49,
      position: 22,
      shuffle: "off",
      repeat: "off",
      series_name: null,
      season_number: null,
      episode_number: null,
      content_identifier: null,
      itunes_store_identifier: null,
      app: expect.any(String),
      app_id: "com.github.postlund.pyatv",
    });
  });

  it("finishes when its input ends", async () => {
    const { code, stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "push_updates",
    ]);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ ...ENVELOPE, power_state: "on" });
    expect(lines[1]).toMatchObject({ output_devices: [{ name: fake.name }] });
    expect(lines.at(-1)).toEqual({ ...ENVELOPE, push_updates: "finished" });
  });

  it("prints lost, then reconnected, then updates again when the device restarts", async () => {
    const first = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    first.mrp?.useCases.exampleVideo();
    const script = startScript([
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(first.mdnsPort),
      "push_updates",
    ]);
    let again: FakeAppleTV | undefined;
    try {
      await script.lineWhere((line) => line.title === "dummy");
      const ports = Object.fromEntries(first.services.map((s) => [s.protocol, s.port]));
      await first.close();
      again = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, ports });
      again.mrp?.useCases.exampleMusic();
      const lost = script.lines.findIndex((line) => line.connection === "lost");
      await script.lineWhere((line) => line.title === "music", Math.max(lost, 0));
      script.child.stdin.write("\n");
      expect(await script.exit).toBe(0);
    } finally {
      await first.close();
      await again?.close();
    }
    const lines = script.lines;
    const from = lines.findIndex((line) => line.connection === "lost");
    const [lost, reconnected, power, devices] = lines.slice(from);
    expect(lost).toEqual({
      ...ENVELOPE,
      result: "failure",
      exception: expect.any(String),
      stacktrace: expect.any(String),
      connection: "lost",
    });
    expect(reconnected).toEqual({ ...ENVELOPE, connection: "reconnected" });
    expect(power).toEqual({ ...ENVELOPE, power_state: "on" });
    expect(devices).toMatchObject({ output_devices: [{ name: again?.name }] });
    const after = lines.slice(from + 4);
    expect(after.filter((line) => line.result === "failure")).toEqual([]);
    expect(after.map((line) => line.title).filter(Boolean)).toContain("music");
    expect(after.at(-1)).toEqual({ ...ENVELOPE, push_updates: "finished" });
  });
});

/** pushUpdates() itself on a connected fake, with its lines and an input to end it. */
async function runInProcess(fake: FakeAppleTV, reconnect: ConnectDeviceOptions["reconnect"]) {
  const [config] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
  if (config === undefined) throw new Error("the fake was not found");
  const atv = await connect(config, { protocols: [Protocol.MRP], timeout: 2000 });
  const lines: Line[] = [];
  const input = new PassThrough();
  const finished = pushUpdates(
    atv,
    (line) => lines.push(line),
    input as unknown as NodeJS.ReadStream,
    reconnect,
  );
  return { atv, lines, input, finished };
}

describe("push_updates when the device goes away for good", () => {
  const LOST = {
    ...ENVELOPE,
    result: "failure",
    exception: expect.any(String),
    stacktrace: expect.any(String),
    connection: "lost",
  };

  it("prints connection lost once and finishes by itself without reconnect (pyatv)", async () => {
    const doomed = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    doomed.mrp?.useCases.exampleVideo();
    const run = await runInProcess(doomed, false);
    await expect.poll(() => run.lines.some((line) => line.title === "dummy")).toBe(true);
    await doomed.close();
    const finished = await run.finished;
    await run.atv.close();
    expect(finished).toEqual({ ...ENVELOPE, push_updates: "finished" });
    expect(run.lines.slice(3)).toEqual([LOST]);
  });

  it("prints connection lost once, then finishes when reconnection gives up", async () => {
    const doomed = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    doomed.mrp?.useCases.exampleVideo();
    const run = await runInProcess(doomed, { initialDelay: 5, maxDelay: 10, maxAttempts: 3 });
    await expect.poll(() => run.lines.some((line) => line.title === "dummy")).toBe(true);
    await doomed.close();
    const finished = await run.finished;
    await run.atv.close();
    expect(finished).toEqual({ ...ENVELOPE, push_updates: "finished" });
    expect(run.lines.slice(3)).toEqual([LOST]);
  });
});
