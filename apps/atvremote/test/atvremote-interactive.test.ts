import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAppleTV } from "@atv/core/fake";
import { Protocol } from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_SCRIPT, startOnTerminal } from "./terminal.js";

describe.skipIf(!HAS_SCRIPT)("atvremote on a terminal (wizard, cli)", () => {
  let fake: FakeAppleTV;
  let dir: string;
  let file: string;
  let base: string[];

  beforeAll(async () => {
    fake = await FakeAppleTV.start({
      address: "127.0.0.1",
      mdnsPort: 0,
      profile: "tvos14",
      name: "Den",
    });
    dir = await mkdtemp(join(tmpdir(), "atvremote-terminal-"));
    file = join(dir, "pyatv.conf");
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort), "--storage-filename", file];
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("wizard: lists devices, pairs each protocol that wants it, saves, connects", async () => {
    const wizard = startOnTerminal("atvremote", [...base, "wizard"]);
    await wizard.until("Enter index of device to set up (q to quit): ");
    expect(wizard.text()).toContain(
      "Found the following devices:\n    Name    Model        Address\n--  ------  -----------  ---------\n 1  Den     Apple TV 4K  127.0.0.1\n",
    );
    wizard.type("7\n");
    await wizard.until("Not a valid device: 7");
    wizard.type("1\n");
    await wizard.until("Starting to set up Den");
    // AirPlay, Companion, MRP and RAOP ask for the PIN the fake shows.
    for (let count = 1; count <= 4; count++) {
      await wizard.until("Enter PIN on screen: ", count);
      wizard.type("1111\n");
    }
    expect(await wizard.exit).toBe(0);
    const screen = wizard.text();
    for (const line of [
      "Successfully paired Protocol.AirPlay, moving on...",
      "Successfully paired Protocol.Companion, moving on...",
      "Successfully paired Protocol.MRP, moving on...",
      "Successfully paired Protocol.RAOP, moving on...",
      `Settings and credentials were saved to ${file}`,
      "Pairing finished, trying to connect and get some metadata...",
      "Currently playing:",
      "Device is now set up!",
    ]) {
      expect(screen).toContain(`${line}\n`);
    }
    const saved = JSON.stringify(JSON.parse(await readFile(file, "utf8")));
    for (const protocol of ["airplay", "companion", "mrp", "raop"]) {
      expect(saved).toMatch(new RegExp(`"${protocol}":\\{[^}]*"credentials":"[0-9a-f:]+"`));
    }
  });

  it("cli: runs commands on one connection, completes names on Tab, exits on exit", async () => {
    const received: string[] = [];
    const stop = fake.onEvent((event) => {
      if (event.protocol === Protocol.MRP && event.kind === "command") received.push(event.name);
    });
    const shell = startOnTerminal("atvremote", [...base, "cli"]);
    await shell.until("pyatv> ");
    expect(shell.text()).toContain(
      "Enter commands and press enter\nType help for help and exit to quit\n",
    );
    shell.type("play_p");
    await shell.until("play_p");
    shell.type("\t");
    await shell.until("play_pause");
    shell.type("\n");
    await shell.until("pyatv> ", 2);
    shell.type("help set_position\n");
    await shell.until(">> set_position(pos: int)");
    shell.type("teleport\n");
    await shell.until("Unknown command: teleport");
    shell.type("cli\n");
    await shell.until("Command not available here");
    shell.type("pause\n");
    await shell.until("pyatv> ", 6);
    shell.type("exit\n");
    expect(await shell.exit).toBe(0);
    stop();
    expect(received).toEqual(["play_pause", "pause"]);
  });
});
