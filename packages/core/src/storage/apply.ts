// How device configurations and stored settings meet (pyatv: BaseConfig.apply,
// BaseService.settings/apply, AbstractStorage._update_settings_from_config).
import {
  type AbortOptions,
  type AirPlaySettings,
  type AppleTV,
  type ConnectOptions,
  type InfoSettings,
  type MrpTunnel,
  Protocol,
  type RaopSettings,
  type Settings,
  type Storage,
} from "@atv/interface";
import type { ProtocolKey } from "./model.js";

const KEY_OF: Readonly<Record<Protocol, ProtocolKey>> = {
  [Protocol.AirPlay]: "airplay",
  [Protocol.Companion]: "companion",
  [Protocol.DMAP]: "dmap",
  [Protocol.MRP]: "mrp",
  [Protocol.RAOP]: "raop",
};

/** The settings section of `protocol`. */
export function settingsKey(protocol: Protocol): ProtocolKey {
  return KEY_OF[protocol];
}

function passwordOf(section: object): string | undefined {
  return (section as Partial<AirPlaySettings | RaopSettings>).password;
}

/**
 * Puts stored credentials and passwords on the services of `config`. A value the storage
 * does not hold leaves the service's as it is (pyatv's BaseService.apply).
 */
export function applySettings(config: AppleTV, settings: Settings): void {
  for (const service of config.services) {
    const section = settings.protocols[KEY_OF[service.protocol]];
    service.credentials = section.credentials || service.credentials;
    service.password = passwordOf(section) || service.password;
  }
}

/**
 * Copies identifiers, credentials and passwords of `config`'s services into `settings`.
 * Values the services lack keep the stored ones, except identifiers, which always follow
 * the service (pyatv: model_copy with None values dropped, then identifier set).
 */
export function updateFromConfig(settings: Settings, config: AppleTV): void {
  for (const service of config.services) {
    const key = KEY_OF[service.protocol];
    const section = settings.protocols[key];
    if (service.credentials !== undefined) section.credentials = service.credentials;
    if ((key === "airplay" || key === "raop") && service.password !== undefined) {
      settings.protocols[key].password = service.password;
    }
    section.identifier = service.identifier;
  }
}

interface StoredConnectOptions extends AbortOptions {
  info?: InfoSettings;
  mrpTunnel?: MrpTunnel;
  raop?: ConnectOptions["raop"];
}

/**
 * What connect() uses when given a storage (pyatv's connect): a copy of `config` with
 * the stored credentials and passwords, and the stored `info` and `mrpTunnel` unless the
 * options name their own.
 */
export async function withStoredSettings<T extends StoredConnectOptions>(
  config: AppleTV,
  storage: Storage,
  options: T,
): Promise<{ config: AppleTV; options: T }> {
  const settings = await storage.getSettings(config, { signal: options.signal });
  const copy = config.clone();
  applySettings(copy, settings);
  return {
    config: copy,
    options: {
      ...options,
      info: options.info ?? settings.info,
      mrpTunnel: options.mrpTunnel ?? settings.protocols.airplay.mrpTunnel,
      raop: options.raop ?? {
        protocolVersion: settings.protocols.raop.protocolVersion,
        controlPort: settings.protocols.raop.controlPort,
        timingPort: settings.protocols.raop.timingPort,
      },
    },
  };
}
