// Binary property lists, the body format of most AirPlay requests and responses and of the
// data-stream channel. Only the binary form (bplist00) is handled: pyatv reads and writes
// nothing else on these channels.

import { ProtocolError } from "@atv/interface";
import bplistCreator, { Real } from "bplist-creator";
import { maxObjectCount, parseBuffer } from "bplist-parser";
import { type PlistLayout, readPlistLayout } from "./plist-structure.js";

/**
 * A decoded plist value. Integers beyond ±(2^53 - 1) are bigints, other numbers numbers;
 * UIDs (object references of NSKeyedArchiver archives) are PlistUid.
 */
export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | Date
  | PlistUid
  | PlistValue[]
  | PlistDictionary;

export interface PlistDictionary {
  [key: string]: PlistValue;
}

/**
 * Forces a number to be written as a plist real. A JavaScript number that is an integer
 * (1, 0) is otherwise written as a plist integer, where pyatv (Python floats) writes
 * 1.0 as a real, e.g. "rate" and "volume" in the body of /play.
 */
export class PlistReal {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

/**
 * A binary plist UID: an index into the `$objects` of an NSKeyedArchiver archive. Not a
 * number, so that it cannot be mistaken for an integer (plistlib's `UID` likewise).
 */
export class PlistUid {
  readonly value: number;

  /** `value` is a non-negative safe integer; anything else is a RangeError. */
  constructor(value: number) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`a plist UID is a non-negative safe integer, got ${value}`);
    }
    this.value = value;
  }
}

/** What `encodePlist` accepts: plist values, anywhere with PlistReal for numbers. */
export type PlistInput =
  | PlistValue
  | PlistReal
  | readonly PlistInput[]
  | { readonly [key: string]: PlistInput };

