import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAppleTV } from "@atv/core/fake";
import { Protocol } from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

describe("atvremote with storage", () => {
  let fake: FakeAppleTV;
  let dir: string;
  let file: string;
  let base: string[];

  beforeAll(async () => {
    // A device that refuses unencrypted sessions: commands work only with credentials.
    fake = await FakeAppleTV.start({
      address: "127.0.0.1",
      mdnsPort: 0,
      profile: "tvos14",
      name: "Den",
      requirePairing: true,
    });
    dir = await mkdtemp(join(tmpdir(), "atvremote-storage-"));
    file = join(dir, "pyatv.conf");
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort), "--storage-filename", file];
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("saves the credentials of a pairing, says where, and uses them after", async () => {
    const paired = await runCli("atvremote", [
      ...base,
      "--protocol",
      "mrp",
      "--pin",
      "1111",
      "pair",
    ]);
    expect(paired.code).toBe(0);
    const credentials = /credentials: (\S+)/.exec(paired.stdout)?.[1];
    expect(paired.stdout).toContain(`Settings and credentials were saved to ${file}\n`);
    const saved = JSON.parse(await readFile(file, "utf8"));
    expect(JSON.stringify(saved)).toContain(credentials);

    const received: string[] = [];
    const stop = fake.onEvent((event) => {
      if (event.protocol === Protocol.MRP && event.kind === "command") received.push(event.name);
    });
    const play = await runCli("atvremote", [...base, "-n", "Den", "play"]);
    stop();
    expect(play.stderr).toBe("");
    expect(play.code).toBe(0);
    expect(received).toEqual(["play"]);

    // The same command without the storage has no credentials, and the device refuses.
    const unstored = await runCli("atvremote", [...base, "--storage", "none", "play"]);
    expect(unstored.code).not.toBe(0);
  });

  it("names what it found when -n matches no device", async () => {
    const { code, stderr } = await runCli("atvremote", [...base, "-n", "Attic", "play"]);
    expect(code).toBe(1);
    expect(stderr).toBe('Could not find a device named "Attic"; found:\n - Den (127.0.0.1)\n');
  });

  it("prints, changes and removes settings", async () => {
    const changed = await runCli("atvremote", [
      ...base,
      "change_setting=info.name,Kitchen remote",
      "unset_setting=protocols.airplay.password",
      "print_settings",
    ]);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain("info.name = Kitchen remote (str)\n");
    expect(changed.stdout).toMatch(/^protocols\.mrp\.credentials = [0-9a-f:]+ \(str, NoneType\)$/m);
    const reread = await runCli("atvremote", [...base, "print_settings"]);
    expect(reread.stdout).toContain("info.name = Kitchen remote (str)\n");

    const bad = await runCli("atvremote", [...base, "change_setting=info.mac,nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Command 'change_setting' failed");

    expect((await runCli("atvremote", [...base, "remove_settings"])).code).toBe(0);
    expect(JSON.parse(await readFile(file, "utf8")).devices).toEqual([]);
  });
});

describe("atvremote's global commands and options", () => {
  it("lists commands and helps with one", async () => {
    const list = await runCli("atvremote", ["--storage", "none", "commands"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(
      "Remote control commands:\n - channel_down - Select previous channel\n",
    );
    expect(list.stdout).toContain(
      "Global commands:\n - commands - Print a list with available commands\n",
    );
    const help = await runCli("atvremote", ["--storage", "none", "help", "wizard"]);
    expect(help.stdout).toMatch(/^COMMAND:\n>> wizard\(\)\n\nHELP:\nWizard to set up a device\./);
    expect((await runCli("atvremote", ["--storage", "none", "help=pair"])).stdout).toContain(
      ">> pair()",
    );
  });

  it.each([
    [["--pin", "abc", "pair"], "argument -p/--pin: Must be greater >= 0 and < 9999"],
    [["--storage", "cloud", "scan"], "argument --storage: invalid choice: 'cloud'"],
    [["--no-such", "scan"], "atvremote: error: unrecognized arguments: --no-such"],
    [["scan", "-n"], "atvremote: error: argument -n/--name: expected one argument"],
  ])("words %j as argparse does", async (args, message) => {
    const { code, stderr } = await runCli("atvremote", args);
    expect(code).toBe(2);
    expect(stderr.startsWith("usage: atvremote ")).toBe(true);
    expect(stderr).toContain(message);
  });

  it("prints the version of its package", async () => {
    const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    const { stdout } = await runCli("atvremote", ["--version"]);
    expect(stdout).toBe(`atvremote ${pkg.version}\n`);
  });
});
