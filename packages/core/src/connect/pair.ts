import {
  type AppleTV,
  NoServiceError,
  NotSupportedError,
  type PairingHandler,
  type PairOptions,
  type Protocol,
  type ProtocolPlugin,
  protocolStr,
} from "@atv/interface";
import { BUILT_IN_PROTOCOLS } from "../protocols.js";

export interface PairDeviceOptions extends PairOptions {
  plugins?: readonly ProtocolPlugin[];
}

/**
 * A pairing handler for `protocol`'s service of `config`: begin(), pin(), finish(), and the
 * credentials land on that service.
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
  const { plugins: _plugins, ...pairOptions } = options;
  return plugin.pair(config, service, pairOptions);
}
