import {
  DeviceInfo,
  DeviceModel,
  OperatingSystem,
  PairingRequirement,
  PlainProperties,
  Protocol,
  Service,
  type ZeroconfResponse,
  type ZeroconfService,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DMAP_SERVICE_TYPE,
  dmapScanPlugin,
  HOMESHARING_SERVICE_TYPE,
  HSCP_SERVICE_TYPE,
} from "./scan.js";

const TYPES = [HOMESHARING_SERVICE_TYPE, DMAP_SERVICE_TYPE, HSCP_SERVICE_TYPE];

// An Apple TV 3 with Home Sharing on (pyatv's scripts/fake_device.py).
const HOMESHARING_TXT = {
  DFID: "2",
  PrVs: "65538",
  hG: "00000000-1111-2222-3333-444444444444",
  Name: "Living Room",
  txtvers: "1",
  atSV: "65541",
  MiTPV: "196611",
  EiTS: "1",
  fs: "2",
  MniT: "167845888",
};

function zeroconf(type: string, name: string, properties: Record<string, string>): ZeroconfService {
  return {
    type,
    name,
    address: "10.0.0.1",
    port: 3689,
    properties: new PlainProperties(properties),
  };
}

function response(service: ZeroconfService): ZeroconfResponse {
  return { address: "10.0.0.1", services: [service], deepSleep: false, model: undefined };
}

function handle(type: string, name: string, properties: Record<string, string>) {
  const found = zeroconf(type, name, properties);
  return dmapScanPlugin.serviceTypes[type]!.handle(found, response(found))!;
}

describe("DMAP scan handlers", () => {
  it("handles Home Sharing, touch-able and HSCP", () => {
    expect(dmapScanPlugin.protocol).toBe(Protocol.DMAP);
    expect(Object.keys(dmapScanPlugin.serviceTypes).sort()).toEqual([
      "_appletv-v2._tcp.local",
      "_hscp._tcp.local",
      "_touch-able._tcp.local",
    ]);
  });

  // After pyatv's tests/protocols/dmap/test_dmap.py and fake_udns.py.
  it("reads a Home Sharing service", () => {
    const { name, service } = handle(HOMESHARING_SERVICE_TYPE, "6D5D2D6EE3C7D9D1", HOMESHARING_TXT);
    expect(name).toBe("Living Room");
    expect(service.identifier).toBe("6D5D2D6EE3C7D9D1");
    expect(service.protocol).toBe(Protocol.DMAP);
    expect(service.port).toBe(3689);
    expect(service.credentials).toBe("00000000-1111-2222-3333-444444444444");
    expect(service.properties.toObject()).toEqual(HOMESHARING_TXT);
  });

  it("reads a touch-able service, without credentials", () => {
    const { name, service } = handle(DMAP_SERVICE_TYPE, "6D5D2D6EE3C7D9D1", { CtlN: "bar" });
    expect(name).toBe("bar");
    expect(service.identifier).toBe("6D5D2D6EE3C7D9D1");
    expect(service.credentials).toBeUndefined();
  });

  it("reads an HSCP service", () => {
    const { name, service } = handle(HSCP_SERVICE_TYPE, "HSCP Name", {
      "Machine Name": "DMAP ATV",
      "Machine ID": "DMAP service",
      hG: "hsgid",
    });
    expect(name).toBe("DMAP ATV");
    expect(service.identifier).toBe("DMAP service");
    expect(service.credentials).toBe("hsgid");
  });

  it("takes the identifier up to the first underscore", () => {
    expect(handle(DMAP_SERVICE_TYPE, "AB12_CD_EF", {}).service.identifier).toBe("AB12");
    expect(handle(HOMESHARING_SERVICE_TYPE, "_x", {}).service.identifier).toBe("");
  });

  it("names devices without a name property Unknown", () => {
    for (const type of TYPES) expect(handle(type, "x", {}).name).toBe("Unknown");
  });

  it("gives no name for _device-info answers", () => {
    for (const type of TYPES)
      expect(dmapScanPlugin.serviceTypes[type]!.deviceInfoName("ANY")).toBeUndefined();
  });
});

describe("DMAP device info", () => {
  it("says Legacy for every type, and the Music app for HSCP", () => {
    expect(dmapScanPlugin.deviceInfo("_foo._tcp.local", new PlainProperties())).toEqual({
      operatingSystem: OperatingSystem.Legacy,
    });
    expect(dmapScanPlugin.deviceInfo(HSCP_SERVICE_TYPE, new PlainProperties())).toEqual({
      operatingSystem: OperatingSystem.Legacy,
      model: DeviceModel.Music,
    });
  });
});

describe("DMAP service info", () => {
  // Vectors from pyatv's tests/protocols/dmap/test_dmap.py.
  it.each([
    [{}, {}, PairingRequirement.Mandatory],
    [{ hg: "test" }, {}, PairingRequirement.Optional],
    [{}, { hg: "test" }, PairingRequirement.Mandatory],
    [HOMESHARING_TXT, {}, PairingRequirement.Optional],
  ])("DMAP %j with MRP %j gives %i", (dmapProps, mrpProps, expected) => {
    const dmap = new Service({
      identifier: "id",
      protocol: Protocol.DMAP,
      port: 0,
      properties: dmapProps,
    });
    const mrp = new Service({
      identifier: "mrp",
      protocol: Protocol.MRP,
      port: 0,
      properties: mrpProps,
    });
    dmapScanPlugin.serviceInfo(
      dmap,
      new DeviceInfo({}),
      new Map<Protocol, Service>([
        [Protocol.MRP, mrp],
        [Protocol.DMAP, dmap],
      ]),
    );
    expect(dmap.pairing).toBe(expected);
    expect(dmap.requiresPassword).toBe(false);
    expect(mrp.pairing).toBe(PairingRequirement.Unsupported);
  });
});

describe("DMAP scan on random TXT records", () => {
  const keys = fc.constantFrom("Name", "CtlN", "Machine Name", "Machine ID", "hG");
  const txt = fc.dictionary(fc.oneof(keys, fc.string()), fc.string(), { maxKeys: 8 });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.string(), txt, (type, name, properties) => {
        const { service } = handle(type, name, properties);
        const fields = dmapScanPlugin.deviceInfo(type, service.properties);
        dmapScanPlugin.serviceInfo(
          service,
          new DeviceInfo(fields),
          new Map<Protocol, Service>([[Protocol.DMAP, service]]),
        );
        expect(Object.values(PairingRequirement)).toContain(service.pairing);
      }),
    );
  });
});
