// Per-device settings, with pyatv's fields (pyatv/settings.py) in camelCase. Storage
// modules keep them; a configuration takes credentials and passwords from them.

/** Which AirPlay version RAOP streaming uses. */
export const AirPlayVersion = {
  /** Pick from what the device supports. */
  Auto: "auto",
  V1: "1",
  V2: "2",
} as const;
export type AirPlayVersion = (typeof AirPlayVersion)[keyof typeof AirPlayVersion];

/** Whether MRP is tunnelled over AirPlay 2. */
export const MrpTunnel = {
  /** Tunnel when the device supports it. */
  Auto: "auto",
  /** Tunnel even if the device does not say it supports it. */
  Force: "force",
  Disable: "disable",
} as const;
export type MrpTunnel = (typeof MrpTunnel)[keyof typeof MrpTunnel];

/** How this library presents itself to devices. */
export interface InfoSettings {
  name: string;
  mac: string;
  model: string;
  deviceId: string;
  /** Random per device, 6 bytes as 12 hex digits. */
  rpId: string;
  osName: string;
  osBuild: string;
  osVersion: string;
}

export interface AirPlaySettings {
  identifier?: string | undefined;
  credentials?: string | undefined;
  password?: string | undefined;
  mrpTunnel: MrpTunnel;
}

export interface CompanionSettings {
  identifier?: string | undefined;
  credentials?: string | undefined;
}

export interface DmapSettings {
  identifier?: string | undefined;
  credentials?: string | undefined;
}

export interface MrpSettings {
  identifier?: string | undefined;
  credentials?: string | undefined;
}

export interface RaopSettings {
  identifier?: string | undefined;
  credentials?: string | undefined;
  password?: string | undefined;
  protocolVersion: AirPlayVersion;
  /** UDP port of the timing server; 0 picks a free one. */
  timingPort: number;
  /** UDP port of the control server; 0 picks a free one. */
  controlPort: number;
}

export interface ProtocolSettings {
  airplay: AirPlaySettings;
  companion: CompanionSettings;
  dmap: DmapSettings;
  mrp: MrpSettings;
  raop: RaopSettings;
}

/** Everything stored for one device. */
export interface Settings {
  info: InfoSettings;
  protocols: ProtocolSettings;
}

/**
 * pyatv's defaults for InfoSettings, except `rpId`, which is random per device. The MAC is
 * locally administered (02) followed by "pyatv" in hex; the device id is FF + "pyatv".
 */
export const DEFAULT_INFO_SETTINGS: Readonly<Omit<InfoSettings, "rpId">> = Object.freeze({
  name: "pyatv",
  mac: "02:70:79:61:74:76",
  model: "iPhone10,6",
  deviceId: "FF:70:79:61:74:76",
  osName: "iPhone OS",
  osBuild: "18G82",
  osVersion: "14.7.1",
});
