import { AirPlayVersion, type ServiceProperties } from "@atv/interface";

/**
 * Bits of the AirPlay feature mask, the "features" (AirPlay) and "ft" (RAOP) TXT values.
 * Names and positions as pyatv's protocols/airplay/utils.py, which took them from
 * https://emanuelecozzi.net/docs/airplay2/features/ (openairplay's list disagrees on some).
 */
export const AirPlayFeature = {
  SupportsAirPlayVideoV1: 1n << 0n,
  SupportsAirPlayPhoto: 1n << 1n,
  SupportsAirPlaySlideShow: 1n << 5n,
  SupportsAirPlayScreen: 1n << 7n,
  SupportsAirPlayAudio: 1n << 9n,
  AudioRedundant: 1n << 11n,
  Authentication_4: 1n << 14n,
  MetadataFeatures_0: 1n << 15n,
  MetadataFeatures_1: 1n << 16n,
  MetadataFeatures_2: 1n << 17n,
  AudioFormats_0: 1n << 18n,
  AudioFormats_1: 1n << 19n,
  AudioFormats_2: 1n << 20n,
  AudioFormats_3: 1n << 21n,
  Authentication_1: 1n << 23n,
  Authentication_8: 1n << 26n,
  SupportsLegacyPairing: 1n << 27n,
  HasUnifiedAdvertiserInfo: 1n << 30n,
  IsCarPlay: 1n << 32n,
  SupportsAirPlayVideoPlayQueue: 1n << 33n,
  SupportsAirPlayFromCloud: 1n << 34n,
  SupportsTLS_PSK: 1n << 35n,
  SupportsUnifiedMediaControl: 1n << 38n,
  SupportsBufferedAudio: 1n << 40n,
  SupportsPTP: 1n << 41n,
  SupportsScreenMultiCodec: 1n << 42n,
  SupportsSystemPairing: 1n << 43n,
  IsAPValeriaScreenSender: 1n << 44n,
  SupportsHKPairingAndAccessControl: 1n << 46n,
  SupportsCoreUtilsPairingAndEncryption: 1n << 48n,
  SupportsAirPlayVideoV2: 1n << 49n,
  MetadataFeatures_3: 1n << 50n,
  SupportsUnifiedPairSetupandMFi: 1n << 51n,
  SupportsSetPeersExtendedMessage: 1n << 52n,
  SupportsAPSync: 1n << 54n,
  SupportsWoL: 1n << 55n,
  SupportsWoL2: 1n << 56n,
  SupportsHangdogRemoteControl: 1n << 58n,
  SupportsAudioStreamConnectionSetup: 1n << 59n,
  SupportsAudioMetadataControl: 1n << 60n,
  SupportsRFC2198Redundancy: 1n << 61n,
} as const;
export type AirPlayFeature = (typeof AirPlayFeature)[keyof typeof AirPlayFeature];

// "0xLOW" or "0xLOW,0xHIGH", each half at most 32 bits (as pyatv accepts them).
const FEATURES_PATTERN = /^0x([0-9A-Fa-f]{1,8})(?:,0x([0-9A-Fa-f]{1,8}))?$/;

/**
 * Parses a feature string ("0x5A7FFFF7,0xE" means 0xE_5A7FFFF7) into a 64-bit mask, or
 * undefined when the string has neither form.
 */
export function parseFeatures(features: string): bigint | undefined {
  const match = FEATURES_PATTERN.exec(features);
  if (!match) return undefined;
  const low = BigInt(`0x${match[1]}`);
  const high = match[2] === undefined ? 0n : BigInt(`0x${match[2]}`);
  return (high << 32n) | low;
}

export function hasFeature(features: bigint, feature: AirPlayFeature): boolean {
  return (features & feature) === feature;
}

/** Major AirPlay protocol version a receiver speaks (pyatv's AirPlayMajorVersion). */
export const AirPlayMajorVersion = {
  AirPlayV1: 1,
  AirPlayV2: 2,
} as const;
export type AirPlayMajorVersion = (typeof AirPlayMajorVersion)[keyof typeof AirPlayMajorVersion];

/**
 * The AirPlay version to speak with a service: the preferred one if a version is forced,
 * else a guess from its feature mask ("ft" for RAOP, "features" for AirPlay), version 2 when
 * unified media control or CoreUtils pairing is announced. The guess is pyatv's own
 * (get_protocol_version); how to tell for certain is not known. A feature string that does
 * not parse counts as no features, where pyatv would raise.
 */
export function detectAirPlayVersion(
  properties: ServiceProperties,
  preferred: AirPlayVersion = AirPlayVersion.Auto,
): AirPlayMajorVersion {
  if (preferred === AirPlayVersion.V1) return AirPlayMajorVersion.AirPlayV1;
  if (preferred === AirPlayVersion.V2) return AirPlayMajorVersion.AirPlayV2;
  const features = parseFeatures(properties.get("ft") || properties.get("features") || "0x0");
  if (
    features !== undefined &&
    (hasFeature(features, AirPlayFeature.SupportsUnifiedMediaControl) ||
      hasFeature(features, AirPlayFeature.SupportsCoreUtilsPairingAndEncryption))
  ) {
    return AirPlayMajorVersion.AirPlayV2;
  }
  return AirPlayMajorVersion.AirPlayV1;
}
