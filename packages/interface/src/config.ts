import { Protocol } from "./const.js";
import { DeviceInfo } from "./device-info.js";
import { NoServiceError } from "./errors.js";
import type { Service } from "./service.js";

export interface AppleTVInit {
  address: string;
  name: string;
  deepSleep?: boolean;
  /** TXT properties of every service type the device answered for, by service type. */
  properties?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  deviceInfo?: DeviceInfo;
}

// Which service's identifier names the device, most stable first (as pyatv orders them).
const IDENTIFIER_ORDER: readonly Protocol[] = [
  Protocol.MRP,
  Protocol.DMAP,
  Protocol.AirPlay,
  Protocol.RAOP,
  Protocol.Companion,
];

const MAIN_SERVICE_ORDER: readonly Protocol[] = [
  Protocol.MRP,
  Protocol.DMAP,
  Protocol.AirPlay,
  Protocol.RAOP,
];

/**
 * A device configuration: where a device is and which services it offers. Scanning
 * returns these; users may also build one by hand (with manual services).
 */
export class AppleTV {
  readonly address: string;
  readonly name: string;
  readonly deepSleep: boolean;
  readonly deviceInfo: DeviceInfo;
  readonly properties: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly #services = new Map<Protocol, Service>();

  constructor(init: AppleTVInit) {
    this.address = init.address;
    this.name = init.name;
    this.deepSleep = init.deepSleep ?? false;
    this.deviceInfo = init.deviceInfo ?? new DeviceInfo({});
    this.properties = init.properties ?? new Map();
  }

  /** Adds a service; one of a protocol already present is merged into it. */
  addService(service: Service): void {
    const existing = this.#services.get(service.protocol);
    if (existing) existing.merge(service);
    else this.#services.set(service.protocol, service);
  }

  getService(protocol: Protocol): Service | undefined {
    return this.#services.get(protocol);
  }

  get services(): Service[] {
    return [...this.#services.values()];
  }

  /** The main identifier: the first service identifier in pyatv's order (MRP first). */
  get identifier(): string | undefined {
    for (const protocol of IDENTIFIER_ORDER) {
      const id = this.#services.get(protocol)?.identifier;
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** Every service identifier of the device, in service order. */
  get allIdentifiers(): string[] {
    return this.services.flatMap((s) => (s.identifier === undefined ? [] : [s.identifier]));
  }

  /** True once at least one service has a (non-empty) identifier. */
  get ready(): boolean {
    return this.services.some((s) => Boolean(s.identifier));
  }

  /** The service to connect with: `protocol`'s, else the first of MRP, DMAP, AirPlay, RAOP. */
  mainService(protocol?: Protocol): Service {
    for (const p of protocol === undefined ? MAIN_SERVICE_ORDER : [protocol]) {
      const service = this.#services.get(p);
      if (service) return service;
    }
    throw new NoServiceError("no service to connect to");
  }

  /** Sets credentials on `protocol`'s service; false if the device has no such service. */
  setCredentials(protocol: Protocol, credentials: string): boolean {
    const service = this.#services.get(protocol);
    if (!service) return false;
    service.credentials = credentials;
    return true;
  }

  /** pyatv's multi-line layout, which `atvremote scan` prints. */
  toString(): string {
    const lines = [
      `       Name: ${this.name}`,
      `   Model/SW: ${this.deviceInfo}`,
      `    Address: ${this.address}`,
      `        MAC: ${this.deviceInfo.mac ?? "None"}`,
      ` Deep Sleep: ${this.deepSleep ? "True" : "False"}`,
      "Identifiers:",
      ...this.allIdentifiers.map((id) => ` - ${id}`),
      "Services:",
      ...this.services.map((service) => ` - ${service}`),
    ];
    return lines.join("\n");
  }

  clone(): AppleTV {
    const copy = new AppleTV({
      address: this.address,
      name: this.name,
      deepSleep: this.deepSleep,
      properties: this.properties,
      deviceInfo: this.deviceInfo,
    });
    for (const service of this.services) copy.addService(service.clone());
    return copy;
  }
}
