import type {
  AppleTV,
  Protocol,
  ProtocolScanPlugin,
  Storage,
  ZeroconfService,
} from "@atv/interface";
import { type LocalInterface, type Logger, multicastBrowse, unicastScan } from "@atv/zeroconf";
import { BUILT_IN_PROTOCOLS, selectProtocols } from "../protocols.js";
import { applySettings } from "../storage/apply.js";
import { DeviceBuilder } from "./device-builder.js";

export interface ScanOptions {
  /** Scan these addresses with unicast queries instead of browsing by multicast. */
  hosts?: readonly string[];
  /** Keep only devices with this identifier (any of them, if several). */
  identifier?: string | readonly string[];
  /** Look only for these protocols' services. */
  protocol?: Protocol | readonly Protocol[];
  /** How long to wait for answers, in milliseconds (default 5000). */
  timeout?: number;
  signal?: AbortSignal;
  /** The mDNS port to query (default 5353); tests and the fake device use others. */
  mdnsPort?: number;
  /** The local address to browse from (multicast only). */
  interfaceAddress?: string;
  /**
   * This machine's IPv4 interfaces (default: the system's), to tell hosts in a local subnet
   * from others: a silent host outside them is a NonLocalSubnetError, not just "not found".
   */
  localInterfaces?: () => readonly LocalInterface[];
  /** Overrides the protocol plugins to scan with (default: every built-in protocol). */
  plugins?: readonly ProtocolScanPlugin[];
  logger?: Logger;
  /**
   * Settings of known devices: each device found gets its stored credentials and
   * passwords, and a device not stored yet is added (pyatv's scan with storage).
   */
  storage?: Storage;
}

export const DEFAULT_SCAN_TIMEOUT = 5000;

/**
 * Finds devices and returns their configurations: unicast queries to `hosts` when given
 * (devices answer those even when multicast is filtered), else a multicast browse.
 */
export async function scan(options: ScanOptions = {}): Promise<AppleTV[]> {
  options.signal?.throwIfAborted();
  const plugins = selectProtocols(options.protocol, options.plugins ?? BUILT_IN_PROTOCOLS);
  const builder = new DeviceBuilder(plugins, options.logger);
  const wanted = toSet(options.identifier);
  const timeout = options.timeout ?? DEFAULT_SCAN_TIMEOUT;

  const responses =
    options.hosts && options.hosts.length > 0
      ? await unicastScan({
          hosts: [...options.hosts],
          serviceTypes: builder.serviceTypes,
          timeout,
          port: options.mdnsPort,
          signal: options.signal,
          logger: options.logger,
          localInterfaces: options.localInterfaces,
        })
      : await multicastBrowse({
          serviceTypes: builder.serviceTypes,
          timeout,
          identifiers: wanted ? [...wanted] : undefined,
          identifierOf: identifierOf(plugins),
          port: options.mdnsPort,
          interface: options.interfaceAddress,
          signal: options.signal,
          logger: options.logger,
          localInterfaces: options.localInterfaces,
        });

  for (const response of responses) builder.add(response);
  const devices = builder
    .build()
    .filter((device) => device.ready)
    .filter((device) => !wanted || device.allIdentifiers.some((id) => wanted.has(id)));
  if (options.storage) {
    for (const device of devices) {
      applySettings(device, await options.storage.getSettings(device, { signal: options.signal }));
    }
  }
  return devices;
}

/** The identifier a Zeroconf service carries, according to the plugin of its type. */
function identifierOf(
  plugins: readonly ProtocolScanPlugin[],
): (service: ZeroconfService) => string | undefined {
  return (service) => {
    for (const plugin of plugins) {
      const handler = plugin.serviceTypes[service.type];
      if (!handler || service.port === 0) continue;
      try {
        return handler.handle(service, {
          address: service.address ?? "",
          services: [service],
          deepSleep: false,
          model: undefined,
        })?.service.identifier;
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
}

function toSet(value: string | readonly string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const set = new Set(typeof value === "string" ? [value] : value);
  return set.size > 0 ? set : undefined;
}
