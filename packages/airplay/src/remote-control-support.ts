// Whether a device can carry MRP through the AirPlay 2 tunnel (pyatv's airplay/utils.py
// is_remote_control_supported).

import { CredentialsType, type HapCredentials } from "@atv/hap";
import type { ServiceProperties } from "@atv/interface";

/**
 * An Apple TV on tvOS 13 or later with HAP credentials, or a HomePod with transient
 * credentials (Apple TVs require a real pairing; HomePods accept only transient ones).
 */
export function isRemoteControlSupported(
  properties: ServiceProperties,
  credentials: HapCredentials,
): boolean {
  const model = properties.get("model") ?? "";
  if (model.startsWith("AudioAccessory")) return credentials.type === CredentialsType.Transient;
  if (!model.startsWith("AppleTV")) return false;
  const major = Number.parseFloat((properties.get("osvers") ?? "0.0").split(".")[0] ?? "0");
  return major >= 13 && credentials.type === CredentialsType.Hap;
}
