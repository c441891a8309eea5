// scan(), pair() and connect() with a storage, as pyatv's tests/test_storage_functional.py
// and tests/storage/test_memory_storage.py check them.
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AppleTV,
  type ConnectOptions,
  DeviceIdMissingError,
  type PairingHandler,
  PairingRequirement,
  Protocol,
  type ProtocolPlugin,
  type Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { connect } from "../connect/connect.js";
import { pair } from "../connect/pair.js";
import { FakeAppleTV } from "../fake/index.js";
import { scan } from "../scan/scan.js";
import { FileStorage } from "./file-storage.js";
import { MemoryStorage } from "./memory-storage.js";
import { device, temporaryFolder } from "./test-helpers.js";

/** A protocol that pairs to fixed credentials and records what connect() gets. */
function stubPlugin(protocol: Protocol) {
  const seen: Array<{ credentials?: string; password?: string; options?: ConnectOptions }> = [];
  const plugin: ProtocolPlugin = {
    protocol,
    serviceTypes: {},
    deviceInfo: () => ({}),
    serviceInfo: () => {},
    pair(_device: AppleTV, service: Service): PairingHandler {
      let paired = false;
      return {
        service,
        deviceProvidesPin: true,
        get hasPaired() {
          return paired;
        },
        begin: async () => {},
        pin: () => {},
        finish: async () => {
          service.credentials = "paired-credentials";
          paired = true;
        },
        close: async () => {},
      };
    },
    async connect(_device, service, options) {
      seen.push({ credentials: service.credentials, password: service.password, options });
      return { protocol, close: async () => {} };
    },
  };
  return { plugin, seen };
}

describe("MemoryStorage (pyatv's storage rules)", () => {
  it("rejects a configuration without identifiers", async () => {
    await expect(new MemoryStorage().getSettings(device("x"))).rejects.toBeInstanceOf(
      DeviceIdMissingError,
    );
  });

  it("creates settings from the configuration once, then returns the stored ones", async () => {
    const storage = new MemoryStorage();
    const config = device("tv", [Protocol.DMAP, "id1"], [Protocol.AirPlay, "id2", "creds"]);
    const first = await storage.getSettings(config);
    expect(first.protocols.airplay).toMatchObject({ identifier: "id2", credentials: "creds" });
    expect(first.info.name).toBe("pyatv");
    // Storage comes first: later changes of the configuration are not taken...
    const dmap = config.getService(Protocol.DMAP);
    if (dmap) dmap.credentials = "dmap creds";
    expect(await storage.getSettings(config)).toBe(first);
    expect(first.protocols.dmap.credentials).toBeUndefined();
    // ...unless asked for.
    await storage.updateSettings(config);
    expect(first.protocols.dmap.credentials).toBe("dmap creds");
    expect(storage.settings).toHaveLength(1);
  });

  it("keeps devices apart and removes them", async () => {
    const storage = new MemoryStorage();
    const a = await storage.getSettings(device("a", [Protocol.DMAP, "a"]));
    const b = await storage.getSettings(device("b", [Protocol.DMAP, "b"]));
    a.info.name = "first";
    b.info.name = "second";
    expect((await storage.getSettings(device("a", [Protocol.DMAP, "a"]))).info.name).toBe("first");
    expect(a.info.rpId).not.toBe(b.info.rpId);
    expect(await storage.removeSettings(a)).toBe(true);
    expect(await storage.removeSettings(a)).toBe(false);
    expect(storage.settings).toEqual([b]);
  });
});

describe("scan() with a storage", () => {
  it("adds found devices and gives them stored credentials", async () => {
    const fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    const folder = await temporaryFolder();
    try {
      const file = join(folder.path, "pyatv.conf");
      const storage = new FileStorage(file);
      await storage.load();
      const [found] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, storage });
      if (!found) throw new Error("not found");
      const settings = await storage.getSettings(found);
      expect(storage.settings).toEqual([settings]);
      settings.protocols.mrp.credentials = "stored mrp";
      settings.protocols.airplay.password = "stored password";
      await storage.save();

      // A new process: the file is all it has.
      const later = new FileStorage(file);
      await later.load();
      const [again] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, storage: later });
      expect(again?.getService(Protocol.MRP)?.credentials).toBe("stored mrp");
      expect(again?.getService(Protocol.AirPlay)?.password).toBe("stored password");
      expect(later.settings).toHaveLength(1);
    } finally {
      await fake.close();
      await folder.remove();
    }
  });
});

describe("pair() and connect() with a storage", () => {
  it("pair once, then just connect: credentials go through the file", async () => {
    const folder = await temporaryFolder();
    const { plugin, seen } = stubPlugin(Protocol.MRP);
    try {
      const file = join(folder.path, "pyatv.conf");
      const storage = new FileStorage(file);
      await storage.load();
      const config = device("tv", [Protocol.MRP, "MRP-ID"]);
      const service = config.getService(Protocol.MRP);
      if (service) service.pairing = PairingRequirement.Mandatory;
      const pairing = pair(config, Protocol.MRP, { storage, plugins: [plugin] });
      await pairing.begin();
      pairing.pin(1234);
      await pairing.finish();
      expect(pairing.hasPaired).toBe(true);
      const written = JSON.parse(await readFile(file, "utf8"));
      expect(written.devices[0].protocols.mrp).toEqual({
        identifier: "MRP-ID",
        credentials: "paired-credentials",
      });

      // A fresh configuration (as a new scan gives) and a fresh storage from the file.
      const fresh = new FileStorage(file);
      await fresh.load();
      const plain = device("tv", [Protocol.MRP, "MRP-ID"]);
      const atv = await connect(plain, { storage: fresh, plugins: [plugin] });
      expect(seen[0]?.credentials).toBe("paired-credentials");
      // pyatv's connect works on a copy: the caller's configuration is left as it was.
      expect(plain.getService(Protocol.MRP)?.credentials).toBeUndefined();
      await atv.close();
    } finally {
      await folder.remove();
    }
  });

  it("connect() takes info, mrp_tunnel and passwords from storage, unless given", async () => {
    const folder = await temporaryFolder();
    const { plugin, seen } = stubPlugin(Protocol.AirPlay);
    try {
      const file = join(folder.path, "pyatv.conf");
      await copyFile(new URL("./fixtures/pyatv.conf", import.meta.url), file);
      const storage = new FileStorage(file);
      await storage.load();
      const config = device("kitchen", [Protocol.AirPlay, "11:22:33:44:55:66"]);
      const atv = await connect(config, { storage, plugins: [plugin] });
      await atv.close();
      expect(seen[0]?.password).toBe("hunter2");
      expect(seen[0]?.options?.mrpTunnel).toBe("disable");
      expect(seen[0]?.options?.info).toMatchObject({
        name: "Köket remote",
        mac: "02:11:22:33:44:55",
        rpId: "0badc0ffee00",
        osVersion: "17.2",
      });

      const again = await connect(config, { storage, plugins: [plugin], mrpTunnel: "force" });
      await again.close();
      expect(seen[1]?.options?.mrpTunnel).toBe("force");
    } finally {
      await folder.remove();
    }
  });
});
