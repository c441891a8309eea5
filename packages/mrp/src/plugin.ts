// The plugin contract @atv/core knows MRP by: scanning, pairing and connecting.

import {
  type AppleTV,
  type ConnectOptions,
  type PairOptions,
  Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  type Service,
} from "@atv/interface";
import { connectMrp, type MrpClient } from "./client.js";
import { MrpPairingHandler } from "./pairing.js";
import { mrpScanPlugin } from "./scan.js";

export const mrpPlugin: ProtocolPlugin = {
  ...mrpScanPlugin,

  pair(device: AppleTV, service: Service, options: PairOptions = {}) {
    return new MrpPairingHandler({ ...options, address: device.address, service });
  },

  async connect(
    device: AppleTV,
    service: Service,
    options: ConnectOptions = {},
  ): Promise<ProtocolSession> {
    // What storage's info says of this client goes into DEVICE_INFO, as pyatv's does.
    const { info, ...rest } = options;
    const client = await connectMrp({
      ...rest,
      ...(info ? { name: info.name, systemBuildVersion: info.osBuild } : {}),
      host: device.address,
      port: service.port,
      ...(service.credentials ? { credentials: service.credentials } : {}),
    });
    return mrpSession(client);
  },
};

/** What an MRP client offers core, whichever transport carries it. */
export function mrpSession(client: MrpClient): ProtocolSession {
  return {
    protocol: Protocol.MRP,
    remoteControl: client.remoteControl,
    metadata: client.metadata,
    pushUpdater: client.pushUpdater,
    audio: client.audio,
    power: client.power,
    features: client.features,
    close: () => client.close(),
  };
}
