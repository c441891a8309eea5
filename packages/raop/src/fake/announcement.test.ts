import { AirPlayMajorVersion, detectAirPlayVersion, extractCredentials } from "@atv/airplay";
import { airplayAnnouncement } from "@atv/airplay/fake";
import { CredentialsType } from "@atv/hap";
import {
  AirPlayVersion,
  DeviceInfo,
  DeviceModel,
  PairingRequirement,
  PlainProperties,
  Protocol,
  Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { RAOP_SERVICE_TYPE, raopScanPlugin } from "../scan.js";
import { type RaopFakeIdentity, raopAnnouncement, raopVersionOf } from "./announcement.js";

const TVOS14: RaopFakeIdentity = {
  name: "Living Room",
  model: "AppleTV6,2",
  osVersion: "14.7",
  mac: "AA:BB:CC:DD:EE:FF",
  publicKey: "a".repeat(64),
};
const TVOS17: RaopFakeIdentity = {
  name: "Living Room",
  model: "AppleTV11,1",
  osVersion: "17.4",
  mac: "1C:B3:C9:0F:49:FD",
  publicKey: "dcd3a159312bf6ba5369680a5642e919ef6a4b1549584e6e6f2d234fa4d6890d",
};
const ATV3: RaopFakeIdentity = {
  name: "Kitchen",
  model: "AppleTV3,1",
  osVersion: "8.4.4",
  mac: "00:01:02:03:04:05",
  publicKey: "3853c0e2ce3844727ca0cb1b86a3e3875e66924d2648d8f8caf71f8118793d98",
};

function scan(device: RaopFakeIdentity, airplay?: Service) {
  const announcement = raopAnnouncement(device, 7000);
  const found = {
    type: announcement.type,
    name: announcement.name,
    address: "127.0.0.1",
    port: announcement.port,
    properties: new PlainProperties(announcement.properties),
  };
  const result = raopScanPlugin.serviceTypes[found.type]!.handle(found, {
    address: "127.0.0.1",
    services: [found],
    deepSleep: false,
    model: undefined,
  })!;
  const fields = raopScanPlugin.deviceInfo(found.type, found.properties);
  const services = new Map<Protocol, Service>([[Protocol.RAOP, result.service]]);
  if (airplay) services.set(Protocol.AirPlay, airplay);
  raopScanPlugin.serviceInfo(result.service, new DeviceInfo(fields), services);
  return { announcement, ...result, info: new DeviceInfo(fields) };
}

describe("raopAnnouncement", () => {
  it("announces a tvOS 17 Apple TV as recorded", () => {
    const { announcement, name, service, info } = scan(TVOS17);
    expect(announcement.type).toBe(RAOP_SERVICE_TYPE);
    expect(announcement.name).toBe("1CB3C90F49FD@Living Room");
    expect(announcement.properties).toEqual({
      vv: "1",
      ov: "17.4",
      vs: "760.20.1",
      vn: "65537",
      tp: "UDP",
      pk: TVOS17.publicKey,
      am: "AppleTV11,1",
      md: "0,1,2",
      sf: "0x644",
      ft: "0x4A7FDFD5,0xBC177FDE",
      et: "0,3,5",
      da: "true",
      cn: "0,1,2,3",
    });
    expect(name).toBe("Living Room");
    expect(service.identifier).toBe("1CB3C90F49FD");
    expect(service.pairing).toBe(PairingRequirement.Mandatory);
    expect(info.model).toBe(DeviceModel.AppleTV4KGen2);
    expect(info.version).toBe("17.4");
  });

  it("scans a tvOS 14 Apple TV back to its identity", () => {
    const { name, service, info } = scan(TVOS14);
    expect(name).toBe("Living Room");
    expect(service.identifier).toBe("AABBCCDDEEFF");
    expect(service.pairing).toBe(PairingRequirement.Mandatory);
    expect(service.requiresPassword).toBe(false);
    expect(info.model).toBe(DeviceModel.Gen4K);
    expect(info.version).toBe("14.7");
  });

  it("scans an Apple TV 3 back to its identity", () => {
    const { announcement, name, service, info } = scan(ATV3);
    expect(announcement.properties).toMatchObject({ sf: "0x4", pw: "false", txtvers: "1" });
    expect(name).toBe("Kitchen");
    expect(service.identifier).toBe("000102030405");
    expect(service.pairing).toBe(PairingRequirement.NotNeeded);
    expect(info.model).toBe(DeviceModel.Gen3);
    expect(info.version).toBe("8.4.4");
  });

  it("carries the password and pairing options", () => {
    const locked = scan({ ...ATV3, airplayPassword: true });
    expect(locked.announcement.properties.pw).toBe("true");
    expect(locked.service.requiresPassword).toBe(true);
    expect(scan({ ...TVOS14, airplayPairing: "none" }).service.pairing).toBe(
      PairingRequirement.NotNeeded,
    );
  });

  it("is disabled with the AirPlay service of a home-only device", () => {
    const device = { ...TVOS17, airplayPairing: "home-only" as const };
    const airplayTxt = airplayAnnouncement(
      { ...device, airplayPairingIdentity: "ff37ee9c-0677-4ee4-a2c3-7cc3071c42c7" },
      7000,
    ).properties;
    const airplay = new Service({ protocol: Protocol.AirPlay, port: 7000, properties: airplayTxt });
    expect(scan(device, airplay).service.pairing).toBe(PairingRequirement.Disabled);
  });

  it("announces the streaming version the receiver speaks", () => {
    const sender = (version?: "v1" | "v2", device = TVOS14) => {
      const properties = new PlainProperties(
        raopAnnouncement(device, 7000, version === undefined ? {} : { version }).properties,
      );
      const service = new Service({ protocol: Protocol.RAOP, port: 7000, properties });
      return {
        ft: properties.get("ft"),
        version: detectAirPlayVersion(properties, AirPlayVersion.Auto),
        credentials: extractCredentials(service).type,
        pk: properties.get("pk"),
      };
    };
    // v2: bits 38, 43 and 48 set, so pyatv streams the v2 way and verifies transiently.
    expect(sender("v2", ATV3)).toEqual({
      ft: "0x5A7FFFF7,0x0001084E",
      version: AirPlayMajorVersion.AirPlayV2,
      credentials: CredentialsType.Transient,
      pk: ATV3.publicKey,
    });
    expect(sender("v2").version).toBe(AirPlayMajorVersion.AirPlayV2);
    // v1: the same bits cleared; the rest of the word as it was.
    expect(sender("v1")).toMatchObject({
      ft: "0x4A7FDFD5,0x3C14579E",
      version: AirPlayMajorVersion.AirPlayV1,
      credentials: CredentialsType.Null,
    });
    // No version: what the device announces (tvOS: AirPlay 2; Apple TV 3: AirPlay 1).
    expect(sender().ft).toBe("0x4A7FDFD5,0x3C155FDE");
    expect(sender(undefined, ATV3).ft).toBe("0x5A7FFFF7,0xE");
    expect(raopVersionOf(TVOS17)).toBe("v2");
    expect(raopVersionOf(ATV3)).toBe("v1");
  });
});
