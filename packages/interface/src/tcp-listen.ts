// Starting a TCP server on an address and learning its port: one place for every fake
// device and listener.

import type { Server } from "node:net";

/**
 * Listens on `address:port` (port 0: any free one) and resolves with the port bound; a
 * failure to listen (address in use, no such address) rejects with the server's error.
 */
export function tcpListen(server: Server, address: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      const bound = server.address();
      if (bound === null || typeof bound === "string") {
        reject(new Error("the server has no TCP port"));
        return;
      }
      resolve(bound.port);
    });
  });
}
