import { lookupModel, lookupOs, OperatingSystem } from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { MRP_SERVICE_TYPE } from "../scan.js";

/** The facts about a simulated device that its MRP announcement carries. */
export interface MrpFakeIdentity {
  readonly name: string;
  /** Model identifier, e.g. "AppleTV6,2". */
  readonly model: string;
  /** OS version, e.g. "14.7". */
  readonly osVersion: string;
  /** OS build, e.g. "18M60". */
  readonly buildNumber: string;
  /** MAC address, "AA:BB:CC:DD:EE:FF". */
  readonly mac: string;
  /** MRP's unique identifier, a UUID. */
  readonly mrpIdentifier: string;
  /** Public AirPlay pairing identity, a UUID; MRP repeats it. */
  readonly airplayPairingIdentity?: string;
  /** Whether the device lets clients pair over MRP (default true). */
  readonly mrpAllowPairing?: boolean;
}

/**
 * The _mediaremotetv._tcp announcement of a real device of this kind, or undefined for a
 * device that makes none: Apple TV 2/3 (no MRP at all) and tvOS 17 and later. tvOS 15 and
 * 16 still announce it although it no longer works (which the scan handles). Key set from
 * pyatv's scripts/fake_device.py and scripts/atvproxy.py, recorded on tvOS 13.
 */
export function mrpAnnouncement(
  device: MrpFakeIdentity,
  port: number,
): ServiceAnnouncement | undefined {
  const os = lookupOs(lookupModel(device.model));
  if (os === OperatingSystem.Legacy || Number.parseInt(device.osVersion, 10) >= 17) {
    return undefined;
  }
  const properties: Record<string, string> = {
    ModelName: "Apple TV",
    AllowPairing: device.mrpAllowPairing === false ? "NO" : "YES",
    macAddress: device.mac.toLowerCase(),
    BluetoothAddress: "False",
    Name: device.name,
    UniqueIdentifier: device.mrpIdentifier,
    SystemBuildVersion: device.buildNumber,
  };
  if (device.airplayPairingIdentity) {
    properties.LocalAirPlayReceiverPairingIdentity = device.airplayPairingIdentity;
  }
  return { type: MRP_SERVICE_TYPE, name: device.name, port, properties };
}
