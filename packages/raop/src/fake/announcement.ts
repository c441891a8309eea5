import { AirPlayFeature, parseFeatures } from "@atv/airplay";
import {
  type AirPlayPairingMode,
  applyAccessFlags,
  formatFlags,
  type ReceiverGeneration,
  receiverGeneration,
} from "@atv/airplay/fake";
import type { ServiceAnnouncement } from "@atv/zeroconf";
import { RAOP_SERVICE_TYPE } from "../scan.js";
import type { FakeRaopVersion } from "./events.js";

/** The facts about a simulated device that its RAOP announcement carries. */
export interface RaopFakeIdentity {
  readonly name: string;
  /** Model identifier, e.g. "AppleTV6,2"; "AppleTV3,x" makes an Apple TV 3 announcement. */
  readonly model: string;
  /** OS version, e.g. "14.7". */
  readonly osVersion: string;
  /** MAC address, "AA:BB:CC:DD:EE:FF"; in hex, it is the id part of the instance name. */
  readonly mac: string;
  /** Ed25519 public key, 64 hex digits. */
  readonly publicKey: string;
  /** As for AirPlay: RAOP announces the same status flags. */
  readonly airplayPairing?: AirPlayPairingMode;
  readonly airplayPassword?: boolean;
}

// Status flags ("sf") before access options: an Apple TV 3 announces 0x4 here where its
// AirPlay service says 0x44; tvOS announces the same value on both.
const BASE_STATUS_FLAGS: Record<ReceiverGeneration, bigint> = {
  legacy: 0x4n,
  tvos: 0x244n,
  tvos17: 0x644n,
};

/**
 * The feature bits that make a sender stream the AirPlay 2 way and verify without stored
 * credentials (pyatv's get_protocol_version: 38 or 48; extract_credentials: 43 or 48).
 */
const V2_FEATURES =
  AirPlayFeature.SupportsUnifiedMediaControl |
  AirPlayFeature.SupportsSystemPairing |
  AirPlayFeature.SupportsCoreUtilsPairingAndEncryption;

export interface RaopAnnouncementOptions {
  /**
   * The receiver's streaming version (FakeRaopReceiverOptions.version). "v2" sets
   * feature bits 38, 43 and 48 in "ft", "v1" clears them, so a sender picks the version
   * the receiver speaks; undefined announces what a real device of this kind announces
   * (tvOS: AirPlay 2 bits set, Apple TV 3: not).
   */
  readonly version?: FakeRaopVersion;
}

/** The version a real device of this kind streams with: AirPlay 2 from tvOS on. */
export function raopVersionOf(
  device: Pick<RaopFakeIdentity, "model" | "osVersion">,
): FakeRaopVersion {
  return receiverGeneration(device) === "legacy" ? "v1" : "v2";
}

/**
 * The _raop._tcp announcement of a real device of this kind. Key sets: Apple TV 3 from
 * pyatv's docs (protocols.md) and a published Apple TV 3 capture, tvOS 17 from a recorded
 * Apple TV 4K on 17.4, tvOS 14 the same keys with the values tvOS 14 announces on AirPlay.
 */
export function raopAnnouncement(
  device: RaopFakeIdentity,
  port: number,
  options: RaopAnnouncementOptions = {},
): ServiceAnnouncement {
  const generation = receiverGeneration(device);
  const sf = formatFlags(applyAccessFlags(BASE_STATUS_FLAGS[generation], device));
  const id = device.mac.replaceAll(":", "").toUpperCase();

  const properties: Record<string, string> =
    generation === "legacy"
      ? {
          txtvers: "1",
          ch: "2",
          cn: "0,1,2,3",
          da: "true",
          et: "0,3,5",
          ft: "0x5A7FFFF7,0xE",
          md: "0,1,2",
          am: device.model,
          pk: device.publicKey,
          pw: device.airplayPassword ? "true" : "false",
          sf,
          sr: "44100",
          ss: "16",
          sv: "false",
          tp: "UDP",
          vn: "65537",
          vs: "220.68",
          vv: "2",
          ov: device.osVersion,
        }
      : {
          vv: generation === "tvos17" ? "1" : "2",
          ov: device.osVersion,
          vs: generation === "tvos17" ? "760.20.1" : "550.10",
          vn: "65537",
          tp: "UDP",
          pk: device.publicKey,
          am: device.model,
          md: "0,1,2",
          sf,
          ft: generation === "tvos17" ? "0x4A7FDFD5,0xBC177FDE" : "0x4A7FDFD5,0x3C155FDE",
          et: "0,3,5",
          da: "true",
          cn: "0,1,2,3",
        };

  if (options.version !== undefined) {
    properties.ft = withV2Features(properties.ft as string, options.version === "v2");
  }
  return { type: RAOP_SERVICE_TYPE, name: `${id}@${device.name}`, port, properties };
}

/** "0xLLLLLLLL,0xHHHHHHHH" with the AirPlay 2 bits set or cleared. */
function withV2Features(ft: string, v2: boolean): string {
  const features = parseFeatures(ft) ?? 0n;
  const changed = v2 ? features | V2_FEATURES : features & ~V2_FEATURES;
  const word = (value: bigint): string =>
    `0x${(value & 0xffffffffn).toString(16).toUpperCase().padStart(8, "0")}`;
  return `${word(changed)},${word(changed >> 32n)}`;
}
