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
import { AIRPLAY_SERVICE_TYPE, airplayScanPlugin } from "./scan.js";

// An Apple TV 4K on tvOS 14.7, as pyatv's docs (protocols.md) record its _airplay._tcp TXT.
const TVOS14_TXT = {
  acl: "0",
  btaddr: "FF:EE:DD:CC:BB:AA",
  deviceid: "AA:BB:CC:DD:EE:FF",
  fex: "1d9/St5fFTw",
  features: "0x4A7FDFD5,0x3C155FDE",
  flags: "0x244",
  gid: "4D826039-0F40-4605-AD11-A6516183BAA6",
  igl: "1",
  gcgl: "1",
  model: "AppleTV6,2",
  protovers: "1.1",
  pi: "de7562c4-7bd2-4005-a8e4-d584bf63161a",
  psi: "6EE2C905-874B-4B4B-A50B-0F06B1800A17",
  pk: "a".repeat(64),
  srcvers: "550.10",
  osvers: "14.7",
  vv: "2",
};

// An Apple TV 3 (pyatv's scripts/fake_device.py).
const ATV3_TXT = {
  deviceid: "00:01:02:03:04:05",
  model: "AppleTV3,1",
  pi: "4EE5AF58-7E5D-465A-935E-82E4DB74385D",
  flags: "0x44",
  vv: "2",
  features: "0x5A7FFFF7,0xE",
  pk: "3853c0e2ce3844727ca0cb1b86a3e3875e66924d2648d8f8caf71f8118793d98",
  srcvers: "220.68",
};

function zeroconf(name: string, properties: Record<string, string>): ZeroconfService {
  return {
    type: AIRPLAY_SERVICE_TYPE,
    name,
    address: "10.0.0.1",
    port: 7000,
    properties: new PlainProperties(properties),
  };
}

function response(service: ZeroconfService): ZeroconfResponse {
  return { address: "10.0.0.1", services: [service], deepSleep: false, model: undefined };
}

const handler = airplayScanPlugin.serviceTypes[AIRPLAY_SERVICE_TYPE]!;

function serviceInfo(properties: Record<string, string>, others: Service[] = []): Service {
  const service = new Service({ protocol: Protocol.AirPlay, port: 7000, properties });
  const services = new Map<Protocol, Service>([[Protocol.AirPlay, service]]);
  for (const other of others) services.set(other.protocol, other);
  airplayScanPlugin.serviceInfo(service, new DeviceInfo({}), services);
  return service;
}

describe("AirPlay scan handler", () => {
  it("handles only _airplay._tcp", () => {
    expect(airplayScanPlugin.protocol).toBe(Protocol.AirPlay);
    expect(Object.keys(airplayScanPlugin.serviceTypes)).toEqual(["_airplay._tcp.local"]);
  });

  it("takes the instance name as name and deviceid as identifier", () => {
    const found = zeroconf("Vardagsrum", TVOS14_TXT);
    const result = handler.handle(found, response(found));
    expect(result?.name).toBe("Vardagsrum");
    expect(result?.service.identifier).toBe("AA:BB:CC:DD:EE:FF");
    expect(result?.service.protocol).toBe(Protocol.AirPlay);
    expect(result?.service.port).toBe(7000);
    expect(result?.service.credentials).toBeUndefined();
    expect(result?.service.enabled).toBe(true);
    expect(result?.service.properties.toObject()).toEqual(TVOS14_TXT);
  });

  it("finds deviceid whatever its case", () => {
    const found = zeroconf("ATV", { deviceId: "11:22:33:44:55:66" });
    expect(handler.handle(found, response(found))?.service.identifier).toBe("11:22:33:44:55:66");
  });

  it("has no identifier without deviceid", () => {
    const found = zeroconf("foo", { foo: "bar" });
    const result = handler.handle(found, response(found));
    expect(result?.name).toBe("foo");
    expect(result?.service.identifier).toBeUndefined();
  });

  it("names _device-info answers by the instance name", () => {
    expect(handler.deviceInfoName("Ohana")).toBe("Ohana");
  });
});

