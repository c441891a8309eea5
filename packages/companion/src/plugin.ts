// The plugin contract @atv/core knows Companion by: scanning, pairing, and a session that
// offers the device's apps, user accounts, power, remote control, volume, keyboard, touch
// gestures and features (pyatv's companion/__init__.py).

import {
  type AppleTV,
  type ConnectOptions,
  type PairOptions,
  Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  type Service,
} from "@atv/interface";
import type { CompanionUserAccounts } from "./client/accounts.js";
import { type CompanionClient, connectCompanion } from "./client/client.js";
import { CompanionConnection } from "./client/connection.js";
import { CompanionPairingHandler } from "./client/pairing-handler.js";
import { companionScanPlugin } from "./scan.js";

export const companionPlugin: ProtocolPlugin = {
  ...companionScanPlugin,

  pair(device: AppleTV, service: Service, options: PairOptions = {}) {
    return new CompanionPairingHandler({
      service,
      ...(options.name ? { name: options.name } : {}),
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      connect: (opts) =>
        CompanionConnection.connect(device.address, service.port, {
          ...opts,
          ...(options.timeout ? { timeout: options.timeout } : {}),
          ...(options.logger ? { logger: options.logger } : {}),
        }),
    });
  },

  async connect(
    device: AppleTV,
    service: Service,
    options: ConnectOptions = {},
  ): Promise<ProtocolSession | readonly ProtocolSession[]> {
    // Without credentials a device gives a Companion client nothing (pyatv connects
    // unencrypted and then fails every request): no session then.
    if (service.credentials === undefined) return [];
    const client = await connectCompanion({
      host: device.address,
      port: service.port,
      credentials: service.credentials,
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.listener ? { listener: options.listener } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      // Storage's info about this client goes into _systemInfo, as pyatv's does.
      ...(options.info
        ? {
            name: options.info.name,
            info: {
              model: options.info.model,
              deviceId: options.info.deviceId,
              ...(options.info.rpId ? { rpId: options.info.rpId } : {}),
            },
          }
        : {}),
    });
    return companionSession(client);
  },
};

/** The session core sees of a connected Companion client. */
export function companionSession(
  client: CompanionClient,
): ProtocolSession & { readonly userAccounts: CompanionUserAccounts } {
  return {
    protocol: Protocol.Companion,
    apps: {
      appList: async (opts) =>
        (await client.appList(opts)).map((app) => ({
          name: app.name,
          identifier: app.identifier,
        })),
      launchApp: (bundleIdOrUrl, opts) => client.launchApp(bundleIdOrUrl, opts),
    },
    remoteControl: client.remoteControl,
    power: client.power,
    audio: client.audio,
    keyboard: client.keyboard,
    touch: client.touch,
    features: client.features,
    userAccounts: client.userAccounts,
    close: () => client.close(),
  };
}
