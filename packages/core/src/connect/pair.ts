import {
  type AppleTV,
  NoServiceError,
  NotSupportedError,
  type PairingHandler,
  type PairOptions,
  type Protocol,
  type ProtocolPlugin,
  protocolStr,
  type Storage,
} from "@atv/interface";
import { BUILT_IN_PROTOCOLS } from "../protocols.js";
import { StoringPairingHandler } from "../storage/storing-pairing.js";

export interface PairDeviceOptions extends PairOptions {
  plugins?: readonly ProtocolPlugin[];
  /**
   * Where the credentials go once pairing succeeds: into the device's settings, and the
   * storage is saved (pyatv puts them in the settings; atv saves too, so they persist).
   */
  storage?: Storage;
}

/**
 * A pairing handler for `protocol`'s service of `config`: begin(), pin(), finish(), and the
 * credentials land on that service (and in `storage`, when given).
 */
export function pair(
  config: AppleTV,
  protocol: Protocol,
  options: PairDeviceOptions = {},
): PairingHandler {
  const service = config.getService(protocol);
  if (!service) {
    throw new NoServiceError(`${config.name} has no ${protocolStr(protocol)} service`);
  }
  const plugin = (options.plugins ?? BUILT_IN_PROTOCOLS).find((p) => p.protocol === protocol);
  if (!plugin?.pair) {
    throw new NotSupportedError(`pairing ${protocolStr(protocol)} is not supported`);
  }
  const { plugins: _plugins, storage, ...pairOptions } = options;
  const handler = plugin.pair(config, service, pairOptions);
  return storage ? new StoringPairingHandler(handler, config, storage) : handler;
}
