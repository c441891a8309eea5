import { FakeAppleTV } from "@atv/core/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

describe("atvscript", () => {
  let fake: FakeAppleTV;
  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
  });
  afterAll(() => fake.close());

  it("prints one JSON line with pyatv's scan layout", async () => {
    const { code, stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "scan",
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    // json.dumps' separators, which scripts matching pyatv's lines depend on.
    expect(lines[0]).toMatch(
      /^\{"result": "success", "datetime": "[^"]+", "devices": \[\{"name": /,
    );
    const out = JSON.parse(lines[0] ?? "");
    expect(Object.keys(out)).toEqual(["result", "datetime", "devices"]);
    expect(out.result).toBe("success");
    expect(out.datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/);
    expect(out.devices).toEqual([
      {
        name: fake.name,
        address: "127.0.0.1",
        identifier: fake.identity.mrpIdentifier,
        all_identifiers: expect.arrayContaining([
          fake.identity.mrpIdentifier,
          fake.identity.mac,
          fake.identity.mac.replaceAll(":", ""),
        ]),
        device_info: {
          mac: fake.identity.mac,
          model: "Gen4K",
          model_str: "Apple TV 4K",
          operating_system: "TvOS",
          version: "14.7",
        },
        services: expect.arrayContaining([
          { protocol: "mrp", port: expect.any(Number) },
          { protocol: "airplay", port: expect.any(Number) },
          { protocol: "companion", port: expect.any(Number) },
          { protocol: "raop", port: expect.any(Number) },
        ]),
      },
    ]);
    expect(out.devices[0].services).toHaveLength(4);
  });

  it("answers a command for a device it cannot find with device_not_found", async () => {
    const { code, stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "-i",
      "nope",
      "-t",
      "1",
      "play",
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ result: "failure", error: "device_not_found" });
  });

  it("runs a remote-control command and prints pyatv's result line", async () => {
    const received: string[] = [];
    const stop = fake.onEvent((event) => {
      if (event.kind === "command" || event.kind === "button") received.push(event.name);
    });
    const { code, stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "next",
    ]);
    stop();
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(["result", "datetime", "command"]);
    expect(out).toMatchObject({ result: "success", command: "next" });
    expect(received).toEqual(["next"]);
  });

  it("prints what is playing in pyatv's layout", async () => {
    fake.mrp?.useCases.exampleMusic();
    const { code, stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "playing",
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      result: "success",
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
    });
    expect(typeof out.hash).toBe("string");
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining(["app", "app_id", "series_name", "itunes_store_identifier"]),
    );
    fake.mrp?.useCases.nothingPlaying();
  });

  it("answers a command it does not know with unsupported_command", async () => {
    const { stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "teleport",
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ result: "failure", error: "unsupported_command" });
  });

  it("prints a failure line with the exception when a command fails", async () => {
    const { code, stdout } = await runCli("atvscript", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "--mrp-credentials",
      "garbage",
      "play",
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.result).toBe("failure");
    expect(out.exception).toMatch(/credentials/i);
    expect(typeof out.stacktrace).toBe("string");
  });

  it.each([
    [["scan", "extra"], "unrecognized arguments"],
    [["--output", "yaml", "scan"], "Valid formats are: json"],
    [["--protocol", "nope", "scan"], "Valid protocols"],
    [[], "required: command"],
  ])("rejects bad options %j with usage and exit code 2", async (args, message) => {
    const { code, stderr, stdout } = await runCli("atvscript", args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("usage: atvscript");
    expect(stderr).toContain(message);
  });
});
