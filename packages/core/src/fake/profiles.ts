import { createHash } from "node:crypto";
import { ed25519KeyPairFromSeed } from "@atv/hap";
import { Protocol } from "@atv/interface";

/** The kinds of device the fake can be. */
export const FAKE_PROFILES = ["tvos14", "tvos17", "atv3", "speaker"] as const;
export type FakeProfile = (typeof FAKE_PROFILES)[number];

/** What a device's announcements say about it (the protocol fakes' identity fields). */
export interface FakeIdentity {
  readonly name: string;
  /** Model identifier, e.g. "AppleTV6,2". */
  readonly model: string;
  /** Apple's internal board name, announced by _device-info._tcp, e.g. "J105aAP". */
  readonly internalName: string;
  readonly osVersion: string;
  readonly buildNumber: string;
  readonly mac: string;
  /** The device's long-term Ed25519 seed, 32 bytes as hex (its pairing key). */
  readonly seed: string;
  /** The Ed25519 public key of `seed`, as hex (AirPlay's and RAOP's "pk"). */
  readonly publicKey: string;
  readonly mrpIdentifier: string;
  readonly airplayPairingIdentity: string;
  readonly systemPairingIdentity: string;
  readonly airplayGroupId: string;
  readonly bluetoothAddress: string;
  readonly dmapIdentifier: string;
  readonly homeSharingId?: string;
}

interface ProfileFacts {
  readonly defaultName: string;
  readonly model: string;
  readonly internalName: string;
  readonly osVersion: string;
  readonly buildNumber: string;
  readonly homeSharing: boolean;
  /** The protocols it offers, when fewer than its model's announcements would say. */
  readonly protocols?: readonly Protocol[];
}

// Builds that pyatv's version table knows, so scans report a version for them.
const PROFILE_FACTS: Record<FakeProfile, ProfileFacts> = {
  tvos14: {
    defaultName: "Living Room",
    model: "AppleTV6,2",
    internalName: "J105aAP",
    osVersion: "14.7",
    buildNumber: "18M60",
    homeSharing: false,
  },
  tvos17: {
    defaultName: "Bedroom",
    model: "AppleTV11,1",
    internalName: "J305AP",
    osVersion: "17.4",
    buildNumber: "21L227",
    homeSharing: false,
  },
  atv3: {
    defaultName: "Kitchen",
    model: "AppleTV3,2",
    internalName: "J33IAP",
    osVersion: "8.4.4",
    buildNumber: "12H847",
    homeSharing: true,
  },
  // An AirPlay speaker, an AirPort Express as pyatv knows it (AirPort10,115): AirPlay and
  // RAOP only, AirPlay 1 style, as speakers and shairport-sync announce themselves.
  speaker: {
    defaultName: "Speaker",
    model: "AirPort10,115",
    internalName: "AirPort10,115",
    osVersion: "7.8.1",
    buildNumber: "78.1",
    homeSharing: false,
    protocols: [Protocol.AirPlay, Protocol.RAOP],
  },
};

/** The protocols a fake of `profile` serves; undefined: all its model announces. */
export function profileProtocols(profile: FakeProfile): readonly Protocol[] | undefined {
  return PROFILE_FACTS[profile].protocols;
}

/**
 * The identity of a fake device of `profile` named `name`. Identifiers are derived from
 * the name, profile and address, so they are stable from run to run (tests can rely on
 * them) yet differ between two fakes on one machine.
 */
export function fakeIdentity(profile: FakeProfile, address: string, name?: string): FakeIdentity {
  const facts = PROFILE_FACTS[profile];
  const deviceName = name ?? facts.defaultName;
  const seed = createHash("sha256").update(`${profile}\0${address}\0${deviceName}`).digest();
  const hex = seed.toString("hex").toUpperCase();
  const uuid = (offset: number) => {
    const h = createHash("sha256").update(seed).update(String(offset)).digest("hex").toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  };
  // A locally administered unicast MAC (bit 1 of the first octet set, bit 0 clear).
  const macBytes = [...seed.subarray(0, 6)];
  macBytes[0] = ((macBytes[0] ?? 0) & 0xfc) | 0x02;
  const mac = macBytes.map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
  const deviceSeed = createHash("sha256").update(seed).update("ed25519").digest();
  return {
    name: deviceName,
    model: facts.model,
    internalName: facts.internalName,
    osVersion: facts.osVersion,
    buildNumber: facts.buildNumber,
    mac,
    seed: deviceSeed.toString("hex"),
    publicKey: Buffer.from(ed25519KeyPairFromSeed(deviceSeed).publicKey).toString("hex"),
    mrpIdentifier: uuid(1),
    airplayPairingIdentity: uuid(2),
    systemPairingIdentity: uuid(3),
    airplayGroupId: uuid(4),
    bluetoothAddress: mac.replace(/^..:/, "5A:"),
    dmapIdentifier: hex.slice(0, 16),
    ...(facts.homeSharing ? { homeSharingId: uuid(5) } : {}),
  };
}
