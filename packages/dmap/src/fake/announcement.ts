import { lookupModel, lookupOs, OperatingSystem } from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { DMAP_SERVICE_TYPE, HOMESHARING_SERVICE_TYPE } from "../scan.js";

/** The facts about a simulated device that its DMAP announcements carry. */
export interface DmapFakeIdentity {
  readonly name: string;
  /** Model identifier; only Apple TV 2/3 ("AppleTV3,1") speak DMAP. */
  readonly model: string;
  /** DMAP id, 16 hex digits: the instance name of both services, and the database id. */
  readonly dmapIdentifier: string;
  /** Home Sharing group id ("hG"), a UUID; without it Home Sharing is off. */
  readonly homeSharingId?: string;
}

/**
 * The DMAP announcements of a real device of this kind: _touch-able._tcp always and
 * _appletv-v2._tcp while Home Sharing is on, on Apple TV 2/3 only (none for tvOS devices).
 * Key sets: _touch-able from a published Apple TV 3 capture, _appletv-v2 from pyatv's
 * scripts/fake_device.py.
 */
export function dmapAnnouncements(device: DmapFakeIdentity, port: number): ServiceAnnouncement[] {
  if (lookupOs(lookupModel(device.model)) !== OperatingSystem.Legacy) return [];

  const announcements: ServiceAnnouncement[] = [
    {
      type: DMAP_SERVICE_TYPE,
      name: device.dmapIdentifier,
      port,
      properties: {
        txtvers: "1",
        Ver: "131077",
        DbId: device.dmapIdentifier,
        DvSv: "1792",
        DvTy: "AppleTV",
        CtlN: device.name,
        atSV: "65541",
        atCV: "65539",
      },
    },
  ];
  if (device.homeSharingId) {
    announcements.push({
      type: HOMESHARING_SERVICE_TYPE,
      name: device.dmapIdentifier,
      port,
      properties: {
        DFID: "2",
        PrVs: "65538",
        hG: device.homeSharingId,
        Name: device.name,
        txtvers: "1",
        atSV: "65541",
        MiTPV: "196611",
        EiTS: "1",
        fs: "2",
        MniT: "167845888",
      },
    });
  }
  return announcements;
}
