import { isIPv4 } from "node:net";
import { InvalidConfigError } from "@atv/interface";
import { ipv4ToNumber } from "./local-network.js";

// Option checks shared by the scans and the responder. They run before any socket is
// opened, so a bad option is an InvalidConfigError, never a Node error thrown half-way
// through with a socket left open.

/** A UDP/TCP port: an integer 1–65535 (0 as well where "any free port" makes sense). */
export function checkPort(what: string, value: number, allowZero = false): number {
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(value) || value < min || value > 0xffff) {
    throw new InvalidConfigError(`${what} must be an integer ${min}–65535, not ${value}`);
  }
  return value;
}

/** A wait in milliseconds: finite and not negative. */
export function checkTimeout(value: number, what = "timeout"): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidConfigError(`${what} must be a finite number of ms ≥ 0, not ${value}`);
  }
  return value;
}

export function checkIPv4(what: string, value: string): string {
  if (typeof value !== "string" || !isIPv4(value)) {
    throw new InvalidConfigError(`${what} must be an IPv4 address, not ${String(value)}`);
  }
  return value;
}

/** An IPv4 multicast group address (224.0.0.0/4). */
export function checkMulticastGroup(value: string): string {
  checkIPv4("group", value);
  const first = (ipv4ToNumber(value) ?? 0) >>> 28;
  if (first !== 0xe) throw new InvalidConfigError(`group must be a multicast address: ${value}`);
  return value;
}

/** Runs an encoder of caller-given names; a name it cannot encode is a config error. */
export function encodeOption<T>(what: string, encode: () => T): T {
  try {
    return encode();
  } catch (cause) {
    throw new InvalidConfigError(`cannot encode ${what}`, { cause });
  }
}
