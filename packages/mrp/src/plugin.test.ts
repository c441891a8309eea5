import { AppleTV, PlainProperties, Protocol, type ProtocolSession, Service } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { FakeMrpDevice } from "./fake/index.js";
import { mrpPlugin } from "./plugin.js";
import { mrpScanPlugin } from "./scan.js";

describe("mrpPlugin", () => {
  it("extends the scan plugin", () => {
    expect(mrpPlugin.protocol).toBe(Protocol.MRP);
    expect(mrpPlugin.serviceTypes).toBe(mrpScanPlugin.serviceTypes);
  });

  it("pairs (credentials land on the service) and connects with them", async () => {
    const device = await FakeMrpDevice.start({ name: "TV", uniqueIdentifier: "PLUGIN-TEST" });
    try {
      const conf = new AppleTV({ address: "127.0.0.1", name: "TV" });
      const service = new Service({
        identifier: "PLUGIN-TEST",
        protocol: Protocol.MRP,
        port: device.port,
        properties: new PlainProperties(),
      });
      conf.addService(service);

      const pairing = mrpPlugin.pair?.(conf, service, { name: "Test remote" });
      expect(pairing?.deviceProvidesPin).toBe(true);
      await pairing?.begin();
      pairing?.pin("1111");
      await pairing?.finish();
      await pairing?.close();
      expect(pairing?.hasPaired).toBe(true);
      expect(service.credentials?.split(":")).toHaveLength(4);
      expect(device.state.clientInfo?.name).toBe("Test remote");

      const result = await mrpPlugin.connect?.(conf, service, { timeout: 2000 });
      const session = Array.isArray(result) ? undefined : (result as ProtocolSession | undefined);
      expect(session?.protocol).toBe(Protocol.MRP);
      await session?.remoteControl?.play?.();
      await session?.remoteControl?.select?.();
      expect(session?.remoteControl?.channelUp).toBeUndefined();
      await session?.close();
      expect(device.state.verifiedClientIds).toHaveLength(1);
      expect(device.state.commands.map((c) => c.name)).toEqual(["play"]);
    } finally {
      await device.close();
    }
  });
});
