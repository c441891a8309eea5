// pyatv's storage model (pyatv/storage/__init__.py StorageModel, pyatv/settings.py) as it
// is written to a file: snake_case keys, and only values that differ from their defaults
// (pyatv dumps with `exclude_defaults=True`; a None default is left out when None).
// `info.rp_id` defaults to a random value, so pyatv always writes it. Keys this model does
// not know are kept, at every level, so a newer pyatv's fields survive a save by atv.
import { randomBytes } from "node:crypto";
import {
  AirPlayVersion,
  DEFAULT_INFO_SETTINGS,
  type InfoSettings,
  MrpTunnel,
  type ProtocolSettings,
  type Settings,
} from "@atv/interface";
import type { Json, JsonObject } from "./python-json.js";

/** The only StorageModel version pyatv reads and writes (MODEL_VERSION). */
export const MODEL_VERSION = 1;

type FieldKind =
  | { type: "string"; default: string; pattern?: RegExp }
  | { type: "optional-string" }
  | { type: "enum"; default: string; values: readonly string[] }
  | { type: "integer"; default: number }
  | { type: "rp-id" };

interface Field {
  json: string;
  key: string;
  kind: FieldKind;
}

// pyatv validates with re.match, which anchors at the start only.
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}/;

const text = (json: string, key: keyof typeof DEFAULT_INFO_SETTINGS, pattern?: RegExp): Field => ({
  json,
  key,
  kind: { type: "string", default: DEFAULT_INFO_SETTINGS[key], ...(pattern ? { pattern } : {}) },
});
const optional = (json: string): Field => ({
  json,
  key: json,
  kind: { type: "optional-string" },
});

const INFO_FIELDS: readonly Field[] = [
  text("name", "name"),
  text("mac", "mac", MAC),
  text("model", "model"),
  text("device_id", "deviceId"),
  { json: "rp_id", key: "rpId", kind: { type: "rp-id" } },
  text("os_name", "osName"),
  text("os_build", "osBuild"),
  text("os_version", "osVersion"),
];

const ID_AND_CREDENTIALS = [optional("identifier"), optional("credentials")];

export type ProtocolKey = keyof ProtocolSettings;

// In pyatv's declaration order, which is the order of keys in its file.
const PROTOCOL_FIELDS: Readonly<Record<ProtocolKey, readonly Field[]>> = {
  airplay: [
    ...ID_AND_CREDENTIALS,
    optional("password"),
    {
      json: "mrp_tunnel",
      key: "mrpTunnel",
      kind: { type: "enum", default: MrpTunnel.Auto, values: Object.values(MrpTunnel) },
    },
  ],
  companion: ID_AND_CREDENTIALS,
  dmap: ID_AND_CREDENTIALS,
  mrp: ID_AND_CREDENTIALS,
  raop: [
    ...ID_AND_CREDENTIALS,
    optional("password"),
    {
      json: "protocol_version",
      key: "protocolVersion",
      kind: { type: "enum", default: AirPlayVersion.Auto, values: Object.values(AirPlayVersion) },
    },
    { json: "timing_port", key: "timingPort", kind: { type: "integer", default: 0 } },
    { json: "control_port", key: "controlPort", kind: { type: "integer", default: 0 } },
  ],
};

export const PROTOCOL_KEYS = Object.keys(PROTOCOL_FIELDS) as ProtocolKey[];

/** Six random bytes as hex, pyatv's default for a device's rp_id. */
export function randomRpId(): string {
  return randomBytes(6).toString("hex");
}

/** Settings with pyatv's defaults and a fresh rp_id. */
export function createSettings(): Settings {
  return decodeDevice({}, "");
}

/** A problem in the file's content; `where` is a path such as devices[2].info.mac. */
export class ModelError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : JSON.stringify(value);
}

function decodeValue(value: Json | undefined, kind: FieldKind, where: string): unknown {
  switch (kind.type) {
    case "optional-string":
      if (value === undefined || value === null) return undefined;
      if (typeof value !== "string")
        throw new ModelError(where, `expected text or null, got ${describe(value)}`);
      return value;
    case "rp-id":
      // pyatv generates a new one when it is missing or null (fill_missing_rp_id).
      if (value === undefined || value === null) return randomRpId();
      if (typeof value !== "string")
        throw new ModelError(where, `expected text, got ${describe(value)}`);
      return value;
    case "string":
      if (value === undefined) return kind.default;
      if (typeof value !== "string")
        throw new ModelError(where, `expected text, got ${describe(value)}`);
      if (kind.pattern && !kind.pattern.test(value)) {
        throw new ModelError(where, `${JSON.stringify(value)} is not a valid MAC address`);
      }
      return value;
    case "enum":
      if (value === undefined) return kind.default;
      if (typeof value !== "string" || !kind.values.includes(value)) {
        const allowed = kind.values.map((v) => JSON.stringify(v)).join(", ");
        throw new ModelError(where, `expected one of ${allowed}, got ${describe(value)}`);
      }
      return value;
    case "integer":
      if (value === undefined) return kind.default;
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new ModelError(where, `expected a whole number, got ${describe(value)}`);
      }
      return value;
  }
}

function section(value: Json | undefined, where: string): JsonObject {
  if (value === undefined) return {};
  if (!isObject(value)) throw new ModelError(where, `expected an object, got ${describe(value)}`);
  return value;
}

function decodeFields(raw: JsonObject, fields: readonly Field[], where: string): object {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    out[field.key] = decodeValue(raw[field.json], field.kind, `${where}.${field.json}`);
  }
  return out;
}

