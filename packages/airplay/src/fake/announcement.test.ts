import {
  DeviceInfo,
  DeviceModel,
  OperatingSystem,
  PairingRequirement,
  PlainProperties,
  Protocol,
  type Service,
  type ZeroconfService,
} from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { describe, expect, it } from "vitest";
import { AirPlayMajorVersion, detectAirPlayVersion } from "../features.js";
import { AIRPLAY_SERVICE_TYPE, airplayScanPlugin } from "../scan.js";
import {
  type AirPlayFakeIdentity,
  airplayAnnouncement,
  receiverGeneration,
} from "./announcement.js";

const TVOS14: AirPlayFakeIdentity = {
  name: "Living Room",
  model: "AppleTV6,2",
  osVersion: "14.7",
  mac: "AA:BB:CC:DD:EE:FF",
  publicKey: "a".repeat(64),
  airplayPairingIdentity: "de7562c4-7bd2-4005-a8e4-d584bf63161a",
  systemPairingIdentity: "6EE2C905-874B-4B4B-A50B-0F06B1800A17",
  airplayGroupId: "4D826039-0F40-4605-AD11-A6516183BAA6",
};

const TVOS17: AirPlayFakeIdentity = {
  name: "Bedroom",
  model: "AppleTV11,1",
  osVersion: "17.4",
  mac: "1C:B3:C9:0F:49:FD",
  publicKey: "dcd3a159312bf6ba5369680a5642e919ef6a4b1549584e6e6f2d234fa4d6890d",
  airplayPairingIdentity: "ff37ee9c-0677-4ee4-a2c3-7cc3071c42c7",
  systemPairingIdentity: "74EBA0AF-DB0F-483F-A9E6-0B4EB6C82857",
  airplayGroupId: "8AB8C139-61B6-404C-BBE5-151E2601E356",
};

const ATV3: AirPlayFakeIdentity = {
  name: "Kitchen",
  model: "AppleTV3,1",
  osVersion: "8.4.4",
  mac: "00:01:02:03:04:05",
  publicKey: "3853c0e2ce3844727ca0cb1b86a3e3875e66924d2648d8f8caf71f8118793d98",
  airplayPairingIdentity: "4EE5AF58-7E5D-465A-935E-82E4DB74385D",
};

function asFound(announcement: ServiceAnnouncement): ZeroconfService {
  return {
    type: announcement.type,
    name: announcement.name,
    address: "127.0.0.1",
    port: announcement.port,
    properties: new PlainProperties(announcement.properties),
  };
}

function scan(announcement: ServiceAnnouncement) {
  const found = asFound(announcement);
  const handler = airplayScanPlugin.serviceTypes[found.type]!;
  const result = handler.handle(found, {
    address: "127.0.0.1",
    services: [found],
    deepSleep: false,
    model: undefined,
  })!;
  const fields = airplayScanPlugin.deviceInfo(found.type, found.properties);
  const services = new Map<Protocol, Service>([[Protocol.AirPlay, result.service]]);
  airplayScanPlugin.serviceInfo(result.service, new DeviceInfo(fields), services);
  return { ...result, info: new DeviceInfo(fields) };
}

describe("airplayAnnouncement", () => {
  it("tells the generations apart", () => {
    expect(receiverGeneration(TVOS14)).toBe("tvos");
    expect(receiverGeneration(TVOS17)).toBe("tvos17");
    expect(receiverGeneration(ATV3)).toBe("legacy");
  });

  it("announces a tvOS 14 Apple TV 4K that scans back to its identity", () => {
    const announcement = airplayAnnouncement(TVOS14, 7000);
    expect(announcement.type).toBe(AIRPLAY_SERVICE_TYPE);
    expect(announcement.port).toBe(7000);
    expect(Object.keys(announcement.properties).sort()).toEqual(
      [
        "acl",
        "btaddr",
        "deviceid",
        "features",
        "fex",
        "flags",
        "gcgl",
        "gid",
        "igl",
        "model",
        "osvers",
        "pi",
        "pk",
        "protovers",
        "psi",
        "srcvers",
        "vv",
      ].sort(),
    );

    const { name, service, info } = scan(announcement);
    expect(name).toBe("Living Room");
    expect(service.identifier).toBe(TVOS14.mac);
    expect(service.pairing).toBe(PairingRequirement.Mandatory);
    expect(service.requiresPassword).toBe(false);
    expect(info.model).toBe(DeviceModel.Gen4K);
    expect(info.operatingSystem).toBe(OperatingSystem.TvOS);
    expect(info.version).toBe("14.7");
    expect(info.mac).toBe(TVOS14.mac);
    expect(info.outputDeviceId).toBe(TVOS14.systemPairingIdentity);
    expect(detectAirPlayVersion(service.properties)).toBe(AirPlayMajorVersion.AirPlayV2);
  });

  it("announces a tvOS 17 Apple TV 4K with the newer key set", () => {
    const announcement = airplayAnnouncement(TVOS17, 7000);
    expect(announcement.properties).toMatchObject({
      flags: "0x644",
      features: "0x4A7FDFD5,0xBC177FDE",
      srcvers: "760.20.1",
      vv: "1",
    });
    const { service, info } = scan(announcement);
    expect(service.identifier).toBe(TVOS17.mac);
    expect(service.pairing).toBe(PairingRequirement.Mandatory);
    expect(info.model).toBe(DeviceModel.AppleTV4KGen2);
    expect(info.version).toBe("17.4");
  });

  it("announces an Apple TV 3 as AirPlay 1 without pairing", () => {
    const announcement = airplayAnnouncement(ATV3, 7000);
    expect(announcement.properties).toEqual({
      deviceid: "00:01:02:03:04:05",
      features: "0x5A7FFFF7,0xE",
      flags: "0x44",
      model: "AppleTV3,1",
      pi: ATV3.airplayPairingIdentity,
      pk: ATV3.publicKey,
      srcvers: "220.68",
      osvers: "8.4.4",
      vv: "2",
    });
    const { service, info } = scan(announcement);
    expect(service.identifier).toBe(ATV3.mac);
    expect(service.pairing).toBe(PairingRequirement.NotNeeded);
    expect(info.model).toBe(DeviceModel.Gen3);
    expect(info.outputDeviceId).toBe(ATV3.airplayPairingIdentity);
    expect(detectAirPlayVersion(service.properties)).toBe(AirPlayMajorVersion.AirPlayV1);
  });

  it("carries the pairing and password options", () => {
    expect(
      scan(airplayAnnouncement({ ...TVOS14, airplayPairing: "none" }, 7000)).service.pairing,
    ).toBe(PairingRequirement.NotNeeded);
    expect(
      scan(airplayAnnouncement({ ...ATV3, airplayPairing: "pin" }, 7000)).service.pairing,
    ).toBe(PairingRequirement.Mandatory);
    expect(
      scan(airplayAnnouncement({ ...TVOS17, airplayPairing: "home-only" }, 7000)).service.pairing,
    ).toBe(PairingRequirement.Disabled);
    const locked = scan(airplayAnnouncement({ ...TVOS14, airplayPassword: true }, 7000)).service;
    expect(locked.requiresPassword).toBe(true);
    expect(locked.properties.get("flags")).toBe("0x2C4");
  });
});
