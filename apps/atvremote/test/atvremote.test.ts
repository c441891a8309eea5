import { FakeAppleTV } from "@atv/core/fake";
import { Protocol } from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

describe("atvremote", () => {
  let fake: FakeAppleTV;
  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, name: "Test Room" });
  });
  afterAll(() => fake.close());

  it("prints help with pyatv's options", async () => {
    const { code, stdout } = await runCli("atvremote", ["--help"]);
    expect(code).toBe(0);
    for (const option of [
      "--scan-hosts",
      "--scan-protocols",
      "--scan-timeout",
      "--id",
      "--name",
      "--mdns-port",
      "--mrp-credentials",
      "--debug",
      "--version",
    ]) {
      expect(stdout).toContain(option);
    }
  });

  it("prints its version", async () => {
    const { code, stdout } = await runCli("atvremote", ["--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^atvremote \d+\.\d+\.\d+/);
  });

  it.each([
    [[], "required: command"],
    [["--no-such-option", "scan"], "no-such-option"],
    [["-s", "300.1.1.1", "scan"], "IPv4"],
    [["--scan-protocols", "mrp,foo", "scan"], "Valid protocols"],
    [["-t", "0", "scan"], "scan-timeout"],
  ])("rejects bad options %j with usage and exit code 2", async (args, message) => {
    const { code, stderr } = await runCli("atvremote", args);
    expect(code).toBe(2);
    expect(stderr).toContain("usage: atvremote");
    expect(stderr).toContain(message);
  });

  it("scans the fake device and prints pyatv's layout", async () => {
    const { code, stdout } = await runCli("atvremote", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.mdnsPort),
      "scan",
    ]);
    expect(code).toBe(0);
    expect(stdout.startsWith(`Scan Results\n${"=".repeat(40)}\n`)).toBe(true);
    expect(stdout).toContain("       Name: Test Room\n");
    expect(stdout).toContain("   Model/SW: Apple TV 4K, tvOS 14.7 build 18M60\n");
    expect(stdout).toContain("    Address: 127.0.0.1\n");
    expect(stdout).toContain(`        MAC: ${fake.identity.mac}\n`);
    expect(stdout).toContain(" Deep Sleep: False\n");
    const id = fake.identity;
    for (const expected of [id.mrpIdentifier, id.mac, id.mac.replaceAll(":", "")]) {
      expect(stdout).toContain(` - ${expected}\n`);
    }
    const mrpPort = fake.services.find((s) => s.protocol === Protocol.MRP)?.port;
    expect(stdout).toContain(
      ` - Protocol: MRP, Port: ${mrpPort}, Credentials: None, Requires Password: False, Password: None, Pairing: Optional\n`,
    );
    expect(stdout).toMatch(/ - Protocol: Companion, Port: \d+, .*Pairing: Mandatory\n/);
  });

  it("narrows the scan by protocol and identifier", async () => {
    const port = String(fake.mdnsPort);
    const byProtocol = await runCli("atvremote", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      port,
      "--scan-protocols",
      "raop",
      "scan",
    ]);
    expect(byProtocol.stdout).toContain("Protocol: RAOP");
    expect(byProtocol.stdout).not.toContain("Protocol: MRP");
    const byId = await runCli("atvremote", [
      "-s",
      "127.0.0.1",
      "--mdns-port",
      port,
      "-i",
      "unknown-id",
      "scan",
    ]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).not.toContain("Name:");
  });
});