export interface DecodePlistOptions {
  /** Deepest nesting of arrays and dictionaries; default 128. */
  readonly maxDepth?: number;
  /** Most values once shared objects are expanded; default 100 000. */
  readonly maxValues?: number;
  /** Most bytes of strings and data once shared objects are expanded; default 64 MiB. */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_DEPTH = 128;
const DEFAULT_MAX_VALUES = 100_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

// Plist dates count seconds from 2001-01-01T00:00:00Z.
const DATE_EPOCH_MS = 978_307_200_000;
const MAX_DATE_MS = 8.64e15;

// The integers plistlib (and so pyatv) can write: signed 64-bit, plus unsigned 64-bit
// above 2^63 - 1 (written as a 16-byte integer).
const MIN_INTEGER = -(2n ** 63n);
const MAX_INTEGER = 2n ** 64n - 1n;

function invalid(reason: string, cause?: unknown): never {
  throw new ProtocolError(`invalid binary plist: ${reason}`, cause === undefined ? {} : { cause });
}

/**
 * Decodes a binary plist. Anything else (an XML plist, truncated or corrupt input, a
 * reference cycle, input that expands beyond the limits) is a ProtocolError whose message
 * starts with "invalid binary plist:".
 */
export function decodePlist(bytes: Uint8Array, options: DecodePlistOptions = {}): PlistValue {
  if (isXmlPlist(bytes)) invalid("XML plists are not supported");
  const layout = readPlistLayout(bytes, {
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxNodes: options.maxValues ?? DEFAULT_MAX_VALUES,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    // bplist-parser's own (module-wide) limit; never changed here.
    maxObjects: maxObjectCount,
  });
  let parsed: unknown;
  try {
    [parsed] = parseBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    invalid(error instanceof Error ? error.message : String(error), error);
  }
  return fromParsed(parsed, layout.top, layout);
}

/** Whether a body is an XML plist rather than a binary one. */
export function isXmlPlist(bytes: Uint8Array): boolean {
  // Latin-1 keeps one character per byte, so a UTF-8 byte order mark reads as "\xef\xbb\xbf".
  const head = Buffer.from(bytes.subarray(0, 64))
    .toString("latin1")
    .replace(/^(\xef\xbb\xbf)?\s*/, "");
  return head.startsWith("<?xml") || head.startsWith("<plist") || head.startsWith("<!DOCTYPE");
}

/**
 * Takes bplist-parser's value apart alongside the checked layout: fixes what it reads
 * differently from plistlib and CoreFoundation (16-byte integers are signed there; dates
 * lose up to 1 ms to truncation in its arithmetic) and copies data out of the input.
 */
function fromParsed(parsed: unknown, ref: number, layout: PlistLayout): PlistValue {
  const object = layout.object(ref);
  switch (object.kind) {
    case "bool":
      if (typeof parsed === "boolean") return parsed;
      break;
    case "int":
      if (typeof parsed === "number") return parsed;
      if (typeof parsed === "bigint") return object.width === 16 ? signed128(parsed) : parsed;
      break;
    case "real":
      if (typeof parsed === "number") return parsed;
      break;
    case "date": {
      const ms = Math.round(DATE_EPOCH_MS + object.seconds * 1000);
      if (Math.abs(ms) > MAX_DATE_MS) invalid("date out of range");
      return new Date(ms);
    }
    case "data":
      if (parsed instanceof Uint8Array) return new Uint8Array(parsed);
      break;
    case "string":
      if (typeof parsed === "string") return parsed;
      break;
    case "uid":
      // bplist-parser gives its own UID class; the value is taken from the layout.
      if (typeof parsed === "object" && parsed !== null && "UID" in parsed) {
        return new PlistUid(object.value);
      }
      break;
    case "array":
      if (Array.isArray(parsed) && parsed.length === object.refs.length) {
        return object.refs.map((child, i) => fromParsed(parsed[i], child, layout));
      }
      break;
    case "dict":
      if (typeof parsed === "object" && parsed !== null)
        return dictFromParsed(parsed, object, layout);
      break;
  }
  return invalid(`object ${ref} does not read as a ${object.kind}`);
}

function dictFromParsed(
  parsed: object,
  object: { readonly keyRefs: readonly number[]; readonly valueRefs: readonly number[] },
  layout: PlistLayout,
): PlistDictionary {
  const keys = object.keyRefs.map((ref) => {
    const key = layout.object(ref);
    return key.kind === "string" ? key.text : invalid("dictionary key is not a string");
  });
  // A repeated key keeps its last value, as in bplist-parser and plistlib.
  const last = new Map<string, number>();
  for (const [i, key] of keys.entries()) last.set(key, i);
  const result: PlistDictionary = {};
  for (const [i, key] of keys.entries()) {
    if (last.get(key) !== i) continue;
    if (!Object.hasOwn(parsed, key)) invalid(`dictionary key "${key}" went missing`);
    const value = (parsed as Record<string, unknown>)[key];
    result[key] = fromParsed(value, object.valueRefs[i] as number, layout);
  }
  return result;
}

function signed128(unsigned: bigint): number | bigint {
  const value = unsigned >= 2n ** 127n ? unsigned - 2n ** 128n : unsigned;
  if (value < MIN_INTEGER || value > MAX_INTEGER) invalid(`integer ${value} out of range`);
  return integerValue(value);
}

function integerValue(value: bigint): number | bigint {
  const small = Number(value);
  return Number.isSafeInteger(small) ? small : value;
}

/**
 * Encodes a value as a binary plist (bplist00). Safe integers become plist integers, any
 * other number a real (wrap an integral number in PlistReal to force a real); bigints
 * become integers and must lie in -2^63 … 2^64 - 1, as plistlib's. Values of other types
 * are a TypeError, out-of-range ones a RangeError.
 */
export function encodePlist(value: PlistInput): Uint8Array {
  const written = bplistCreator(toCreatorValue(value, new Set()) as Record<string, unknown>);
  return new Uint8Array(written.buffer, written.byteOffset, written.length);
}

// bplist-creator takes a value apart by its JavaScript shape, so each value is given the
// shape that makes it write what we mean: Buffer (not any Uint8Array) for data, its Real
// for reals.
function toCreatorValue(value: PlistInput, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : new Real(value);
    case "bigint":
      if (value < MIN_INTEGER || value > MAX_INTEGER) {
        throw new RangeError(`plist integers lie in -2^63 … 2^64 - 1, got ${value}`);
      }
      return value;
    case "object":
      break;
    default:
      throw new TypeError(`cannot encode a ${typeof value} in a plist`);
  }
  if (value === null) throw new TypeError("cannot encode null in a plist");
  if (value instanceof PlistReal) {
    if (typeof value.value !== "number") throw new TypeError("PlistReal holds a number");
    return new Real(value.value);
  }
  if (value instanceof PlistUid) {
    // Checked again: the class's field is readonly only to TypeScript.
    const uid = new PlistUid(value.value);
    // bplist-creator writes exactly this shape as a UID.
    return { UID: uid.value };
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError("cannot encode an invalid Date");
    return value;
  }
  if (ancestors.has(value)) throw new TypeError("cannot encode a cyclic structure in a plist");
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item: PlistInput) => toCreatorValue(item, ancestors));
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError("cannot encode a class instance in a plist (only plain objects)");
    }
    return dictForCreator(value as { readonly [key: string]: PlistInput }, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function dictForCreator(
  dict: { readonly [key: string]: PlistInput },
  ancestors: Set<object>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(dict)) {
    if (key === "__proto__") throw new RangeError('cannot encode the dictionary key "__proto__"');
    result[key] = toCreatorValue(dict[key] as PlistInput, ancestors);
  }
  const keys = Object.keys(result);
  // Shapes bplist-creator reads as something other than a dictionary. It has no way to
  // write a dictionary whose only key is "UID" with an integer value: that shape is its
  // UID (which PlistUid is written as).
  if (keys.length === 1 && (typeof result.UID === "number" || typeof result.UID === "bigint")) {
    throw new RangeError(
      "bplist-creator writes {UID: <integer>} as a keyed-archiver UID; use PlistUid for UIDs",
    );
  }
  if (result.bplistOverride) {
    throw new RangeError('bplist-creator reserves the dictionary key "bplistOverride"');
  }
  return result;
}

/** The value as a dictionary; anything else is a ProtocolError naming `what` it was. */
export function plistDict(value: PlistValue | undefined, what: string): PlistDictionary {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array ||
    value instanceof Date ||
    value instanceof PlistUid
  ) {
    throw new ProtocolError(`${what} is not a dictionary (got ${plistTypeName(value)})`);
  }
  return value;
}

/** The plist type of a value, for messages. */
/** Whether the value is a dictionary (not an array, data, date or UID). */
export function isPlistDictionary(value: PlistValue | undefined): value is PlistDictionary {
  return plistTypeName(value) === "dictionary";
}

export function plistTypeName(value: PlistValue | undefined): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "data";
  if (value instanceof Date) return "date";
  if (value instanceof PlistUid) return "UID";
  if (typeof value === "object") return "dictionary";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "real";
  if (typeof value === "bigint") return "integer";
  return typeof value;
}
