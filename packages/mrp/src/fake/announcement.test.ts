import {
  DeviceInfo,
  OperatingSystem,
  PairingRequirement,
  PlainProperties,
  Protocol,
  type Service,
} from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { describe, expect, it } from "vitest";
import { MRP_SERVICE_TYPE, mrpScanPlugin } from "../scan.js";
import { type MrpFakeIdentity, mrpAnnouncement } from "./announcement.js";

const TVOS14: MrpFakeIdentity = {
  name: "Living Room",
  model: "AppleTV6,2",
  osVersion: "14.7",
  buildNumber: "18M60",
  mac: "AA:BB:CC:DD:EE:FF",
  mrpIdentifier: "E91A5E49-4D3C-4E0B-8A4B-1D0F5E4D1E2B",
  airplayPairingIdentity: "de7562c4-7bd2-4005-a8e4-d584bf63161a",
};

function scan(announcement: ServiceAnnouncement) {
  const found = {
    type: announcement.type,
    name: announcement.name,
    address: "127.0.0.1",
    port: announcement.port,
    properties: new PlainProperties(announcement.properties),
  };
  const result = mrpScanPlugin.serviceTypes[found.type]!.handle(found, {
    address: "127.0.0.1",
    services: [found],
    deepSleep: false,
    model: undefined,
  })!;
  const fields = mrpScanPlugin.deviceInfo(found.type, found.properties);
  const services = new Map<Protocol, Service>([[Protocol.MRP, result.service]]);
  mrpScanPlugin.serviceInfo(result.service, new DeviceInfo(fields), services);
  return { ...result, info: new DeviceInfo(fields) };
}

describe("mrpAnnouncement", () => {
  it("announces a tvOS 14 Apple TV that scans back to its identity", () => {
    const announcement = mrpAnnouncement(TVOS14, 49152)!;
    expect(announcement.type).toBe(MRP_SERVICE_TYPE);
    expect(announcement.name).toBe("Living Room");
    expect(announcement.port).toBe(49152);
    expect(Object.keys(announcement.properties).sort()).toEqual([
      "AllowPairing",
      "BluetoothAddress",
      "LocalAirPlayReceiverPairingIdentity",
      "ModelName",
      "Name",
      "SystemBuildVersion",
      "UniqueIdentifier",
      "macAddress",
    ]);

    const { name, service, info } = scan(announcement);
    expect(name).toBe("Living Room");
    expect(service.identifier).toBe(TVOS14.mrpIdentifier);
    expect(service.enabled).toBe(true);
    expect(service.pairing).toBe(PairingRequirement.Optional);
    expect(info.buildNumber).toBe("18M60");
    expect(info.version).toBe("14.7");
    expect(info.mac).toBe("aa:bb:cc:dd:ee:ff");
    expect(info.operatingSystem).toBe(OperatingSystem.TvOS);
  });

  it("can refuse pairing", () => {
    const announcement = mrpAnnouncement({ ...TVOS14, mrpAllowPairing: false }, 49152)!;
    expect(scan(announcement).service.pairing).toBe(PairingRequirement.Disabled);
  });

  it("announces a tvOS 15 device whose MRP the scan then disables", () => {
    const announcement = mrpAnnouncement(
      { ...TVOS14, osVersion: "15.0", buildNumber: "19J346" },
      49152,
    )!;
    const { service } = scan(announcement);
    expect(service.enabled).toBe(false);
    expect(service.pairing).toBe(PairingRequirement.NotNeeded);
  });

  it("makes no announcement on tvOS 17 or on an Apple TV 3", () => {
    expect(
      mrpAnnouncement({ ...TVOS14, osVersion: "17.4", buildNumber: "21L569" }, 49152),
    ).toBeUndefined();
    expect(
      mrpAnnouncement({ ...TVOS14, model: "AppleTV3,1", osVersion: "8.4.4" }, 49152),
    ).toBeUndefined();
  });
});
