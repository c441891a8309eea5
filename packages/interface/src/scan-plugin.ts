import type { Protocol } from "./const.js";
import type { DeviceInfo, DeviceInfoFields } from "./device-info.js";
import type { Service, ServiceProperties } from "./service.js";

/** One service instance found by Zeroconf (browse or unicast query). */
export interface ZeroconfService {
  /** Service type without the trailing dot, e.g. "_mediaremotetv._tcp.local". */
  readonly type: string;
  /** Instance name, e.g. "Living Room". */
  readonly name: string;
  /** IPv4 address from the SRV target's A record, if one was given. */
  readonly address: string | undefined;
  /** Port from the SRV record; 0 when the answer carried no SRV (e.g. a sleep proxy). */
  readonly port: number;
  readonly properties: ServiceProperties;
}

/** Everything one host answered. */
export interface ZeroconfResponse {
  /** The address the answers came from. */
  readonly address: string;
  readonly services: readonly ZeroconfService[];
  /** True when a Bonjour Sleep Proxy answered for the device (it is in deep sleep). */
  readonly deepSleep: boolean;
  /** The "model" TXT value of _device-info._tcp, if the device sent one. */
  readonly model: string | undefined;
}

/** What a scan handler makes of one Zeroconf service: the device's name and a service. */
export interface ScanResult {
  readonly name: string;
  readonly service: Service;
}

export interface ServiceTypeHandler {
  /** Turns a Zeroconf service of this type into a service, or undefined to ignore it. */
  handle(service: ZeroconfService, response: ZeroconfResponse): ScanResult | undefined;
  /**
   * The device name encoded in an instance name of this type (e.g. RAOP's "id@name"
   * gives "name"), used to pair _device-info answers with devices; undefined if unknown.
   */
  deviceInfoName(instanceName: string): string | undefined;
}

/**
 * What each protocol package exports for scanning (pyatv: each protocol's scan(),
 * device_info() and service_info()). Core's scanner is generic over these.
 */
export interface ProtocolScanPlugin {
  readonly protocol: Protocol;
  /** Zeroconf service types (no trailing dot) this protocol is found by, with handlers. */
  readonly serviceTypes: Readonly<Record<string, ServiceTypeHandler>>;
  /** Device facts (model, OS, version, MAC, ...) read from one service type's TXT properties. */
  deviceInfo(serviceType: string, properties: ServiceProperties): DeviceInfoFields;
  /**
   * Completes a service once every service of the device is known: pairing requirement,
   * whether a password is required, whether it is enabled.
   */
  serviceInfo(
    service: Service,
    deviceInfo: DeviceInfo,
    services: ReadonlyMap<Protocol, Service>,
  ): void;
}
