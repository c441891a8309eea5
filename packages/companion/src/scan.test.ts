import {
  DeviceInfo,
  DeviceModel,
  PairingRequirement,
  PlainProperties,
  Protocol,
  Service,
  type ZeroconfResponse,
  type ZeroconfService,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMPANION_SERVICE_TYPE, companionFlags, companionScanPlugin } from "./scan.js";

// An Apple TV 4K (2nd gen) on tvOS 17.4, as recorded from a real device.
const TVOS17_TXT = {
  rpMRtID: "74EBA0AF-DB0F-483F-A9E6-0B4EB6C82857",
  rpBA: "57:46:6D:57:B4:50",
  rpHI: "d3660be33890",
  rpAD: "404149af4259",
  rpVr: "543.1",
  rpMd: "AppleTV11,1",
  rpHA: "1b4700ce1a10",
  rpFl: "0xB67A2",
  rpHN: "5c9257b8eae5",
  rpMac: "0",
};

// As pyatv's scripts/fake_device.py publishes it: no rpMRtID before tvOS 16.
const TVOS14_TXT = {
  rpMac: "1",
  rpHA: "9948cfb6da55",
  rpHN: "88f979f04023",
  rpVr: "230.1",
  rpMd: "AppleTV6,2",
  rpFl: "0x36782",
  rpAD: "657c1b9d3484",
  rpHI: "91756a18d8e5",
  rpBA: "9D:19:F9:74:65:EA",
};

function zeroconf(name: string, properties: Record<string, string>): ZeroconfService {
  return {
    type: COMPANION_SERVICE_TYPE,
    name,
    address: "10.0.0.1",
    port: 49153,
    properties: new PlainProperties(properties),
  };
}

function response(service: ZeroconfService): ZeroconfResponse {
  return { address: "10.0.0.1", services: [service], deepSleep: false, model: undefined };
}

const handler = companionScanPlugin.serviceTypes[COMPANION_SERVICE_TYPE]!;

describe("Companion scan handler", () => {
  it("handles only _companion-link._tcp", () => {
    expect(companionScanPlugin.protocol).toBe(Protocol.Companion);
    expect(Object.keys(companionScanPlugin.serviceTypes)).toEqual(["_companion-link._tcp.local"]);
  });

  it("takes the instance name as name and rpMRtID as identifier", () => {
    const found = zeroconf("Living Room", TVOS17_TXT);
    const result = handler.handle(found, response(found));
    expect(result?.name).toBe("Living Room");
    expect(result?.service.identifier).toBe("74EBA0AF-DB0F-483F-A9E6-0B4EB6C82857");
    expect(result?.service.protocol).toBe(Protocol.Companion);
    expect(result?.service.port).toBe(49153);
    expect(result?.service.credentials).toBeUndefined();
    expect(result?.service.properties.toObject()).toEqual(TVOS17_TXT);
  });

  it("has no identifier before tvOS 16", () => {
    const found = zeroconf("Living Room", TVOS14_TXT);
    expect(handler.handle(found, response(found))?.service.identifier).toBeUndefined();
  });

  it("names _device-info answers by the instance name", () => {
    expect(handler.deviceInfoName("Ohana")).toBe("Ohana");
  });
});

describe("Companion device info", () => {
  // Vectors from pyatv's tests/protocols/companion/test_companion.py.
  it.each([
    [{ rpmd: "unknown" }, { rawModel: "unknown" }],
    [{ rpmd: "AppleTV6,2" }, { model: DeviceModel.Gen4K, rawModel: "AppleTV6,2" }],
    [TVOS17_TXT, { model: DeviceModel.AppleTV4KGen2, rawModel: "AppleTV11,1" }],
    [{}, {}],
  ])("%j gives %j", (properties, expected) => {
    expect(
      companionScanPlugin.deviceInfo("_dummy._tcp.local", new PlainProperties(properties)),
    ).toEqual(expected);
  });
});

describe("Companion service info", () => {
  // Vectors from pyatv's tests/protocols/companion/test_companion.py, then real devices.
  it.each([
    [{}, PairingRequirement.Unsupported],
    [{ rpfl: "0x627B6" }, PairingRequirement.Disabled],
    [{ rpfl: "0x36782" }, PairingRequirement.Mandatory],
    [{ rpfl: "0x0" }, PairingRequirement.Unsupported],
    [{ rpFl: "0x20000" }, PairingRequirement.Unsupported], // Mac mini
    [{ rpFl: "0x627B2" }, PairingRequirement.Unsupported], // HomePod
    [{ rpFl: "0x367A2" }, PairingRequirement.Mandatory], // Apple TV 4K
    [TVOS17_TXT, PairingRequirement.Mandatory],
    [{ rpFl: "nonsense" }, PairingRequirement.Unsupported],
  ])("%j gives %i", (properties, expected) => {
    const service = new Service({ protocol: Protocol.Companion, port: 0, properties });
    expect(service.pairing).toBe(PairingRequirement.Unsupported);
    companionScanPlugin.serviceInfo(
      service,
      new DeviceInfo({}),
      new Map<Protocol, Service>([[Protocol.Companion, service]]),
    );
    expect(service.pairing).toBe(expected);
    expect(service.requiresPassword).toBe(false);
    expect(service.enabled).toBe(true);
  });

  it("parses rpFl as Python's int(x, 16) would", () => {
    expect(companionFlags(new PlainProperties({ rpFl: "36782" }))).toBe(0x36782n);
    expect(companionFlags(new PlainProperties({ rpFl: "0XB67A2" }))).toBe(0xb67a2n);
  });
});

describe("Companion scan on random TXT records", () => {
  const keys = fc.constantFrom("rpMRtID", "rpMd", "rpFl", "rpVr", "rpBA");
  const values = fc.oneof(fc.string(), fc.stringMatching(/^(0x)?[0-9A-Fa-f]{0,20}$/));
  const txt = fc.dictionary(fc.oneof(keys, fc.string()), values, { maxKeys: 8 });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string(), txt, (name, properties) => {
        const found = zeroconf(name, properties);
        const service = handler.handle(found, response(found))!.service;
        const fields = companionScanPlugin.deviceInfo(COMPANION_SERVICE_TYPE, found.properties);
        companionScanPlugin.serviceInfo(
          service,
          new DeviceInfo(fields),
          new Map<Protocol, Service>([[Protocol.Companion, service]]),
        );
        expect(Object.values(PairingRequirement)).toContain(service.pairing);
      }),
    );
  });
});
