import { lookupModel, lookupOs, OperatingSystem } from "@atv/interface";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { AirPlayStatusFlag } from "../access.js";
import { AIRPLAY_SERVICE_TYPE } from "../scan.js";

/** Who pairs with the receiver: anyone with the PIN on screen, anyone at all, or only home members. */
export type AirPlayPairingMode = "pin" | "none" | "home-only";

/** The facts about a simulated device that its AirPlay (and RAOP) announcements carry. */
export interface AirPlayFakeIdentity {
  readonly name: string;
  /** Model identifier, e.g. "AppleTV6,2"; "AppleTV3,x" makes an Apple TV 3 announcement. */
  readonly model: string;
  /** OS version, e.g. "14.7"; tvOS 17 and later announce a newer key set. */
  readonly osVersion: string;
  /** MAC address, "AA:BB:CC:DD:EE:FF"; the AirPlay device id. */
  readonly mac: string;
  /** Ed25519 public key, 64 hex digits. */
  readonly publicKey: string;
  /** Public AirPlay pairing identity ("pi"), a UUID. */
  readonly airplayPairingIdentity: string;
  /** Public system pairing identity ("psi"), a UUID; AirPlay 2 receivers only. */
  readonly systemPairingIdentity?: string;
  /** AirPlay group id ("gid"), a UUID; AirPlay 2 receivers only. */
  readonly airplayGroupId?: string;
  readonly bluetoothAddress?: string;
  /** Default: "pin" on tvOS, "none" on an Apple TV 3 (as they ship). */
  readonly airplayPairing?: AirPlayPairingMode;
  /** Whether AirPlay asks for a password. */
  readonly airplayPassword?: boolean;
}

/**
 * Which of the recorded TXT sets a device announces: "legacy" for Apple TV 2/3 (recorded
 * on 8.4.4), "tvos" for tvOS before 17 (recorded on 14.7), "tvos17" for tvOS 17 and later.
 */
export type ReceiverGeneration = "legacy" | "tvos" | "tvos17";

export function receiverGeneration(device: {
  readonly model: string;
  readonly osVersion: string;
}): ReceiverGeneration {
  // Apple TV 2/3 and AirPort Express: AirPlay 1 receivers.
  const os = lookupOs(lookupModel(device.model));
  if (os === OperatingSystem.Legacy || os === OperatingSystem.AirPortOS) return "legacy";
  return Number.parseInt(device.osVersion, 10) >= 17 ? "tvos17" : "tvos";
}

/** The status flags a device announces without any access options applied. */
const BASE_STATUS_FLAGS: Record<ReceiverGeneration, bigint> = {
  legacy: 0x44n,
  tvos: 0x244n,
  tvos17: 0x644n,
};

/**
 * Applies a device's pairing and password options to status flags ("flags" or "sf"):
 * "none" clears the PIN and pairing bits, "pin" makes sure one is set.
 */
export function applyAccessFlags(
  base: bigint,
  device: Pick<AirPlayFakeIdentity, "model" | "osVersion" | "airplayPairing" | "airplayPassword">,
): bigint {
  const pairingBits = AirPlayStatusFlag.LegacyPairing | AirPlayStatusFlag.PinRequired;
  const mode = device.airplayPairing ?? defaultPairingMode(device);
  let flags = base;
  if (mode === "none") flags &= ~pairingBits;
  else if (mode === "pin" && (flags & pairingBits) === 0n) flags |= AirPlayStatusFlag.PinRequired;
  if (device.airplayPassword) flags |= AirPlayStatusFlag.PasswordRequired;
  return flags;
}

function defaultPairingMode(device: { model: string; osVersion: string }): AirPlayPairingMode {
  return receiverGeneration(device) === "legacy" ? "none" : "pin";
}

/** Formats flags as devices do: "0x644". */
export function formatFlags(flags: bigint): string {
  return `0x${flags.toString(16).toUpperCase()}`;
}

/**
 * The _airplay._tcp announcement of a real device of this kind. Key sets: Apple TV 3 from
 * pyatv's scripts/fake_device.py, tvOS 14 from pyatv's docs (protocols.md, an Apple TV 4K
 * on 14.7), tvOS 17 from a recorded Apple TV 4K on 17.4.
 */
export function airplayAnnouncement(
  device: AirPlayFakeIdentity,
  port: number,
): ServiceAnnouncement {
  const generation = receiverGeneration(device);
  const flags = formatFlags(applyAccessFlags(BASE_STATUS_FLAGS[generation], device));
  const properties: Record<string, string> = {};

  if (generation === "legacy") {
    Object.assign(properties, {
      deviceid: device.mac,
      features: "0x5A7FFFF7,0xE",
      flags,
      model: device.model,
      pi: device.airplayPairingIdentity,
      pk: device.publicKey,
      srcvers: "220.68",
      osvers: device.osVersion,
      vv: "2",
    });
  } else {
    const modern = generation === "tvos17";
    Object.assign(properties, {
      acl: "0",
      btaddr: device.bluetoothAddress ?? "00:00:00:00:00:00",
      deviceid: device.mac,
      fex: modern ? "1d9/St5/F7w4oQY" : "1d9/St5fFTw",
      features: modern ? "0x4A7FDFD5,0xBC177FDE" : "0x4A7FDFD5,0x3C155FDE",
      flags,
      igl: "1",
      gcgl: "1",
      model: device.model,
      protovers: "1.1",
      pi: device.airplayPairingIdentity,
      pk: device.publicKey,
      srcvers: modern ? "760.20.1" : "550.10",
      osvers: device.osVersion,
      vv: modern ? "1" : "2",
    });
    if (device.systemPairingIdentity) properties.psi = device.systemPairingIdentity;
    if (device.airplayGroupId) properties.gid = device.airplayGroupId;
  }
  if (device.airplayPairing === "home-only") properties.acl = "1";

  return { type: AIRPLAY_SERVICE_TYPE, name: device.name, port, properties };
}
