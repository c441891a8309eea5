import { isIPv4 } from "node:net";
import { networkInterfaces } from "node:os";

/** An IPv4 address of this machine with its netmask. */
export interface LocalInterface {
  readonly address: string;
  readonly netmask: string;
}

/** The IPv4 addresses of this machine's interfaces, loopback included. */
export function systemInterfaces(): LocalInterface[] {
  const out: LocalInterface[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const entry of addresses ?? []) {
      if (entry.family === "IPv4") out.push({ address: entry.address, netmask: entry.netmask });
    }
  }
  return out;
}

/** An IPv4 address as an unsigned 32-bit number, or undefined if it is not one. */
export function ipv4ToNumber(address: string): number | undefined {
  if (!isIPv4(address)) return undefined;
  return address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function isLoopback(address: string): boolean {
  return isIPv4(address) && address.startsWith("127.");
}

/** 169.254.0.0/16 (RFC 3927): self-assigned, usually an interface without a real network. */
export function isLinkLocal(address: string): boolean {
  return isIPv4(address) && address.startsWith("169.254.");
}

/** Whether `host` is inside the subnet of one of `interfaces`. */
export function isInLocalSubnet(host: string, interfaces: readonly LocalInterface[]): boolean {
  const target = ipv4ToNumber(host);
  if (target === undefined) return false;
  return interfaces.some(({ address, netmask }) => {
    const local = ipv4ToNumber(address);
    const mask = ipv4ToNumber(netmask);
    if (local === undefined || mask === undefined) return false;
    // >>> 0 keeps the 32-bit AND unsigned, so 255.x masks compare as numbers.
    return (local & mask) >>> 0 === (target & mask) >>> 0;
  });
}
