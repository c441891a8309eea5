// The plugin contract @atv/core knows RAOP by: scanning, pairing, and a session offering
// audio streaming (pyatv's protocols/raop/__init__.py pair() and setup()).

import { pairOverAirPlay } from "@atv/airplay";
import type {
  AirPlayVersion,
  AppleTV,
  ProtocolPlugin,
  ProtocolSession,
  Service,
} from "@atv/interface";
import { RaopClient } from "./client/client.js";
import { raopScanPlugin } from "./scan.js";
import { type RaopConnectOptions, raopSession } from "./session.js";

export const raopPlugin: ProtocolPlugin = {
  ...raopScanPlugin,

  /**
   * As pyatv's raop.pair(): AirPlay's pairing (HAP with a PIN for an AirPlay 2 receiver,
   * the legacy scheme for an older one) on the RAOP service's own port. The credentials
   * land on the RAOP service and let streams go the AirPlay 2 way.
   */
  pair: pairOverAirPlay,

  // As pyatv's RAOP, nothing is connected until a file is streamed.
  async connect(
    device: AppleTV,
    service: Service,
    options: RaopConnectOptions = {},
  ): Promise<ProtocolSession> {
    options.signal?.throwIfAborted();
    const client = new RaopClient({
      host: device.address,
      port: service.port,
      credentials: service.credentials,
      password: service.password,
      properties: service.properties,
      protocolVersion: options.raop?.protocolVersion as AirPlayVersion | undefined,
      info: options.info,
      controlPort: options.raop?.controlPort,
      timingPort: options.raop?.timingPort,
      timeout: options.timeout,
      logger: options.logger,
    });
    return raopSession(client);
  },
};
