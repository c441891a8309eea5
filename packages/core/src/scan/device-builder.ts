import {
  AppleTV,
  DeviceInfo,
  type DeviceInfoFields,
  DeviceModel,
  lookupInternalName,
  type Protocol,
  type ProtocolScanPlugin,
  type Service,
  type ServiceTypeHandler,
  type ZeroconfResponse,
  type ZeroconfService,
} from "@atv/interface";
import { DEVICE_INFO_SERVICE, type Logger, SLEEP_PROXY_SERVICE } from "@atv/zeroconf";

interface FoundDevice {
  name: string;
  address: string;
  deepSleep: boolean;
  model: DeviceModel;
  services: Service[];
}

type PropertiesByType = Map<string, ZeroconfService["properties"]>;

/**
 * Turns Zeroconf answers into device configurations using the protocol plugins: each
 * service goes to the handler of its type, services are grouped by address, device info
 * is merged from every plugin, and each service is completed by its plugin once all of
 * the device's services are known (as pyatv's BaseScanner does).
 */
export class DeviceBuilder {
  readonly #handlers = new Map<
    string,
    { plugin: ProtocolScanPlugin; handler: ServiceTypeHandler }
  >();
  readonly #plugins: readonly ProtocolScanPlugin[];
  readonly #devices = new Map<string, FoundDevice>();
  /** TXT properties of every known service type, by address (for device info). */
  readonly #properties = new Map<string, PropertiesByType>();
  readonly #log: Logger | undefined;

  constructor(plugins: readonly ProtocolScanPlugin[], log?: Logger) {
    this.#plugins = plugins;
    this.#log = log;
    for (const plugin of plugins) {
      for (const [type, handler] of Object.entries(plugin.serviceTypes)) {
        this.#handlers.set(type.toLowerCase(), { plugin, handler });
      }
    }
  }

  /**
   * The service types to ask for: device info and sleep proxy (types that carry device
   * facts but no protocol) first, as pyatv orders them, then every plugin's.
   */
  get serviceTypes(): string[] {
    return [...new Set([DEVICE_INFO_SERVICE, SLEEP_PROXY_SERVICE, ...this.#handlers.keys()])];
  }

  add(response: ZeroconfResponse): void {
    for (const zservice of response.services) {
      const entry = this.#handlers.get(zservice.type.toLowerCase());
      if (!entry) continue;
      // A service without address or port (e.g. a sleep proxy's bare PTR) cannot be used.
      if (zservice.address === undefined || zservice.port === 0) continue;
      let result: ReturnType<ServiceTypeHandler["handle"]>;
      try {
        result = entry.handler.handle(zservice, response);
      } catch (error) {
        this.#log?.debug("ignoring service %s: %s", zservice.name, String(error));
        continue;
      }
      let device = this.#devices.get(zservice.address);
      if (result && !device) {
        device = {
          name: result.name,
          address: zservice.address,
          deepSleep: response.deepSleep,
          model: lookupInternalName(response.model),
          services: [],
        };
        this.#devices.set(zservice.address, device);
      }
      if (result && device) device.services.push(result.service);
      const known = this.#properties.get(zservice.address) ?? new Map();
      known.set(zservice.type, zservice.properties);
      this.#properties.set(zservice.address, known);
    }
  }

  build(): AppleTV[] {
    return [...this.#devices.values()].map((found) => this.#buildOne(found));
  }

  #buildOne(found: FoundDevice): AppleTV {
    const known: PropertiesByType = this.#properties.get(found.address) ?? new Map();
    const deviceInfo = new DeviceInfo(this.#deviceInfoFields(found, known));
    const properties = new Map<string, Record<string, string>>();
    for (const [type, props] of known) properties.set(type, props.toObject());
    const device = new AppleTV({
      address: found.address,
      name: found.name,
      deepSleep: found.deepSleep,
      properties,
      deviceInfo,
    });
    for (const service of found.services) device.addService(service);

    const byProtocol = new Map<Protocol, Service>(device.services.map((s) => [s.protocol, s]));
    for (const service of device.services) {
      const plugin = this.#plugins.find((p) => p.protocol === service.protocol);
      plugin?.serviceInfo(service, deviceInfo, byProtocol);
    }
    return device;
  }

  #deviceInfoFields(found: FoundDevice, known: PropertiesByType): DeviceInfoFields {
    const fields: DeviceInfoFields = {};
    for (const [type, props] of known) {
      const entry = this.#handlers.get(type.toLowerCase());
      if (!entry) continue;
      // The first service type to tell a fact wins, as pyatv's dict_merge does.
      for (const [key, value] of Object.entries(entry.plugin.deviceInfo(type, props))) {
        if (value !== undefined && !(key in fields)) Object.assign(fields, { [key]: value });
      }
    }
    // The internal model name from _device-info is the most precise one there is.
    if (found.model !== DeviceModel.Unknown) fields.model = found.model;
    return fields;
  }
}
