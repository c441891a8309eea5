import { lookupModel, lookupOs, OperatingSystem } from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { COMPANION_SERVICE_TYPE } from "../scan.js";

/** The facts about a simulated device that its Companion announcement carries. */
export interface CompanionFakeIdentity {
  readonly name: string;
  /** Model identifier, e.g. "AppleTV6,2". */
  readonly model: string;
  /** OS version, e.g. "14.7"; tvOS 16 and later announce their system pairing identity. */
  readonly osVersion: string;
  /** Public system pairing identity, a UUID (AirPlay's "psi"); Companion's "rpMRtID". */
  readonly systemPairingIdentity?: string;
  readonly bluetoothAddress?: string;
  /** Who may pair: anyone with the PIN on screen (default) or only members of the home. */
  readonly companionPairing?: "pin" | "home-only";
}

/**
 * The _companion-link._tcp announcement of a real device of this kind, or undefined for
 * Apple TV 2/3, which have no Companion link. Key sets: tvOS before 17 from pyatv's
 * scripts/fake_device.py, tvOS 17 from a recorded Apple TV 4K on 17.4. The rotating values
 * (rpHA, rpHN, rpAD, rpHI) are fixed samples: nothing reads them.
 */
export function companionAnnouncement(
  device: CompanionFakeIdentity,
  port: number,
): ServiceAnnouncement | undefined {
  if (lookupOs(lookupModel(device.model)) === OperatingSystem.Legacy) return undefined;
  const major = Number.parseInt(device.osVersion, 10);
  const homeOnly = device.companionPairing === "home-only";

  const properties: Record<string, string> =
    major >= 17
      ? {
          rpBA: device.bluetoothAddress ?? "57:46:6D:57:B4:50",
          rpHI: "d3660be33890",
          rpAD: "404149af4259",
          rpVr: "543.1",
          rpMd: device.model,
          rpHA: "1b4700ce1a10",
          rpFl: homeOnly ? "0x627B6" : "0xB67A2",
          rpHN: "5c9257b8eae5",
          rpMac: "0",
        }
      : {
          rpMac: "1",
          rpHA: "9948cfb6da55",
          rpHN: "88f979f04023",
          rpVr: "230.1",
          rpMd: device.model,
          rpFl: homeOnly ? "0x627B6" : "0x36782",
          rpAD: "657c1b9d3484",
          rpHI: "91756a18d8e5",
          rpBA: device.bluetoothAddress ?? "9D:19:F9:74:65:EA",
        };
  // pyatv saw a static rpMRtID from tvOS 16 (helpers.py, get_unique_id).
  if (major >= 16 && device.systemPairingIdentity) {
    properties.rpMRtID = device.systemPairingIdentity;
  }
  return { type: COMPANION_SERVICE_TYPE, name: device.name, port, properties };
}