/** One device of the file as Settings; throws ModelError naming the bad field. */
export function decodeDevice(raw: JsonObject, where: string): Settings {
  const protocolsRaw = section(raw.protocols, `${where}.protocols`);
  const protocols: Record<string, object> = {};
  for (const key of PROTOCOL_KEYS) {
    const at = `${where}.protocols.${key}`;
    protocols[key] = decodeFields(section(protocolsRaw[key], at), PROTOCOL_FIELDS[key], at);
  }
  return {
    info: decodeFields(
      section(raw.info, `${where}.info`),
      INFO_FIELDS,
      `${where}.info`,
    ) as InfoSettings,
    protocols: protocols as unknown as ProtocolSettings,
  };
}

function encodeFields(values: object, fields: readonly Field[], raw: Json | undefined): JsonObject {
  const source = values as Record<string, unknown>;
  const out: JsonObject = {};
  for (const field of fields) {
    const value = source[field.key];
    if (value === undefined || value === null || isDefault(field.kind, value)) continue;
    out[field.json] = value as Json;
  }
  if (isObject(raw)) {
    const known = new Set(fields.map((f) => f.json));
    for (const [key, value] of Object.entries(raw)) if (!known.has(key)) out[key] = value;
  }
  return out;
}

/**
 * A device's settings as pyatv writes them, with the keys unknown to this model that
 * `raw` (the device as last read) holds.
 */
export function encodeDevice(settings: Settings, raw: JsonObject = {}): JsonObject {
  const rawProtocols = isObject(raw.protocols) ? raw.protocols : {};
  const protocols: JsonObject = {};
  for (const key of PROTOCOL_KEYS) {
    const encoded = encodeFields(settings.protocols[key], PROTOCOL_FIELDS[key], rawProtocols[key]);
    if (Object.keys(encoded).length > 0) protocols[key] = encoded;
  }
  for (const [key, value] of Object.entries(rawProtocols)) {
    if (!(key in PROTOCOL_FIELDS)) protocols[key] = value;
  }
  const out: JsonObject = {};
  const info = encodeFields(settings.info, INFO_FIELDS, raw.info);
  if (Object.keys(info).length > 0) out.info = info;
  if (Object.keys(protocols).length > 0) out.protocols = protocols;
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "info" && key !== "protocols") out[key] = value;
  }
  return out;
}

function isDefault(kind: FieldKind, value: unknown): boolean {
  return (
    (kind.type === "string" || kind.type === "enum" || kind.type === "integer") &&
    value === kind.default
  );
}

function sectionMatches(values: object, fields: readonly Field[], raw: Json | undefined): boolean {
  const source = values as Record<string, unknown>;
  const stored = isObject(raw) ? raw : undefined;
  for (const field of fields) {
    const value = source[field.key];
    const expected = value === null || isDefault(field.kind, value) ? undefined : value;
    if (stored?.[field.json] !== expected) return false;
  }
  return true;
}

/**
 * Whether encoding `settings` would give `stored` back (unknown keys aside), without
 * encoding: a save checks every device with it.
 */
export function matchesStored(settings: Settings, stored: JsonObject): boolean {
  if (!sectionMatches(settings.info, INFO_FIELDS, stored.info)) return false;
  const protocols = isObject(stored.protocols) ? stored.protocols : undefined;
  return PROTOCOL_KEYS.every((key) =>
    sectionMatches(settings.protocols[key], PROTOCOL_FIELDS[key], protocols?.[key]),
  );
}

/** Copies `source` into `target` field by field, so references to `target` stay live. */
export function assignSettings(target: Settings, source: Settings): void {
  Object.assign(target.info, source.info);
  for (const key of PROTOCOL_KEYS) Object.assign(target.protocols[key], source.protocols[key]);
}

/** Every protocol identifier a device's settings hold. */
export function identifiersOf(settings: Settings): string[] {
  const ids: string[] = [];
  for (const key of PROTOCOL_KEYS) {
    const id = settings.protocols[key].identifier;
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

export interface DecodedModel {
  /** Each device as read (for its unknown keys) and as Settings. */
  devices: Array<{ raw: JsonObject; settings: Settings }>;
  /** Top-level keys other than version and devices. */
  extras: JsonObject;
}

/** A parsed file's content, validated as pyatv's StorageModel; throws ModelError. */
export function decodeModel(data: Json): DecodedModel {
  if (!isObject(data))
    throw new ModelError("top level", `expected an object, got ${describe(data)}`);
  if (data.version === undefined) throw new ModelError("version", "missing");
  if (data.version !== MODEL_VERSION) {
    throw new ModelError(
      "version",
      `unsupported version ${describe(data.version)} (atv reads ${MODEL_VERSION})`,
    );
  }
  if (!Array.isArray(data.devices)) {
    throw new ModelError(
      "devices",
      data.devices === undefined ? "missing" : `expected an array, got ${describe(data.devices)}`,
    );
  }
  const devices = data.devices.map((raw, i) => {
    const where = `devices[${i}]`;
    if (!isObject(raw)) throw new ModelError(where, `expected an object, got ${describe(raw)}`);
    return { raw, settings: decodeDevice(raw, where) };
  });
  const extras: JsonObject = {};
  for (const [key, value] of Object.entries(data)) {
    if (key !== "version" && key !== "devices") extras[key] = value;
  }
  return { devices, extras };
}

/** The file's top-level object: version, devices, then the unknown keys read. */
export function encodeModel(devices: readonly JsonObject[], extras: JsonObject): JsonObject {
  return { version: MODEL_VERSION, devices: [...devices], ...extras };
}