describe("AirPlay device info", () => {
  // Vectors from pyatv's tests/protocols/airplay/test_airplay.py.
  it.each([
    [{ model: "unknown" }, { rawModel: "unknown" }],
    [{ model: "AppleTV6,2" }, { model: DeviceModel.Gen4K, rawModel: "AppleTV6,2" }],
    [
      { model: "MacBookAir10,1" },
      { rawModel: "MacBookAir10,1", operatingSystem: OperatingSystem.MacOS },
    ],
    [{ osvers: "14.7" }, { version: "14.7" }],
    [{ deviceid: "aa:bb:cc:dd:ee:ff" }, { mac: "aa:bb:cc:dd:ee:ff" }],
    [{ pi: "AA:BB:CC:DD:EE:FF" }, { outputDeviceId: "AA:BB:CC:DD:EE:FF" }],
    [
      { psi: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE", pi: "AA:BB:CC:DD:EE:FF" },
      { outputDeviceId: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE" },
    ],
    [{}, {}],
  ])("%j gives %j", (properties, expected) => {
    expect(
      airplayScanPlugin.deviceInfo("_dummy._tcp.local", new PlainProperties(properties)),
    ).toEqual(expected);
  });

  it("reads a whole tvOS 14 record", () => {
    const info = airplayScanPlugin.deviceInfo(
      AIRPLAY_SERVICE_TYPE,
      new PlainProperties(TVOS14_TXT),
    );
    expect(info).toEqual({
      model: DeviceModel.Gen4K,
      rawModel: "AppleTV6,2",
      version: "14.7",
      mac: "AA:BB:CC:DD:EE:FF",
      outputDeviceId: "6EE2C905-874B-4B4B-A50B-0F06B1800A17",
    });
    // The OS is inferred from the model by DeviceInfo, not announced.
    expect(new DeviceInfo(info).operatingSystem).toBe(OperatingSystem.TvOS);
  });
});

describe("AirPlay service info", () => {
  // Vectors from pyatv's tests/protocols/airplay/test_airplay.py.
  it.each([
    [{}, {}, false],
    [{}, { pw: "true" }, false],
    [{ pw: "true" }, {}, true],
    [{ pw: "TRUE" }, {}, true],
    [{ sf: "0x80" }, {}, true],
    [{}, { sf: "0x80" }, false],
    [{ flags: "0x80" }, {}, true],
    [{}, { flags: "0x80" }, false],
  ])("AirPlay %j with MRP %j requires a password: %s", (airplay, mrp, expected) => {
    const mrpService = new Service({
      identifier: "mrp",
      protocol: Protocol.MRP,
      port: 0,
      properties: mrp,
    });
    const service = serviceInfo(airplay, [mrpService]);
    expect(service.requiresPassword).toBe(expected);
    expect(mrpService.requiresPassword).toBe(false);
  });

  it.each([
    [{ sf: "0x0" }, PairingRequirement.NotNeeded],
    [{ sf: "0x8" }, PairingRequirement.Mandatory],
    [{ sf: "0x200" }, PairingRequirement.Mandatory],
    [{ flags: "0x200" }, PairingRequirement.Mandatory],
    [{ acl: "1" }, PairingRequirement.Disabled],
    [{ acl: "1", sf: "0x200" }, PairingRequirement.Disabled],
    [{ model: "Mac10,1" }, PairingRequirement.Unsupported],
    [{ act: "2" }, PairingRequirement.Unsupported],
    [TVOS14_TXT, PairingRequirement.Mandatory],
    [ATV3_TXT, PairingRequirement.NotNeeded],
  ])("%j gives pairing %i", (properties, expected) => {
    const service = serviceInfo(properties);
    expect(service.pairing).toBe(expected);
    expect(service.enabled).toBe(true);
  });
});

describe("AirPlay scan on random TXT records", () => {
  const keys = fc.constantFrom(
    "deviceid",
    "model",
    "osvers",
    "psi",
    "pi",
    "features",
    "flags",
    "sf",
    "pw",
    "acl",
    "act",
  );
  const txt = fc.dictionary(fc.oneof(keys, fc.string()), fc.string(), { maxKeys: 12 });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string(), txt, (name, properties) => {
        const found = zeroconf(name, properties);
        const result = handler.handle(found, response(found));
        expect(result?.name).toBe(name);
        const fields = airplayScanPlugin.deviceInfo(AIRPLAY_SERVICE_TYPE, found.properties);
        const service = result!.service;
        airplayScanPlugin.serviceInfo(
          service,
          new DeviceInfo(fields),
          new Map<Protocol, Service>([[Protocol.AirPlay, service]]),
        );
        expect(Object.values(PairingRequirement)).toContain(service.pairing);
      }),
    );
  });
});
