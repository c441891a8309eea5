import {
  type AppleTV,
  type ConnectOptions,
  NotSupportedError,
  type PairOptions,
  type ProtocolPlugin,
  type ProtocolScanPlugin,
  protocolStr,
  type Service,
} from "@atv/interface";
import { DeferredPairingHandler } from "./connect/deferred-pairing.js";

export interface LazyPluginOptions {
  /** What pairing asks of the user before the protocol's code is there (true: type the PIN the device shows). */
  deviceProvidesPin?: boolean;
  /**
   * The protocol gives a client nothing without credentials, so its connect() returns no
   * session then (Companion and DMAP, as their plugins do): nothing to load either.
   */
  connectsOnlyWithCredentials?: boolean;
}

/**
 * A protocol plugin whose scan part is at hand and whose client is imported the first time
 * something pairs or connects with it. Loading every protocol's client with @atv/core
 * costs a command that uses one or two of them milliseconds (the code of the others
 * initialised, and in the CLIs read from the code cache); a scan needs none of them.
 */
export function lazyPlugin(
  scan: ProtocolScanPlugin,
  load: () => Promise<ProtocolPlugin>,
  options: LazyPluginOptions = {},
): ProtocolPlugin {
  let loading: Promise<ProtocolPlugin> | undefined;
  const loaded = () => {
    loading ??= load();
    return loading;
  };
  return {
    ...scan,
    pair(device: AppleTV, service: Service, pairOptions?: PairOptions) {
      const handler = loaded().then((plugin) => {
        if (!plugin.pair) {
          throw new NotSupportedError(`pairing ${protocolStr(plugin.protocol)} is not supported`);
        }
        return plugin.pair(device, service, pairOptions);
      });
      return new DeferredPairingHandler(handler, service, options.deviceProvidesPin ?? true);
    },
    async connect(device: AppleTV, service: Service, connectOptions?: ConnectOptions) {
      if (options.connectsOnlyWithCredentials && service.credentials === undefined) return [];
      const plugin = await loaded();
      if (!plugin.connect) return [];
      return plugin.connect(device, service, connectOptions);
    },
  };
}
