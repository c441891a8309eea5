import { DeviceModel, NonLocalSubnetError, OperatingSystem, Protocol } from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAppleTV } from "../fake/index.js";
import { scan } from "./scan.js";

// One responder answers for every fake of a test: each fake binds its own mDNS port on
// its own loopback address, and a scan asks one host at a time.
describe("scan() against fake devices on loopback", () => {
  let tvos14: FakeAppleTV;
  let tvos17: FakeAppleTV;
  let atv3: FakeAppleTV;

  beforeAll(async () => {
    tvos14 = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, name: "Living Room" });
    tvos17 = await FakeAppleTV.start({ address: "127.0.0.2", mdnsPort: 0, profile: "tvos17" });
    atv3 = await FakeAppleTV.start({ address: "127.0.0.3", mdnsPort: 0, profile: "atv3" });
  });

  afterAll(async () => {
    await Promise.all([tvos14.close(), tvos17.close(), atv3.close()]);
  });

  it("finds a tvOS 14 Apple TV with its identifiers, services and device info", async () => {
    const [device, ...rest] = await scan({
      hosts: ["127.0.0.1"],
      mdnsPort: tvos14.mdnsPort,
      timeout: 10_000,
    });
    expect(rest).toEqual([]);
    expect(device?.name).toBe("Living Room");
    expect(device?.address).toBe("127.0.0.1");
    // Identifiers as the announcements carry them (not as the fake reports them back).
    const id = tvos14.identity;
    expect(device?.identifier).toBe(id.mrpIdentifier);
    expect(device?.getService(Protocol.AirPlay)?.identifier).toBe(id.mac);
    expect(device?.getService(Protocol.RAOP)?.identifier).toBe(id.mac.replaceAll(":", ""));
    // tvOS 14's Companion service carries no rpMRtID yet (it came with tvOS 16).
    expect(device?.getService(Protocol.Companion)?.identifier).toBeUndefined();
    expect(new Set(device?.allIdentifiers)).toEqual(new Set(Object.values(tvos14.identifiers)));
    expect(device?.services.map((s) => [s.protocol, s.port]).sort()).toEqual(
      tvos14.services.map((s) => [s.protocol, s.port]).sort(),
    );
    expect(device?.deviceInfo.model).toBe(DeviceModel.Gen4K);
    expect(device?.deviceInfo.operatingSystem).toBe(OperatingSystem.TvOS);
    expect(device?.deviceInfo.version).toBe("14.7");
    expect(device?.deviceInfo.mac).toBe(tvos14.identity.mac);
    expect(device?.deepSleep).toBe(false);
  });

  it("ends as soon as the device has answered, long before its timeout", async () => {
    // The test's own timeout (20 s) is far below this scan timeout: only an early end passes.
    const found = await scan({ hosts: ["127.0.0.1"], mdnsPort: tvos14.mdnsPort, timeout: 60_000 });
    expect(found).toHaveLength(1);
  });

  it("finds a tvOS 17 device without an MRP service, and an Apple TV 3 over DMAP", async () => {
    const [modern] = await scan({
      hosts: ["127.0.0.2"],
      mdnsPort: tvos17.mdnsPort,
      timeout: 10_000,
    });
    expect(modern?.getService(Protocol.MRP)).toBeUndefined();
    expect(modern?.getService(Protocol.AirPlay)).toBeDefined();
    expect(modern?.getService(Protocol.Companion)?.identifier).toBe(
      tvos17.identity.systemPairingIdentity,
    );
    expect(modern?.deviceInfo.model).toBe(DeviceModel.AppleTV4KGen2);
    expect(modern?.deviceInfo.version).toBe("17.4");

    const [legacy] = await scan({ hosts: ["127.0.0.3"], mdnsPort: atv3.mdnsPort, timeout: 10_000 });
    expect(legacy?.getService(Protocol.DMAP)).toBeDefined();
    expect(legacy?.getService(Protocol.MRP)).toBeUndefined();
    expect(legacy?.deviceInfo.model).toBe(DeviceModel.Gen3);
    expect(legacy?.getService(Protocol.AirPlay)?.identifier).toBe(atv3.identity.mac);
    expect(legacy?.identifier).toBe(atv3.identity.dmapIdentifier);
  });

  it("filters by identifier", async () => {
    const base = { hosts: ["127.0.0.1"], mdnsPort: tvos14.mdnsPort, timeout: 10_000 };
    const airplayId = tvos14.identity.mac;
    expect(await scan({ ...base, identifier: airplayId })).toHaveLength(1);
    expect(await scan({ ...base, identifier: ["nope", airplayId ?? ""] })).toHaveLength(1);
    expect(await scan({ ...base, identifier: "not-a-known-identifier" })).toEqual([]);
  });

  it("filters by protocol", async () => {
    const base = { hosts: ["127.0.0.1"], mdnsPort: tvos14.mdnsPort, timeout: 10_000 };
    const [device] = await scan({ ...base, protocol: [Protocol.AirPlay, Protocol.RAOP] });
    expect(device?.services.map((s) => s.protocol).sort()).toEqual([
      Protocol.AirPlay,
      Protocol.RAOP,
    ]);
    expect(await scan({ ...base, protocol: Protocol.DMAP })).toEqual([]);
  });

  it("returns the devices that answered when another host stays silent", async () => {
    const found = await scan({
      hosts: ["127.0.0.1", "127.0.0.9"],
      mdnsPort: tvos14.mdnsPort,
      timeout: 1500,
    });
    expect(found.map((d) => d.address)).toEqual(["127.0.0.1"]);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(scan({ hosts: ["127.0.0.1"], signal: controller.signal })).rejects.toThrow("stop");
  });

  it("stops when the signal aborts mid-scan", async () => {
    const controller = new AbortController();
    const pending = scan({
      hosts: ["127.0.0.9"],
      mdnsPort: tvos14.mdnsPort,
      timeout: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    await expect(pending).rejects.toThrow("user gave up");
  });
});

describe("scan() errors", () => {
  it("rejects a silent host outside every local subnet with NonLocalSubnetError", async () => {
    // This machine "has" only 192.168.1.0/24, so the silent 127.0.0.9 is not local.
    const pending = scan({
      hosts: ["127.0.0.9"],
      mdnsPort: 5399,
      timeout: 500,
      localInterfaces: () => [{ address: "192.168.1.10", netmask: "255.255.255.0" }],
    });
    await expect(pending).rejects.toBeInstanceOf(NonLocalSubnetError);
    await expect(pending).rejects.toThrow(/127\.0\.0\.9.*subnet/);
  });

  it("returns a non-local host that does answer like any other", async () => {
    const fake = await FakeAppleTV.start({ address: "127.0.0.4", mdnsPort: 0 });
    try {
      const found = await scan({
        hosts: ["127.0.0.4"],
        mdnsPort: fake.mdnsPort,
        timeout: 10_000,
        localInterfaces: () => [{ address: "192.168.1.10", netmask: "255.255.255.0" }],
      });
      expect(found.map((d) => d.name)).toEqual([fake.name]);
    } finally {
      await fake.close();
    }
  });
});
