// The headers AirPlay receivers expect on pairing requests, as pyatv sends them
// (protocols/airplay/auth/hap.py, hap_transient.py and legacy.py).

import type { OutgoingHeaders } from "../http/types.js";

/** The User-Agent pyatv identifies itself with when pairing (an iOS AirPlay sender's). */
export const AIRPLAY_USER_AGENT = "AirPlay/320.20";

/**
 * Values of the X-Apple-HKP header, which tells a receiver which HomeKit pairing a
 * request belongs to: 3 for a normal (stored) pairing, 4 for a transient one.
 */
export const HkpVersion = {
  Pairing: 3,
  Transient: 4,
} as const;
export type HkpVersion = (typeof HkpVersion)[keyof typeof HkpVersion];

const OCTET_STREAM = "application/octet-stream";
const BINARY_PLIST = "application/x-apple-binary-plist";

/** HAP pair-setup and pair-verify, and their /pair-pin-start. */
export const HAP_PAIRING_HEADERS: OutgoingHeaders = Object.freeze({
  "User-Agent": AIRPLAY_USER_AGENT,
  Connection: "keep-alive",
  "X-Apple-HKP": HkpVersion.Pairing,
  "Content-Type": OCTET_STREAM,
});

/** Transient pair-setup (AirPlay 2 receivers that need no stored pairing). */
export const TRANSIENT_PAIRING_HEADERS: OutgoingHeaders = Object.freeze({
  "User-Agent": AIRPLAY_USER_AGENT,
  Connection: "keep-alive",
  "X-Apple-HKP": HkpVersion.Transient,
  "Content-Type": OCTET_STREAM,
});

/** Legacy pairing's /pair-pin-start: no HKP header, which is how a receiver tells it apart. */
export const LEGACY_PIN_START_HEADERS: OutgoingHeaders = Object.freeze({
  "User-Agent": AIRPLAY_USER_AGENT,
  Connection: "keep-alive",
});

/**
 * Legacy /pair-setup-pin with its binary plist bodies. pyatv builds these headers but
 * (by an oversight in legacy.py's _send_plist) never passes them, so its requests go out
 * with its default User-Agent and no Content-Type; the type given here is the one the body
 * really has.
 */
export const LEGACY_PLIST_HEADERS: OutgoingHeaders = Object.freeze({
  "User-Agent": AIRPLAY_USER_AGENT,
  Connection: "keep-alive",
  "Content-Type": BINARY_PLIST,
});

/** Legacy /pair-verify: raw key bytes, no HKP header. */
export const LEGACY_VERIFY_HEADERS: OutgoingHeaders = Object.freeze({
  "User-Agent": AIRPLAY_USER_AGENT,
  Connection: "keep-alive",
  "Content-Type": OCTET_STREAM,
});
