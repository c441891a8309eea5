import {
  type AppleTV,
  DeviceIdMissingError,
  type DeviceListener,
  type InfoSettings,
  type Logger,
  type MrpTunnel,
  NoServiceError,
  type Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
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
  /** Whether AirPlay carries MRP (pyatv's mrp_tunnel setting); default auto. */
  mrpTunnel?: MrpTunnel;
  /** How this client presents itself to the device; pyatv's defaults otherwise. */
  info?: InfoSettings;
}

/**
 * Connects to every enabled service of `config` whose protocol can connect, and returns one
 * device object over them. If any protocol fails, the others are closed and the error is
 * thrown (typed: ConnectionFailedError, AuthenticationError, ...), unless another protocol
 * carries the failed one (MRP through the AirPlay 2 tunnel). Each protocol is used once:
 * one connected directly first (higher priority) is not tunnelled again.
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
  const connected = new Set<Protocol>();
  const failures = new Map<Protocol, unknown>();

  const fail = async (error: unknown): Promise<never> => {
    device.listener = undefined;
    await device.close();
    throw error;
  };
  for (const plugin of plugins) {
    const service = config.getService(plugin.protocol);
    if (!service?.enabled || !plugin.connect) continue;
    let sessions: readonly ProtocolSession[];
    try {
      const result = await plugin.connect(config, service, {
        timeout: options.timeout,
        signal: options.signal,
        listener: forward,
        logger: options.logger,
        connected,
        ...(options.mrpTunnel ? { mrpTunnel: options.mrpTunnel } : {}),
        ...(options.info ? { info: options.info } : {}),
      });
      sessions = isSessionList(result) ? result : [result];
    } catch (error) {
      if (options.signal?.aborted) return fail(error);
      failures.set(plugin.protocol, error);
      continue;
    }
    for (const session of sessions) {
      if (connected.has(session.protocol)) {
        await session.close();
        continue;
      }
      connected.add(session.protocol);
      device.addSession(session);
    }
  }
  // A failure stands unless another protocol brought the failed one along.
  for (const [protocol, error] of failures) {
    if (!connected.has(protocol)) return fail(error);
  }
  if (device.protocols.length === 0) {
    throw new NoServiceError("no enabled service of this device can be connected to");
  }
  return device;
}

function isSessionList(
  result: ProtocolSession | readonly ProtocolSession[],
): result is readonly ProtocolSession[] {
  return Array.isArray(result);
}
