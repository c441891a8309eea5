// The DMAP pairing code the Apple TV sends to a remote's /pair (facts from pyatv's
// protocols/dmap/pairing.py, _verify_pin).

import { createHash, randomBytes } from "node:crypto";
import { InvalidConfigError } from "@atv/interface";

const GUID_DIGITS = 16;
const MAX_GUID = (1n << 64n) - 1n;

/**
 * A pairing GUID as the 16 upper-case hex digits that go into the TXT record, the code and
 * the credentials. Takes a bigint or hex text with or without "0x"; shorter text is
 * zero-padded. Throws InvalidConfigError for anything that is not a 64-bit value.
 */
export function formatPairingGuid(guid: string | bigint): string {
  let value: bigint;
  if (typeof guid === "bigint") {
    value = guid;
  } else {
    const digits = guid.trim().replace(/^0x/i, "");
    if (!/^[0-9a-f]{1,16}$/i.test(digits)) {
      throw new InvalidConfigError(`pairing GUID must be up to 16 hex digits, not "${guid}"`);
    }
    value = BigInt(`0x${digits}`);
  }
  if (value < 0n || value > MAX_GUID) {
    throw new InvalidConfigError(`pairing GUID must fit in 64 bits: ${value}`);
  }
  return value.toString(16).toUpperCase().padStart(GUID_DIGITS, "0");
}

/** The pairing GUID as a number, for the cmpg tag of the pairing answer. */
export function pairingGuidValue(guid: string | bigint): bigint {
  return BigInt(`0x${formatPairingGuid(guid)}`);
}

/** pyatv's DMAP credentials for a pairing GUID: "0x" and the 16 upper-case hex digits. */
export function dmapCredentials(guid: string | bigint): string {
  return `0x${formatPairingGuid(guid)}`;
}

/** A fresh random pairing GUID (pyatv draws 64 random bits too). */
export function randomPairingGuid(): string {
  return formatPairingGuid(BigInt(`0x${randomBytes(8).toString("hex")}`));
}

/**
 * The PIN's digits as they are hashed: zero-padded to four (pyatv's zfill(4)); longer PINs
 * keep all their digits. Throws InvalidConfigError for anything but a non-negative integer
 * or a string of digits.
 */
export function formatPin(pin: number | string): string {
  const text = typeof pin === "number" ? (Number.isSafeInteger(pin) ? String(pin) : "") : pin;
  if (!/^[0-9]{1,16}$/.test(text)) {
    throw new InvalidConfigError(`PIN must be digits, not "${String(pin)}"`);
  }
  return text.padStart(4, "0");
}

/**
 * The pairing code for a GUID and PIN, as lower-case hex: md5 over the GUID's 16 upper-case
 * hex digits followed by each PIN digit and a NUL byte (pyatv's _verify_pin).
 */
export function dmapPairingCode(pairingGuid: string | bigint, pin: number | string): string {
  let input = formatPairingGuid(pairingGuid);
  for (const digit of formatPin(pin)) input += `${digit}\u0000`;
  return createHash("md5").update(input, "latin1").digest("hex");
}
