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
import { AIRPORT_SERVICE_TYPE, RAOP_SERVICE_TYPE, raopScanPlugin, splitRaopName } from "./scan.js";

// An Apple TV 4K (2nd gen) on tvOS 17.4, as recorded from a real device.
const TVOS17_TXT = {
  vv: "1",
  ov: "17.4",
  vs: "760.20.1",
  vn: "65537",
  tp: "UDP",
  pk: "dcd3a159312bf6ba5369680a5642e919ef6a4b1549584e6e6f2d234fa4d6890d",
  am: "AppleTV11,1",
  md: "0,1,2",
  sf: "0x644",
  ft: "0x4A7FDFD5,0xBC177FDE",
  et: "0,3,5",
  da: "true",
  cn: "0,1,2,3",
};

function zeroconf(
  name: string,
  properties: Record<string, string>,
  type = RAOP_SERVICE_TYPE,
): ZeroconfService {
  return {
    type,
    name,
    address: "10.0.0.1",
    port: 7000,
    properties: new PlainProperties(properties),
  };
}

function response(service: ZeroconfService): ZeroconfResponse {
  return { address: "10.0.0.1", services: [service], deepSleep: false, model: undefined };
}

const raop = raopScanPlugin.serviceTypes[RAOP_SERVICE_TYPE]!;
const airport = raopScanPlugin.serviceTypes[AIRPORT_SERVICE_TYPE]!;

function serviceInfo(raopProps: Record<string, string>, others: Service[] = []): Service {
  const service = new Service({
    identifier: "id",
    protocol: Protocol.RAOP,
    port: 0,
    properties: raopProps,
  });
  const services = new Map<Protocol, Service>([[Protocol.RAOP, service]]);
  for (const other of others) services.set(other.protocol, other);
  raopScanPlugin.serviceInfo(service, new DeviceInfo({}), services);
  return service;
}

describe("RAOP scan handlers", () => {
  it("handles _raop._tcp and _airport._tcp", () => {
    expect(raopScanPlugin.protocol).toBe(Protocol.RAOP);
    expect(Object.keys(raopScanPlugin.serviceTypes).sort()).toEqual([
      "_airport._tcp.local",
      "_raop._tcp.local",
    ]);
  });

  it("splits id@name into identifier and name", () => {
    const found = zeroconf("1CB3C90F49FD@Living Room", TVOS17_TXT);
    const result = raop.handle(found, response(found));
    expect(result?.name).toBe("Living Room");
    expect(result?.service.identifier).toBe("1CB3C90F49FD");
    expect(result?.service.protocol).toBe(Protocol.RAOP);
    expect(result?.service.port).toBe(7000);
    expect(result?.service.credentials).toBeUndefined();
    expect(result?.service.properties.toObject()).toEqual(TVOS17_TXT);
  });

  it("splits at the first @ only", () => {
    expect(splitRaopName("AABB@Kid's @ room")).toEqual({ id: "AABB", name: "Kid's @ room" });
  });

  it("falls back to the public key when the name has no id", () => {
    const found = zeroconf("Speaker", { pk: "abcd" });
    const result = raop.handle(found, response(found));
    expect(result?.name).toBe("Speaker");
    expect(result?.service.identifier).toBe("abcd");
    const bare = zeroconf("Speaker", {});
    expect(raop.handle(bare, response(bare))?.service.identifier).toBeUndefined();
  });

  it("names _device-info answers by the part after @", () => {
    expect(raop.deviceInfoName("ANY@Ohana")).toBe("Ohana");
    expect(raop.deviceInfoName("Ohana")).toBe("Ohana");
  });

  it("makes no service of _airport._tcp", () => {
    const found = zeroconf("foo@bar", { foo: "bar" }, AIRPORT_SERVICE_TYPE);
    expect(airport.handle(found, response(found))).toBeUndefined();
    expect(airport.deviceInfoName("Ohana")).toBe("Ohana");
  });
});

