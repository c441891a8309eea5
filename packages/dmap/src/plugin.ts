// The plugin contract @atv/core knows DMAP by: scanning, pairing and connecting (pyatv's
// protocols/dmap/__init__.py scan, pair and setup).

import {
  type AppleTV,
  type ConnectOptions,
  type PairOptions,
  Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  type Service,
} from "@atv/interface";
import { connectDmap, type DmapClient } from "./client/client.js";
import { DmapPairingHandler } from "./pairing/index.js";
import { dmapScanPlugin } from "./scan.js";

export const dmapPlugin: ProtocolPlugin = {
  ...dmapScanPlugin,

  pair(_device: AppleTV, service: Service, options: PairOptions = {}) {
    // Announced where the caller says (a unicast scan's responder), else on the network.
    const announceTo = options.announceTo ?? [];
    return new DmapPairingHandler({
      service,
      ...(announceTo.length > 0 ? { announceTo } : { multicast: true }),
      ...(options.pairingGuid !== undefined ? { pairingGuid: options.pairingGuid } : {}),
      ...(options.name ? { remoteName: options.name } : {}),
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  },

  async connect(
    device: AppleTV,
    service: Service,
    options: ConnectOptions = {},
  ): Promise<ProtocolSession | readonly ProtocolSession[]> {
    // Without a pairing GUID or Home Sharing id a device refuses every DMAP request.
    if (service.credentials === undefined) return [];
    const client = await connectDmap({
      host: device.address,
      port: service.port,
      credentials: service.credentials,
      ...(device.identifier !== undefined ? { deviceId: device.identifier } : {}),
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.listener ? { listener: options.listener } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return dmapSession(client);
  },
};

/** The session core sees of a connected DMAP client. */
export function dmapSession(client: DmapClient): ProtocolSession {
  return {
    protocol: Protocol.DMAP,
    metadata: client.metadata,
    remoteControl: client.remoteControl,
    audio: client.audio,
    pushUpdater: client.pushUpdater,
    features: client.features,
    close: () => client.close(),
  };
}
