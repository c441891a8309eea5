import { enumName, PairingRequirement, type Protocol } from "./const.js";
import { protocolStr } from "./convert.js";

/**
 * TXT properties of a Zeroconf service. Keys are looked up case-insensitively (devices
 * disagree on case: "deviceid" vs "deviceId"); values are UTF-8 text, and the raw bytes
 * stay available for values that are not text.
 */
export interface ServiceProperties {
  /** The text value of `key` (case-insensitive), or undefined. */
  get(key: string): string | undefined;
  has(key: string): boolean;
  /** The raw bytes of `key`'s value (case-insensitive), or undefined. */
  raw(key: string): Uint8Array | undefined;
  /** Keys as the device spelled them. */
  keys(): string[];
  /** A plain object of the text values, keys as the device spelled them. */
  toObject(): Record<string, string>;
  readonly size: number;
}

/** ServiceProperties over a plain object (manual configurations, tests, stored settings). */
export class PlainProperties implements ServiceProperties {
  readonly #values = new Map<string, { key: string; value: string; raw?: Uint8Array }>();

  constructor(values: Record<string, string> | Iterable<[string, string]> = {}) {
    const entries = Symbol.iterator in values ? values : Object.entries(values);
    for (const [key, value] of entries as Iterable<[string, string]>) this.set(key, value);
  }

  /** Builds properties from text and raw values, as a TXT decoder does. */
  static fromEntries(
    entries: Iterable<{ key: string; value: string; raw?: Uint8Array }>,
  ): PlainProperties {
    const props = new PlainProperties();
    for (const entry of entries) props.#values.set(entry.key.toLowerCase(), { ...entry });
    return props;
  }

  set(key: string, value: string): void {
    this.#values.set(key.toLowerCase(), { key, value });
  }

  get(key: string): string | undefined {
    return this.#values.get(key.toLowerCase())?.value;
  }

  has(key: string): boolean {
    return this.#values.has(key.toLowerCase());
  }

  raw(key: string): Uint8Array | undefined {
    const entry = this.#values.get(key.toLowerCase());
    if (!entry) return undefined;
    return entry.raw ?? new TextEncoder().encode(entry.value);
  }

  keys(): string[] {
    return [...this.#values.values()].map((e) => e.key);
  }

  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { key, value } of this.#values.values()) out[key] = value;
    return out;
  }

  /** Adds (or overwrites with) every property of `other`. */
  merge(other: ServiceProperties): void {
    for (const key of other.keys()) {
      const value = other.get(key);
      if (value !== undefined) {
        const raw = other.raw(key);
        this.#values.set(key.toLowerCase(), raw ? { key, value, raw } : { key, value });
      }
    }
  }

  get size(): number {
    return this.#values.size;
  }

  toJSON(): Record<string, string> {
    return this.toObject();
  }
}

export interface ServiceInit {
  identifier?: string | undefined;
  protocol: Protocol;
  port: number;
  properties?: ServiceProperties | Record<string, string> | undefined;
  credentials?: string | undefined;
  password?: string | undefined;
  requiresPassword?: boolean;
  pairing?: PairingRequirement;
  enabled?: boolean;
}

/**
 * One protocol's service on a device: where it listens, what it announced, and what a
 * client needs to use it. Scanning fills it in (each protocol package derives the
 * pairing requirement, password and enabled state); users add credentials.
 * (The fields follow pyatv's BaseService / MutableService.)
 */
export class Service {
  readonly identifier: string | undefined;
  readonly protocol: Protocol;
  port: number;
  readonly properties: PlainProperties;
  credentials: string | undefined;
  password: string | undefined;
  requiresPassword: boolean;
  pairing: PairingRequirement;
  enabled: boolean;

  constructor(init: ServiceInit) {
    this.identifier = init.identifier;
    this.protocol = init.protocol;
    this.port = init.port;
    this.properties = new PlainProperties();
    if (init.properties instanceof PlainProperties || isServiceProperties(init.properties)) {
      this.properties.merge(init.properties);
    } else if (init.properties) {
      for (const [k, v] of Object.entries(init.properties)) this.properties.set(k, v);
    }
    this.credentials = init.credentials;
    this.password = init.password;
    this.requiresPassword = init.requiresPassword ?? false;
    this.pairing = init.pairing ?? PairingRequirement.Unsupported;
    this.enabled = init.enabled ?? true;
  }

  /**
   * Takes credentials, password and properties of another service of the same protocol;
   * empty credentials or password never replace set ones (as in pyatv).
   */
  merge(other: Service): void {
    this.credentials = other.credentials || this.credentials;
    this.password = other.password || this.password;
    this.properties.merge(other.properties);
  }

  /** pyatv's one-line layout, which atvremote prints for each service. */
  toString(): string {
    const text = (value: string | undefined) => value ?? "None";
    return (
      `Protocol: ${protocolStr(this.protocol)}, Port: ${this.port}, ` +
      `Credentials: ${text(this.credentials)}, ` +
      `Requires Password: ${this.requiresPassword ? "True" : "False"}, ` +
      `Password: ${text(this.password)}, ` +
      `Pairing: ${enumName(PairingRequirement, this.pairing)}` +
      (this.enabled ? "" : " (Disabled)")
    );
  }

  clone(): Service {
    return new Service({
      identifier: this.identifier,
      protocol: this.protocol,
      port: this.port,
      properties: this.properties,
      credentials: this.credentials,
      password: this.password,
      requiresPassword: this.requiresPassword,
      pairing: this.pairing,
      enabled: this.enabled,
    });
  }
}

function isServiceProperties(value: unknown): value is ServiceProperties {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ServiceProperties).get === "function" &&
    typeof (value as ServiceProperties).keys === "function"
  );
}
