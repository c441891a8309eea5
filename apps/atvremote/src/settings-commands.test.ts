import { parseCommandCall } from "@atv/cli";
import { AppleTV, MemoryStorage, Protocol, Service, SettingsError } from "@atv/core";
import { describe, expect, it } from "vitest";
import { formatSettings, runSettingsCommand } from "./settings-commands.js";

async function stored() {
  const storage = new MemoryStorage();
  await storage.load();
  const device = new AppleTV({ address: "10.0.0.1", name: "Den" });
  device.addService(new Service({ identifier: "id-1", protocol: Protocol.MRP, port: 1 }));
  const settings = await storage.getSettings(device);
  const run = (text: string) => runSettingsCommand(storage, settings, parseCommandCall(text));
  return { storage, settings, run };
}

describe("settings commands", () => {
  it("prints every field as pyatv's print_settings does", async () => {
    const { settings } = await stored();
    const lines = formatSettings(settings).split("\n");
    expect(lines[0]).toBe("info.name = pyatv (str)");
    expect(lines).toContain("info.device_id = FF:70:79:61:74:76 (str)");
    expect(lines).toContain("protocols.mrp.credentials = None (str, NoneType)");
    expect(lines).toContain("protocols.airplay.mrp_tunnel = auto (MrpTunnel)");
    expect(lines).toContain("protocols.raop.protocol_version = auto (AirPlayVersion)");
    expect(lines.at(-1)).toBe("protocols.raop.control_port = 0 (int)");
    expect(lines).toHaveLength(24);
  });

  it("changes and unsets fields by their dotted names", async () => {
    const { settings, run } = await stored();
    await run("change_setting=info.name,Den, upstairs");
    await run('change_setting=protocols.raop.protocol_version,"2"');
    await run("change_setting=protocols.raop.timing_port,7010");
    await run("change_setting=protocols.mrp.credentials,abc");
    expect(settings.info.name).toBe("Den, upstairs");
    expect(settings.protocols.raop).toMatchObject({ protocolVersion: "2", timingPort: 7010 });
    await run("unset_setting=protocols.mrp.credentials");
    expect(settings.protocols.mrp.credentials).toBeUndefined();
  });

  it.each([
    "change_setting=info.nope,1",
    "change_setting=info.mac,not-a-mac",
    "change_setting=protocols.raop.timing_port,soon",
    "change_setting=protocols.airplay.mrp_tunnel,sometimes",
    "unset_setting=info.name",
  ])("refuses %s", async (text) => {
    const { run } = await stored();
    await expect(run(text)).rejects.toBeInstanceOf(SettingsError);
  });

  it("removes the device's settings from the storage", async () => {
    const { storage, run } = await stored();
    expect(storage.settings).toHaveLength(1);
    await run("remove_settings");
    expect(storage.settings).toHaveLength(0);
  });
});