describe("RAOP device info", () => {
  // Vectors from pyatv's tests/protocols/raop/test_raop.py.
  it.each([
    [{ am: "unknown" }, { rawModel: "unknown" }],
    [{ am: "AppleTV6,2" }, { model: DeviceModel.Gen4K, rawModel: "AppleTV6,2" }],
    [
      { am: "MacBookAir10,1" },
      { rawModel: "MacBookAir10,1", operatingSystem: OperatingSystem.MacOS },
    ],
    [{ ov: "14.7" }, { version: "14.7" }],
    [
      {
        wama:
          "AA-AA-AA-AA-AA-AA,raMA=BB-BB-BB-BB-BB-BB,raM2=CC-CC-CC-CC-CC-CC,raNm=MyWifi,raCh=1," +
          "rCh2=2,raSt=1,raNA=0,syFl=0x88C,syAP=115,syVs=7.8.1,srcv=78100.3,bjSd=2",
      },
      { mac: "AA:AA:AA:AA:AA:AA", version: "7.8.1" },
    ],
    [{ wama: "aa-bb-cc-dd-ee-ff,broken,syVs" }, { mac: "AA:BB:CC:DD:EE:FF" }],
    [{}, {}],
  ])("%j gives %j", (properties, expected) => {
    expect(raopScanPlugin.deviceInfo("_dummy._tcp.local", new PlainProperties(properties))).toEqual(
      expected,
    );
  });

  it("reads a whole tvOS 17 record", () => {
    expect(raopScanPlugin.deviceInfo(RAOP_SERVICE_TYPE, new PlainProperties(TVOS17_TXT))).toEqual({
      model: DeviceModel.AppleTV4KGen2,
      rawModel: "AppleTV11,1",
      version: "17.4",
    });
  });
});

describe("RAOP service info", () => {
  // Vectors from pyatv's tests/protocols/raop/test_raop.py.
  it.each([
    [{}, {}, false],
    [{}, { pw: "true" }, false],
    [{ pw: "true" }, {}, true],
    [{ pw: "TRUE" }, {}, true],
    [{ sf: "0x80" }, {}, true],
    [{}, { sf: "0x80" }, false],
    [{ flags: "0x80" }, {}, true],
    [{}, { flags: "0x80" }, false],
  ])("RAOP %j with MRP %j requires a password: %s", (raopProps, mrpProps, expected) => {
    const mrp = new Service({
      identifier: "mrp",
      protocol: Protocol.MRP,
      port: 0,
      properties: mrpProps,
    });
    expect(serviceInfo(raopProps, [mrp]).requiresPassword).toBe(expected);
    expect(mrp.requiresPassword).toBe(false);
  });

  it.each([
    [{ sf: "0x0" }, PairingRequirement.NotNeeded],
    [{ sf: "0x8" }, PairingRequirement.Mandatory],
    [{ sf: "0x200" }, PairingRequirement.Mandatory],
    [{ flags: "0x200" }, PairingRequirement.Mandatory],
    [TVOS17_TXT, PairingRequirement.Mandatory],
    [{ sf: "0x4" }, PairingRequirement.NotNeeded], // Apple TV 3
  ])("%j gives pairing %i", (properties, expected) => {
    expect(serviceInfo(properties).pairing).toBe(expected);
  });

  it.each([
    [{ acl: "1" }, PairingRequirement.Disabled],
    [{ act: "2" }, PairingRequirement.Unsupported],
    [{ acl: "0", act: "0" }, PairingRequirement.Mandatory],
  ])("follows AirPlay's access control %j", (airplayProps, expected) => {
    const airplay = new Service({
      identifier: "id",
      protocol: Protocol.AirPlay,
      port: 0,
      properties: airplayProps,
    });
    expect(serviceInfo({ sf: "0x644" }, [airplay]).pairing).toBe(expected);
  });

  it("leaves the password alone when AirPlay's access control decides", () => {
    const airplay = new Service({ protocol: Protocol.AirPlay, port: 0, properties: { acl: "1" } });
    const service = serviceInfo({ pw: "true" }, [airplay]);
    expect(service.pairing).toBe(PairingRequirement.Disabled);
    expect(service.requiresPassword).toBe(false);
  });
});

describe("RAOP scan on random TXT records", () => {
  const keys = fc.constantFrom("am", "ov", "wama", "pk", "sf", "flags", "pw", "ft", "acl", "act");
  const txt = fc.dictionary(fc.oneof(keys, fc.string()), fc.string(), { maxKeys: 12 });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string(), txt, txt, (name, properties, airplayProps) => {
        for (const type of [RAOP_SERVICE_TYPE, AIRPORT_SERVICE_TYPE]) {
          const found = zeroconf(name, properties, type);
          raopScanPlugin.serviceTypes[type]!.handle(found, response(found));
          raopScanPlugin.deviceInfo(type, found.properties);
        }
        const found = zeroconf(name, properties);
        const service = raop.handle(found, response(found))!.service;
        const airplay = new Service({
          protocol: Protocol.AirPlay,
          port: 7000,
          properties: airplayProps,
        });
        const services = new Map<Protocol, Service>([
          [Protocol.RAOP, service],
          [Protocol.AirPlay, airplay],
        ]);
        raopScanPlugin.serviceInfo(service, new DeviceInfo({}), services);
        expect(Object.values(PairingRequirement)).toContain(service.pairing);
      }),
    );
  });
});
