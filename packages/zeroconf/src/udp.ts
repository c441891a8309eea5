import { createSocket, type Socket, type SocketOptions } from "node:dgram";
import { isIPv4 } from "node:net";

export interface UdpBindOptions {
  readonly address: string;
  readonly port: number;
  readonly reuseAddr?: boolean;
}

/** A bound IPv4 UDP socket; rejects if binding fails. */
export function bindUdpSocket(options: UdpBindOptions): Promise<Socket> {
  const socket = createSocket({
    type: "udp4",
    reuseAddr: options.reuseAddr ?? false,
    lookup: literalLookup,
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once("error", onError);
    socket.bind(options.port, options.address, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

type Lookup = NonNullable<SocketOptions["lookup"]>;

/**
 * dgram passes every address it binds or sends to through a lookup, by default dns.lookup:
 * loading node:dns for it (and c-ares, which reads /etc/resolv.conf) costs a cold scan
 * ~2 ms, while mDNS only ever uses IPv4 literals. A name still resolves through node:dns.
 */
const literalLookup: Lookup = (hostname, options, callback) => {
  if (isIPv4(hostname)) {
    // Later, as dns.lookup answers: dgram may not expect its callback inside bind().
    process.nextTick(callback, null, hostname, 4);
    return;
  }
  import("node:dns").then(
    (dns) => dns.lookup(hostname, options, callback),
    (error: NodeJS.ErrnoException) => callback(error, "", 4),
  );
};
