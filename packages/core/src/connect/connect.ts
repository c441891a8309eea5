import {
  type AppleTV,
  DeviceIdMissingError,
  type DeviceListener,
  type Logger,
  NoServiceError,
  type Protocol,
  type ProtocolPlugin,
} from "@atv/interface";
import { BUILT_IN_PROTOCOLS, selectProtocols } from "../protocols.js";
import { FacadeAppleTV } from "./facade-apple-tv.js";
import { PROTOCOL_PRIORITY } from "./relayer.js";

export interface ConnectDeviceOptions {
  /** Connect only these protocols (default: every protocol the device has and we can use). */
  protocols?: Protocol | readonly Protocol[];
  /** Longest wait for each protocol's connection set-up, in milliseconds. */
  timeout?: number;
  signal?: AbortSignal;
  /** Told once when the connection is lost or closed. */
  listener?: DeviceListener;
  plugins?: readonly ProtocolPlugin[];
  logger?: Logger;
}

/**
 * Connects to every enabled service of `config` whose protocol can connect, and returns one
 * device object over them. If any protocol fails, the others are closed and the error is
 * thrown (typed: ConnectionFailedError, AuthenticationError, ...).
 */
export async function connect(
  config: AppleTV,
  options: ConnectDeviceOptions = {},
): Promise<FacadeAppleTV> {
  options.signal?.throwIfAborted();
  if (config.services.length === 0) throw new NoServiceError("no service to connect to");
  if (config.identifier === undefined) throw new DeviceIdMissingError("no device identifier");

  const plugins = selectProtocols(options.protocols, options.plugins ?? BUILT_IN_PROTOCOLS)
    .filter((plugin) => plugin.connect !== undefined)
    .sort((a, b) => PROTOCOL_PRIORITY.indexOf(a.protocol) - PROTOCOL_PRIORITY.indexOf(b.protocol));
  const device = new FacadeAppleTV(config, options.listener);
  const forward: DeviceListener = {
    connectionLost: (error) => device.connectionLost(error),
    connectionClosed: () => {},
  };

  for (const plugin of plugins) {
    const service = config.getService(plugin.protocol);
    if (!service?.enabled || !plugin.connect) continue;
    try {
      const session = await plugin.connect(config, service, {
        timeout: options.timeout,
        signal: options.signal,
        listener: forward,
        logger: options.logger,
      });
      device.addSession(session);
    } catch (error) {
      device.listener = undefined;
      await device.close();
      throw error;
    }
  }
  if (device.protocols.length === 0) {
    throw new NoServiceError("no enabled service of this device can be connected to");
  }
  return device;
}
