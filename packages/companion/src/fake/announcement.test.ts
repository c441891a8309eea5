import {
  DeviceInfo,
  DeviceModel,
  PairingRequirement,
  PlainProperties,
  Protocol,
  type Service,
} from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { describe, expect, it } from "vitest";
import { COMPANION_SERVICE_TYPE, companionScanPlugin } from "../scan.js";
import { type CompanionFakeIdentity, companionAnnouncement } from "./announcement.js";

const TVOS14: CompanionFakeIdentity = {
  name: "Living Room",
  model: "AppleTV6,2",
  osVersion: "14.7",
  systemPairingIdentity: "6EE2C905-874B-4B4B-A50B-0F06B1800A17",
};
const TVOS17: CompanionFakeIdentity = {
  name: "Bedroom",
  model: "AppleTV11,1",
  osVersion: "17.4",
  systemPairingIdentity: "74EBA0AF-DB0F-483F-A9E6-0B4EB6C82857",
};

function scan(announcement: ServiceAnnouncement) {
  const found = {
    type: announcement.type,
    name: announcement.name,
    address: "127.0.0.1",
    port: announcement.port,
    properties: new PlainProperties(announcement.properties),
  };
  const result = companionScanPlugin.serviceTypes[found.type]!.handle(found, {
    address: "127.0.0.1",
    services: [found],
    deepSleep: false,
    model: undefined,
  })!;
  const fields = companionScanPlugin.deviceInfo(found.type, found.properties);
  const services = new Map<Protocol, Service>([[Protocol.Companion, result.service]]);
  companionScanPlugin.serviceInfo(result.service, new DeviceInfo(fields), services);
  return { ...result, info: new DeviceInfo(fields) };
}

describe("companionAnnouncement", () => {
  it("announces a tvOS 14 Apple TV without rpMRtID", () => {
    const announcement = companionAnnouncement(TVOS14, 49153)!;
    expect(announcement.type).toBe(COMPANION_SERVICE_TYPE);
    expect(announcement.port).toBe(49153);
    expect(Object.keys(announcement.properties).sort()).toEqual(
      ["rpAD", "rpBA", "rpFl", "rpHA", "rpHI", "rpHN", "rpMac", "rpMd", "rpVr"].sort(),
    );
    const { name, service, info } = scan(announcement);
    expect(name).toBe("Living Room");
    expect(service.identifier).toBeUndefined();
    expect(service.pairing).toBe(PairingRequirement.Mandatory);
    expect(info.model).toBe(DeviceModel.Gen4K);
  });

  it("announces a tvOS 17 Apple TV that scans back to its identity", () => {
    const { name, service, info } = scan(companionAnnouncement(TVOS17, 49153)!);
    expect(name).toBe("Bedroom");
    expect(service.identifier).toBe(TVOS17.systemPairingIdentity);
    expect(service.pairing).toBe(PairingRequirement.Mandatory);
    expect(info.model).toBe(DeviceModel.AppleTV4KGen2);
    expect(info.rawModel).toBe("AppleTV11,1");
  });

  it("can allow only members of the home", () => {
    const announcement = companionAnnouncement(
      { ...TVOS17, companionPairing: "home-only" },
      49153,
    )!;
    expect(scan(announcement).service.pairing).toBe(PairingRequirement.Disabled);
  });

  it("makes no announcement on an Apple TV 3", () => {
    expect(
      companionAnnouncement({ ...TVOS14, model: "AppleTV3,1", osVersion: "8.4.4" }, 49153),
    ).toBeUndefined();
  });
});
