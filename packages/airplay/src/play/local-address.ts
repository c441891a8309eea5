// The local address a device can reach us on, for URLs we hand it (a served file).
// pyatv (support/net.py, get_local_address_reaching) looks for an IPv4 interface in the
// same subnet as the device. Here the OS's routing table answers instead: connecting a UDP
// socket picks the route and the source address, and sends nothing (a UDP connect only
// records the peer), so this also works for devices behind a router and for IPv6.

import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { AbortOptions } from "@atv/interface";

// Any port will do, nothing is sent; 9 is "discard".
const PROBE_PORT = 9;

/**
 * The local address the OS would use to reach `host` (an address or a name). A loopback
 * host gives "127.0.0.1", so that a device on this machine (a fake) is reached over
 * loopback.
 */
export async function localAddressReaching(
  host: string,
  options: AbortOptions = {},
): Promise<string> {
  options.signal?.throwIfAborted();
  const address = isIP(host) === 0 ? (await lookup(host)).address : host;
  options.signal?.throwIfAborted();
  if (isLoopback(address)) return "127.0.0.1";
  const socket = createSocket(isIP(address) === 6 ? "udp6" : "udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(PROBE_PORT, address, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const local = socket.address().address;
    // A link-local IPv6 source needs its zone to be usable in a URL; drop it, as the
    // device's side has its own zone for us.
    return local.split("%", 1)[0]!;
  } finally {
    socket.close();
  }
}

function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith("127.");
  const lower = address.toLowerCase();
  return lower === "::1" || lower.startsWith("::ffff:127.");
}
