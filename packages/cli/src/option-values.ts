import { isIPv4 } from "node:net";
import { Protocol } from "@atv/interface";
import { UsageError } from "./usage-error.js";

/** Protocol names as the CLIs spell them (pyatv: the enum names in lower case). */
export const PROTOCOL_NAMES = ["dmap", "mrp", "airplay", "companion", "raop"] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

const BY_NAME: Record<ProtocolName, Protocol> = {
  dmap: Protocol.DMAP,
  mrp: Protocol.MRP,
  airplay: Protocol.AirPlay,
  companion: Protocol.Companion,
  raop: Protocol.RAOP,
};

export function parseProtocol(value: string): Protocol {
  const protocol = BY_NAME[value.toLowerCase() as ProtocolName];
  if (protocol === undefined) {
    throw new UsageError(`Valid protocols are: ${PROTOCOL_NAMES.join(", ")}`);
  }
  return protocol;
}

/** A comma-separated protocol list (pyatv's --scan-protocols). */
export function parseProtocols(value: string): Protocol[] {
  return [...new Set(value.split(",").map(parseProtocol))];
}

/** The CLI spelling of a protocol ("mrp"). */
export function protocolName(protocol: Protocol): ProtocolName {
  const entry = Object.entries(BY_NAME).find(([, p]) => p === protocol);
  if (!entry) throw new RangeError(`unknown protocol ${protocol}`);
  return entry[0] as ProtocolName;
}

/** Comma-separated IPv4 addresses, each checked (as pyatv's VerifyScanHosts). */
export function parseHosts(value: string): string[] {
  const hosts = value.split(",").map((h) => h.trim());
  for (const host of hosts) {
    if (!isIPv4(host)) throw new UsageError(`'${host}' does not appear to be an IPv4 address`);
  }
  return hosts;
}

/** An integer option in [lower, upper), checked as pyatv's _in_range does. */
export function parseIntInRange(
  label: string,
  value: string,
  lower: number,
  upper: number,
): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < lower || n >= upper) {
    throw new UsageError(`argument ${label}: Must be greater >= ${lower} and < ${upper}`);
  }
  return n;
}
