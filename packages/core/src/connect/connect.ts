import {
  type AppleTV,
  type ConnectOptions,
  DeviceIdMissingError,
  type DeviceListener,
  type InfoSettings,
  type Logger,
  type MrpTunnel,
  NoServiceError,
  type Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  type Storage,
} from "@atv/interface";
import { BUILT_IN_PROTOCOLS, selectProtocols } from "../protocols.js";
import { withStoredSettings } from "../storage/apply.js";
import { FacadeAppleTV } from "./facade-apple-tv.js";
import type { ReconnectOptions } from "./reconnect-policy.js";
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
  /** RAOP's protocol version and UDP ports (pyatv's raop settings). */
  raop?: ConnectOptions["raop"];
  /**
   * Settings of known devices: this device's credentials and passwords go onto a copy of
   * `config`, and its `info` and AirPlay `mrpTunnel` apply unless given above (pyatv).
   */
  storage?: Storage;
  /**
   * Reconnect after a lost connection (default false: lost is lost, as pyatv): the same
   * set-up again, with growing waits; the device object and its listeners stay.
   */
  reconnect?: boolean | ReconnectOptions;
}

/**
 * Connects to every enabled service of `config` whose protocol can connect, all at once,
 * and returns one device object over them. If any protocol fails, the others are closed
 * and the error is thrown (typed: ConnectionFailedError, AuthenticationError, ...), unless
 * another protocol carries the failed one (MRP through the AirPlay 2 tunnel). Each
 * protocol is used once: one that connects directly is not tunnelled too.
 */
export async function connect(
  config: AppleTV,
  options: ConnectDeviceOptions = {},
): Promise<FacadeAppleTV> {
  options.signal?.throwIfAborted();
  if (config.services.length === 0) throw new NoServiceError("no service to connect to");
  if (config.identifier === undefined) throw new DeviceIdMissingError("no device identifier");
  if (options.storage !== undefined) {
    const { storage, ...rest } = options;
    const stored = await withStoredSettings(config, storage, rest);
    return connect(stored.config, stored.options);
  }

  const plugins = selectProtocols(options.protocols, options.plugins ?? BUILT_IN_PROTOCOLS)
    .filter((plugin) => plugin.connect !== undefined)
    .sort((a, b) => PROTOCOL_PRIORITY.indexOf(a.protocol) - PROTOCOL_PRIORITY.indexOf(b.protocol));
  const device = new FacadeAppleTV(config, options.listener, {
    reconnect: options.reconnect ?? false,
    reopen: (listener, signal) =>
      connect(config, { ...options, reconnect: false, listener, signal }),
  });
  const forward: DeviceListener = {
    connectionLost: (error) => device.connectionLost(error),
    connectionClosed: () => {},
  };

  const attempts = new Map<Protocol, Promise<readonly ProtocolSession[]>>();
  const connectedDirectly = async (protocol: Protocol): Promise<boolean> => {
    const attempt = attempts.get(protocol);
    if (attempt === undefined) return false;
    return attempt.then(
      (sessions) => sessions.some((session) => session.protocol === protocol),
      () => false,
    );
  };
  for (const plugin of plugins) {
    const service = config.getService(plugin.protocol);
    const pluginConnect = plugin.connect;
    if (!service?.enabled || pluginConnect === undefined) continue;
    // Started one after another in this loop, so every attempt is known before any of
    // them asks connectedDirectly() (which waits, hence after the loop).
    const attempt = Promise.resolve().then(async () => {
      const result = await pluginConnect.call(plugin, config, service, {
        timeout: options.timeout,
        signal: options.signal,
        listener: forward,
        logger: options.logger,
        connectedDirectly,
        ...(options.mrpTunnel ? { mrpTunnel: options.mrpTunnel } : {}),
        ...(options.info ? { info: options.info } : {}),
        ...(options.raop ? { raop: options.raop } : {}),
      });
      return isSessionList(result) ? result : [result];
    });
    attempts.set(plugin.protocol, attempt);
  }

  const outcomes = await Promise.allSettled(attempts.values());
  const failures: Array<[Protocol, unknown]> = [];
  const sessions: ProtocolSession[] = [];
  [...attempts.keys()].forEach((protocol, i) => {
    const outcome = outcomes[i];
    if (outcome?.status === "fulfilled") sessions.push(...outcome.value);
    else failures.push([protocol, outcome?.reason]);
  });
  // A protocol's own session first, then carried ones; a second session of a protocol
  // is closed.
  sessions.sort(
    (a, b) => PROTOCOL_PRIORITY.indexOf(a.protocol) - PROTOCOL_PRIORITY.indexOf(b.protocol),
  );
  const connected = new Set<Protocol>();
  for (const session of sessions) {
    if (connected.has(session.protocol)) {
      await session.close();
      continue;
    }
    connected.add(session.protocol);
    device.addSession(session);
  }
  const fail = async (error: unknown): Promise<never> => {
    device.listener = undefined;
    await device.close();
    throw error;
  };
  if (options.signal?.aborted) return fail(options.signal.reason);
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
