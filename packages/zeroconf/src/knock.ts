import { connect, type Socket } from "node:net";
import { type Logger, silentLogger } from "./logger.js";

/**
 * Ports an Apple TV normally listens on (DMAP, AirPlay, MRP/Companion, ...). pyatv opens
 * TCP connections to them before a unicast scan (core/scan.py KNOCK_PORTS, issues #580
 * and #595): a Bonjour Sleep Proxy wakes the device it stands in for when one of its
 * ports is connected to.
 */
export const DEFAULT_KNOCK_PORTS: readonly number[] = [3689, 7000, 49152, 32498];

/** A knock under way; stop() destroys every socket it still has open. */
export interface Knock {
  stop(): void;
}

/**
 * Opens a TCP connection to each port of `host` and closes it as soon as it connects.
 * Best effort: refused, unreachable or hanging connections are only logged.
 */
export function knock(
  host: string,
  ports: readonly number[],
  logger: Logger = silentLogger,
): Knock {
  const sockets = new Set<Socket>();
  for (const port of ports) {
    logger.debug("knocking on %s:%d", host, port);
    const socket = connect({ host, port });
    sockets.add(socket);
    const finish = () => {
      socket.destroy();
      sockets.delete(socket);
    };
    socket.once("connect", finish);
    socket.once("error", (error) => {
      logger.debug("knock on %s:%d failed: %s", host, port, error.message);
      finish();
    });
  }
  return {
    stop() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
