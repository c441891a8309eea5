import {
  DeviceInfo,
  DeviceModel,
  OperatingSystem,
  PairingRequirement,
  PlainProperties,
  Protocol,
  type Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { DMAP_SERVICE_TYPE, dmapScanPlugin, HOMESHARING_SERVICE_TYPE } from "../scan.js";
import { type DmapFakeIdentity, dmapAnnouncements } from "./announcement.js";

const ATV3: DmapFakeIdentity = {
  name: "Kitchen",
  model: "AppleTV3,1",
  dmapIdentifier: "6D5D2D6EE3C7D9D1",
  homeSharingId: "00000000-1111-2222-3333-444444444444",
};

/** Scans the announcements as one device, merging same-protocol services as pyatv does. */
function scan(device: DmapFakeIdentity) {
  let merged: Service | undefined;
  const names: string[] = [];
  const fields = {};
  for (const announcement of dmapAnnouncements(device, 3689)) {
    const found = {
      type: announcement.type,
      name: announcement.name,
      address: "127.0.0.1",
      port: announcement.port,
      properties: new PlainProperties(announcement.properties),
    };
    const result = dmapScanPlugin.serviceTypes[found.type]!.handle(found, {
      address: "127.0.0.1",
      services: [found],
      deepSleep: false,
      model: undefined,
    })!;
    names.push(result.name);
    expect(result.service.identifier).toBe(device.dmapIdentifier);
    Object.assign(fields, dmapScanPlugin.deviceInfo(found.type, found.properties));
    if (merged) merged.merge(result.service);
    else merged = result.service;
  }
  if (merged) {
    const services = new Map<Protocol, Service>([[Protocol.DMAP, merged]]);
    dmapScanPlugin.serviceInfo(merged, new DeviceInfo(fields), services);
  }
  return { names, service: merged, info: new DeviceInfo(fields) };
}

describe("dmapAnnouncements", () => {
  it("announces touch-able and Home Sharing on an Apple TV 3", () => {
    const announcements = dmapAnnouncements(ATV3, 3689);
    expect(announcements.map((a) => a.type)).toEqual([DMAP_SERVICE_TYPE, HOMESHARING_SERVICE_TYPE]);
    expect(announcements.every((a) => a.port === 3689 && a.name === ATV3.dmapIdentifier)).toBe(
      true,
    );

    const { names, service, info } = scan(ATV3);
    expect(names).toEqual(["Kitchen", "Kitchen"]);
    expect(service?.identifier).toBe(ATV3.dmapIdentifier);
    expect(service?.credentials).toBe(ATV3.homeSharingId);
    expect(service?.pairing).toBe(PairingRequirement.Optional);
    expect(info.operatingSystem).toBe(OperatingSystem.Legacy);
    expect(info.model).toBe(DeviceModel.Unknown);
  });

  it("announces only touch-able with Home Sharing off, which needs pairing", () => {
    const device = { ...ATV3, homeSharingId: undefined };
    expect(dmapAnnouncements(device, 3689).map((a) => a.type)).toEqual([DMAP_SERVICE_TYPE]);
    const { names, service } = scan(device);
    expect(names).toEqual(["Kitchen"]);
    expect(service?.credentials).toBeUndefined();
    expect(service?.pairing).toBe(PairingRequirement.Mandatory);
  });

  it("announces nothing on tvOS devices", () => {
    expect(dmapAnnouncements({ ...ATV3, model: "AppleTV6,2" }, 3689)).toEqual([]);
  });
});
