import { FakeAppleTV, type FakeDeviceEvent } from "@atv/core/fake";
import { parseCredentials } from "@atv/hap";
import { Protocol } from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

/** Collects the fake's events; `waitFor` resolves once `count` have arrived. */
function eventLog(fake: FakeAppleTV) {
  const events: FakeDeviceEvent[] = [];
  const waiters: Array<() => void> = [];
  fake.onEvent((event) => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  const waitFor = (count: number) =>
    new Promise<FakeDeviceEvent[]>((resolve) => {
      const check = () =>
        events.length >= count ? resolve(events.slice(0, count)) : waiters.push(check);
      check();
    });
  return { events, waitFor, clear: () => events.splice(0) };
}

describe("atvremote against the fake's MRP service", () => {
  let fake: FakeAppleTV;
  let log: ReturnType<typeof eventLog>;
  let base: string[];

  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, pin: "1111" });
    log = eventLog(fake);
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
  });
  afterAll(() => fake.close());

  async function pairWithPin(): Promise<string> {
    const { code, stdout } = await runCli("atvremote", [
      ...base,
      "--protocol",
      "mrp",
      "--pin",
      "1111",
      "pair",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("Pairing seems to have succeeded, yey!");
    const credentials = /You may now use these credentials: (\S+)/.exec(stdout)?.[1] ?? "";
    return credentials;
  }

  it("pairs with --pin and prints credentials in pyatv's format", async () => {
    const credentials = await pairWithPin();
    expect(credentials.split(":")).toHaveLength(4);
    expect(parseCredentials(credentials).toString()).toBe(credentials);
  });

  it("reads the PIN from standard input, as pyatv does", async () => {
    const { code, stdout } = await runCli("atvremote", [...base, "--protocol", "mrp", "pair"], {
      input: "1111\n",
    });
    expect(code).toBe(0);
    expect(stdout).toContain("Enter PIN on screen: ");
    expect(stdout).toMatch(/You may now use these credentials: [0-9a-f:]+/);
  });

  it("says a wrong PIN is wrong, with exit code 3", async () => {
    const { code, stderr } = await runCli("atvremote", [
      ...base,
      "--protocol",
      "mrp",
      "--pin",
      "2222",
      "pair",
    ]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/wrong PIN/i);
  });

  it("needs --protocol to pair", async () => {
    const { code, stderr } = await runCli("atvremote", [...base, "pair"]);
    expect(code).toBe(1);
    expect(stderr).toContain("No protocol specified");
  });

  it("sends commands and buttons with their actions over an encrypted session", async () => {
    const credentials = await pairWithPin();
    log.clear();
    const { code, stderr } = await runCli("atvremote", [
      ...base,
      "--mrp-credentials",
      credentials,
      "play",
      "select=double_tap",
      "menu=2",
      "set_position=42",
      "home_hold",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const events = await log.waitFor(5);
    expect(events).toEqual([
      { protocol: Protocol.MRP, kind: "command", name: "play" },
      { protocol: Protocol.MRP, kind: "button", name: "select", action: "double_tap" },
      { protocol: Protocol.MRP, kind: "button", name: "menu", action: "hold" },
      { protocol: Protocol.MRP, kind: "command", name: "set_position" },
      { protocol: Protocol.MRP, kind: "button", name: "home", action: "hold" },
    ]);
  });

  it("works without credentials over a plain session, as most devices allow", async () => {
    log.clear();
    const { code } = await runCli("atvremote", [...base, "pause"]);
    expect(code).toBe(0);
    expect(await log.waitFor(1)).toEqual([
      { protocol: Protocol.MRP, kind: "command", name: "pause" },
    ]);
  });

  it("rejects credentials the device does not know", async () => {
    const stranger = `${"11".repeat(32)}:${"22".repeat(32)}:${"33".repeat(16)}:${"44".repeat(16)}`;
    const { code, stderr } = await runCli("atvremote", [
      ...base,
      "--mrp-credentials",
      stranger,
      "play",
    ]);
    expect(code).toBe(1);
    expect(stderr.length).toBeGreaterThan(0);
  });

  it("rejects garbled credentials before connecting", async () => {
    const { code, stderr } = await runCli("atvremote", [
      ...base,
      "--mrp-credentials",
      "not:credentials",
      "play",
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/credentials/i);
  });

  it("reports what MRP cannot do as not supported, and unknown commands as unknown", async () => {
    const guide = await runCli("atvremote", [...base, "guide"]);
    expect(guide.code).toBe(1);
    expect(guide.stderr).toContain("Command 'guide' is not supported by device");
    const unknown = await runCli("atvremote", [...base, "teleport"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown command: teleport");
  });

  it("prints what is playing as pyatv does", async () => {
    fake.mrp?.useCases.exampleVideo();
    const { code, stdout } = await runCli("atvremote", [...base, "playing"]);
    expect(code).toBe(0);
    expect(stdout).toContain("  Media type: Video\n");
    expect(stdout).toContain("       Title: dummy\n");
    expect(stdout).toContain("Device state: Paused\n");
    fake.mrp?.useCases.nothingPlaying();
  });

  it("controls a device given by hand with --manual", async () => {
    const mrpPort = fake.services.find((s) => s.protocol === Protocol.MRP)?.port ?? 0;
    log.clear();
    const { code } = await runCli("atvremote", [
      "--manual",
      "--address",
      "127.0.0.1",
      "--port",
      String(mrpPort),
      "--protocol",
      "mrp",
      "--id",
      "manual-id",
      "stop",
    ]);
    expect(code).toBe(0);
    expect(await log.waitFor(1)).toEqual([
      { protocol: Protocol.MRP, kind: "command", name: "stop" },
    ]);
  });
});
