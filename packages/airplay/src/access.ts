import { PairingRequirement, type Service, type ServiceProperties } from "@atv/interface";

/**
 * Bits of the AirPlay status flags ("sf" on RAOP and AirPlay 1, "flags" on AirPlay 2), per
 * pyatv's protocols/airplay/utils.py and https://openairplay.github.io/airplay-spec/status_flags.html.
 */
export const AirPlayStatusFlag = {
  PinRequired: 0x8n,
  PasswordRequired: 0x80n,
  LegacyPairing: 0x200n,
} as const;
export type AirPlayStatusFlag = (typeof AirPlayStatusFlag)[keyof typeof AirPlayStatusFlag];

// What Python's int(value, 16) accepts, less signs and digit underscores.
const HEX_PATTERN = /^\s*(?:0x)?([0-9a-f]+)\s*$/i;

/**
 * The status flags of a service, from "sf" or else "flags". A value that is not hex counts
 * as no flags: pyatv would raise there and lose the whole scan for one odd device.
 */
export function statusFlags(properties: ServiceProperties): bigint {
  const value = properties.get("sf") || properties.get("flags") || "0x0";
  const match = HEX_PATTERN.exec(value);
  return match ? BigInt(`0x${match[1]}`) : 0n;
}

/** A password is required when "pw" is true or the status flags have the password bit. */
export function isPasswordRequired(properties: ServiceProperties): boolean {
  if ((properties.get("pw") ?? "false").toLowerCase() === "true") return true;
  return (statusFlags(properties) & AirPlayStatusFlag.PasswordRequired) !== 0n;
}

/**
 * Pairing is mandatory when the status flags ask for a PIN or legacy pairing; an access
 * control type ("act") of 2, "current user", is something pyatv cannot pair with; anything
 * else is optimistically taken as not needed (as pyatv does).
 */
export function getPairingRequirement(properties: ServiceProperties): PairingRequirement {
  const wanted = AirPlayStatusFlag.LegacyPairing | AirPlayStatusFlag.PinRequired;
  if ((statusFlags(properties) & wanted) !== 0n) return PairingRequirement.Mandatory;
  if ((properties.get("act") ?? "0") === "2") return PairingRequirement.Unsupported;
  return PairingRequirement.NotNeeded;
}

// Receivers pyatv knows it cannot handle yet (Macs), matched against the "model" value.
const UNSUPPORTED_MODELS = [/^Mac\d+,\d+$/];

/**
 * Sets a service's password requirement and pairing requirement from its own TXT
 * properties, the rules pyatv applies to AirPlay and (through this same function) RAOP.
 */
export function updateServiceDetails(service: Service): void {
  const properties = service.properties;
  service.requiresPassword = isPasswordRequired(properties);

  const model = properties.get("model") ?? "";
  if ((properties.get("acl") ?? "0") === "1") {
    // Access control limits who may pair (e.g. only people in the same home).
    service.pairing = PairingRequirement.Disabled;
  } else if (UNSUPPORTED_MODELS.some((pattern) => pattern.test(model))) {
    service.pairing = PairingRequirement.Unsupported;
  } else {
    service.pairing = getPairingRequirement(properties);
  }
}
