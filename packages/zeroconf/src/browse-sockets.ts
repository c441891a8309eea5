import type { Socket } from "node:dgram";
import { isIPv4 } from "node:net";
import { isLinkLocal, isLoopback, type LocalInterface } from "./local-network.js";
import type { Logger } from "./logger.js";
import { bindUdpSocket } from "./udp.js";

/** RFC 6762 §11: mDNS packets go out with IP TTL 255. */
const MULTICAST_TTL = 255;

/**
 * The addresses a browse sends from when no interface is named: every IPv4 address but
 * loopback and link-local ones, once each. pyatv opens a socket per private address
 * (core/mdns.py multicast()) so that devices behind every interface are found.
 */
export function browseAddresses(interfaces: readonly LocalInterface[]): string[] {
  const addresses = interfaces
    .map((entry) => entry.address)
    .filter((address) => isIPv4(address) && !isLoopback(address) && !isLinkLocal(address));
  return [...new Set(addresses)];
}

/**
 * A socket on an ephemeral port that multicasts on `address`'s interface, or on the
 * system's choice of interface (bound to 0.0.0.0) without one. Closed again if setting it
 * up fails.
 */
async function multicastSocket(address: string | undefined): Promise<Socket> {
  const socket = await bindUdpSocket({ address: address ?? "0.0.0.0", port: 0 });
  try {
    socket.setMulticastTTL(MULTICAST_TTL);
    socket.setMulticastLoopback(true);
    if (address !== undefined) socket.setMulticastInterface(address);
  } catch (error) {
    socket.close();
    throw error;
  }
  return socket;
}

export interface BrowseSocketOptions {
  /** The one interface address to use; when set, a failure to open it rejects. */
  readonly interface: string | undefined;
  readonly localInterfaces: () => readonly LocalInterface[];
  readonly logger: Logger;
}

/**
 * The sockets a multicast browse sends its queries from: one on `interface` when given;
 * else one per address of browseAddresses() (an address that cannot be used is skipped,
 * as pyatv does), and if that leaves none, one on 0.0.0.0. Never resolves to an empty
 * list; the caller closes every socket.
 */
export async function openBrowseSockets(options: BrowseSocketOptions): Promise<Socket[]> {
  if (options.interface !== undefined) return [await multicastSocket(options.interface)];
  const sockets: Socket[] = [];
  for (const address of browseAddresses(options.localInterfaces())) {
    try {
      sockets.push(await multicastSocket(address));
    } catch (error) {
      options.logger.debug("cannot browse from %s (skipped): %s", address, String(error));
    }
  }
  if (sockets.length === 0) sockets.push(await multicastSocket(undefined));
  return sockets;
}
