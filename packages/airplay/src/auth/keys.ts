// Session keys of the AirPlay channels, derived from the secret a pair-verify (or a
// transient pair-setup) agreed on. Strings from pyatv's protocols/airplay/auth/__init__.py
// (control) and ap2_session.py (events, data stream).

import type { SessionKeys, SharedSecret } from "@atv/hap";

export const CONTROL_SALT = "Control-Salt";
export const CONTROL_OUTPUT_INFO = "Control-Write-Encryption-Key";
export const CONTROL_INPUT_INFO = "Control-Read-Encryption-Key";

export const EVENTS_SALT = "Events-Salt";
export const EVENTS_WRITE_INFO = "Events-Write-Encryption-Key";
export const EVENTS_READ_INFO = "Events-Read-Encryption-Key";

/** The data stream's salt; the decimal seed sent in its SETUP request is appended. */
export const DATASTREAM_SALT = "DataStream-Salt";
export const DATASTREAM_OUTPUT_INFO = "DataStream-Output-Encryption-Key";
export const DATASTREAM_INPUT_INFO = "DataStream-Input-Encryption-Key";

/** Which end of a channel the keys are for: the device's are the client's, swapped. */
export const KeySide = {
  Client: "client",
  Device: "device",
} as const;
export type KeySide = (typeof KeySide)[keyof typeof KeySide];

function forSide(keys: SessionKeys, side: KeySide): SessionKeys {
  return side === KeySide.Client ? keys : { outputKey: keys.inputKey, inputKey: keys.outputKey };
}

/** Keys of the control connection (the HTTP/RTSP connection that was verified). */
export function controlKeys(secret: SharedSecret, side: KeySide = KeySide.Client): SessionKeys {
  return forSide(secret.sessionKeys(CONTROL_SALT, CONTROL_OUTPUT_INFO, CONTROL_INPUT_INFO), side);
}

/**
 * Keys of the event channel. The receiver opens that channel's traffic, so the client
 * encrypts with the Read info and decrypts with the Write info (pyatv: "Read/Write info
 * reversed here as connection originates from receiver").
 */
export function eventsKeys(secret: SharedSecret, side: KeySide = KeySide.Client): SessionKeys {
  return forSide(secret.sessionKeys(EVENTS_SALT, EVENTS_READ_INFO, EVENTS_WRITE_INFO), side);
}

/**
 * Keys of the data stream channel. `seed` is the 64-bit random number the client sent in
 * the channel's SETUP request; it joins the salt in decimal ("DataStream-Salt1234").
 */
export function dataStreamKeys(
  secret: SharedSecret,
  seed: bigint | number,
  side: KeySide = KeySide.Client,
): SessionKeys {
  if (typeof seed === "number" ? !Number.isSafeInteger(seed) || seed < 0 : seed < 0n) {
    throw new RangeError(`data stream seed must be a non-negative integer, got ${seed}`);
  }
  const salt = DATASTREAM_SALT + seed.toString(10);
  return forSide(secret.sessionKeys(salt, DATASTREAM_OUTPUT_INFO, DATASTREAM_INPUT_INFO), side);
}
