// pyatv's SettingsCommands: print, change, unset and remove the stored settings of the
// device, named by pyatv's dotted snake_case paths ("protocols.raop.password").

import { type CommandCall, UsageError } from "@atv/cli";
import { AirPlayVersion, MrpTunnel, type Settings, SettingsError, type Storage } from "@atv/core";

/** A field's type as pyatv prints it, and how a typed value becomes it. */
interface FieldType {
  readonly label: string;
  readonly optional: boolean;
  readonly parse: (text: string) => string | number;
}

const text = (optional: boolean): FieldType => ({
  label: optional ? "str, NoneType" : "str",
  optional,
  parse: (value) => value,
});
const OPTIONAL = text(true);
const STR = text(false);
const MAC: FieldType = {
  ...STR,
  parse: (value) => {
    if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(value)) {
      throw new SettingsError(`${value} is not a valid MAC address`);
    }
    return value;
  },
};
const INT: FieldType = {
  label: "int",
  optional: false,
  parse: (value) => {
    if (!/^-?\d+$/.test(value)) throw new SettingsError(`'${value}' is not an integer`);
    return Number(value);
  },
};
const oneOf = (label: string, values: Readonly<Record<string, string>>): FieldType => ({
  label,
  optional: false,
  parse: (value) => {
    const allowed = Object.values(values);
    if (!allowed.includes(value)) {
      throw new SettingsError(`'${value}' is not one of ${allowed.join(", ")}`);
    }
    return value;
  },
});

/** Each field: pyatv's path, where it lives in Settings, and its type; in pyatv's order. */
const FIELDS: ReadonlyArray<readonly [string, readonly string[], FieldType]> = [
  ["info.name", ["info", "name"], STR],
  ["info.mac", ["info", "mac"], MAC],
  ["info.model", ["info", "model"], STR],
  ["info.device_id", ["info", "deviceId"], STR],
  ["info.rp_id", ["info", "rpId"], STR],
  ["info.os_name", ["info", "osName"], STR],
  ["info.os_build", ["info", "osBuild"], STR],
  ["info.os_version", ["info", "osVersion"], STR],
  ...(["airplay", "companion", "dmap", "mrp", "raop"] as const).flatMap((protocol) => {
    const at = (path: string, key: string, type: FieldType) =>
      [`protocols.${protocol}.${path}`, ["protocols", protocol, key], type] as const;
    const fields = [
      at("identifier", "identifier", OPTIONAL),
      at("credentials", "credentials", OPTIONAL),
    ];
    if (protocol === "airplay") {
      fields.push(at("password", "password", OPTIONAL));
      fields.push(at("mrp_tunnel", "mrpTunnel", oneOf("MrpTunnel", MrpTunnel)));
    }
    if (protocol === "raop") {
      fields.push(at("password", "password", OPTIONAL));
      fields.push(
        at("protocol_version", "protocolVersion", oneOf("AirPlayVersion", AirPlayVersion)),
      );
      fields.push(at("timing_port", "timingPort", INT));
      fields.push(at("control_port", "controlPort", INT));
    }
    return fields;
  }),
];

const SETTINGS_COMMANDS = new Set([
  "print_settings",
  "change_setting",
  "unset_setting",
  "remove_settings",
]);

export function isSettingsCommand(name: string): boolean {
  return SETTINGS_COMMANDS.has(name);
}

/** Runs a settings command on the settings `storage` keeps for the device; what it prints. */
export async function runSettingsCommand(
  storage: Storage,
  settings: Settings,
  call: CommandCall,
): Promise<string> {
  switch (call.name) {
    case "print_settings":
      return formatSettings(settings);
    case "remove_settings":
      await storage.removeSettings(settings);
      return "";
    case "change_setting": {
      const [path, ...value] = call.args;
      if (path === undefined || value.length === 0) {
        throw new UsageError(
          "change_setting needs a setting and a value, e.g. change_setting=info.name,Den",
        );
      }
      // A value may hold commas; pyatv's quotes ("1") mark a value as text, as here all are.
      setField(settings, path, unquote(value.join(",")));
      return "";
    }
    case "unset_setting": {
      const [path] = call.args;
      if (path === undefined || path === "") {
        throw new UsageError(
          "unset_setting needs a setting, e.g. unset_setting=protocols.raop.password",
        );
      }
      setField(settings, path, undefined);
      return "";
    }
    default:
      throw new UsageError(`unknown command: ${call.name}`);
  }
}

/** pyatv's print_settings: "path = value (type)" per field, None for no value. */
export function formatSettings(settings: Settings): string {
  return FIELDS.map(([path, keys, type]) => {
    const value = read(settings, keys);
    return `${path} = ${value === undefined || value === null ? "None" : String(value)} (${type.label})`;
  }).join("\n");
}

function setField(settings: Settings, path: string, text: string | undefined): void {
  const field = FIELDS.find(([name]) => name === path);
  if (field === undefined) throw new SettingsError(`no setting named ${path}`);
  const [, keys, type] = field;
  if (text === undefined && !type.optional) {
    throw new SettingsError(`${path} cannot be unset (it is ${type.label})`);
  }
  const value = text === undefined ? undefined : type.parse(text);
  const parent = read(settings, keys.slice(0, -1)) as Record<string, unknown>;
  const key = keys.at(-1) as string;
  if (value === undefined) delete parent[key];
  else parent[key] = value;
}

function read(settings: Settings, keys: readonly string[]): unknown {
  let value: unknown = settings;
  for (const key of keys) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}
