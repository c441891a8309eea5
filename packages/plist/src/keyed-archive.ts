// NSKeyedArchiver archives: binary plists of the form {$version, $archiver, $top, $objects}
// in which objects refer to each other by UID, an index into $objects. Companion's text
// input (RTI) carries its state this way. Like pyatv (keyed_archiver.py and the pre-encoded
// payloads of plist_payloads/rti_text_operations.py), this reads properties along paths and
// writes object trees; it does not map archives onto classes.

import { ProtocolError } from "@atv/interface";
import {
  decodePlist,
  encodePlist,
  type PlistDictionary,
  type PlistInput,
  PlistUid,
  type PlistValue,
  plistTypeName,
} from "./plist.js";

/** NSKeyedArchiver's archive format version (NSKeyedArchiveVersion). */
const ARCHIVE_VERSION = 100_000;
/** $objects[0]: what UID 0, the archived nil, refers to. */
const NULL_OBJECT = "$null";

function invalid(reason: string): never {
  throw new ProtocolError(`invalid keyed archive: ${reason}`);
}

function isDictionary(value: PlistValue | undefined): value is PlistDictionary {
  return plistTypeName(value) === "dictionary";
}

/**
 * Reads values out of an archive, after pyatv's `read_archive_properties`: each path
 * starts at `$top` and follows its keys in turn, each UID met on the way standing for the
 * object of `$objects` it refers to. A path with a missing key, a UID outside `$objects`
 * or a step into something not a dictionary reads as undefined, as pyatv reads None.
 * One difference: UID 0 (the archived nil, pointing at "$null") reads as undefined, as
 * NSKeyedUnarchiver reads it, where pyatv returns the string "$null".
 *
 * Input that is not a binary plist, or not an archive (a dictionary with a `$top`
 * dictionary and an `$objects` array), is a ProtocolError.
 */
export function readArchiveProperties(
  archive: Uint8Array,
  ...paths: readonly (readonly string[])[]
): (PlistValue | undefined)[] {
  const root = decodePlist(archive);
  if (!isDictionary(root)) invalid(`the root is not a dictionary (got ${plistTypeName(root)})`);
  const top = Object.hasOwn(root, "$top") ? root.$top : undefined;
  const objects = Object.hasOwn(root, "$objects") ? root.$objects : undefined;
  if (!isDictionary(top)) invalid(`$top is not a dictionary (got ${plistTypeName(top)})`);
  if (!Array.isArray(objects)) invalid(`$objects is not an array (got ${plistTypeName(objects)})`);
  return paths.map((path) => follow(top, objects, path));
}

function follow(
  top: PlistDictionary,
  objects: readonly PlistValue[],
  path: readonly string[],
): PlistValue | undefined {
  let element: PlistValue | undefined = top;
  for (const key of path) {
    if (!isDictionary(element) || !Object.hasOwn(element, key)) return undefined;
    element = element[key];
    if (element instanceof PlistUid) {
      if (element.value === 0) return undefined;
      element = objects[element.value];
    }
  }
  return element;
}

/**
 * A value to archive. Strings, numbers, booleans and data become objects of their own in
 * `$objects`, referred to by UID, as NSKeyedArchiver's encodeObject:forKey: stores
 * NSString, NSNumber and NSData.
 */
export type ArchiveValue = string | number | boolean | Uint8Array | ArchivedObject;

/** An object to archive, as NSKeyedArchiver writes one. */
export interface ArchivedObject {
  /**
   * Its class, written as `$class` referring to `{$classname, $classes}`. Without one the
   * object is a bare dictionary of its fields, as pyatv's fake device writes the session
   * it answers `_tiStart` with.
   */
  readonly className?: string;
  /** The class and its ancestors; default `[className, "NSObject"]`. */
  readonly classes?: readonly string[];
  /** Fields stored as objects of their own, referred to by UID, in this order. */
  readonly fields?: Readonly<Record<string, ArchiveValue>>;
  /**
   * Fields stored in the object's own dictionary, as encodeBytes:length:forKey:,
   * encodeInt64:forKey: and encodeBool:forKey: store them (NSUUID's "NS.uuidbytes").
   */
  readonly inline?: Readonly<Record<string, PlistInput>>;
}

export interface EncodeKeyedArchiveOptions {
  /** `$archiver`; default "NSKeyedArchiver" (RTI payloads say "RTIKeyedArchiver"). */
  readonly archiver?: string;
}

/**
 * Writes an archive whose `$top` holds `top`. Objects are numbered depth first in the
 * order met: an object when its turn comes, then its fields in order, then its class,
 * each class written once and shared. This numbering gives exactly the `$objects` of
 * pyatv's two RTI text payloads when their fields are listed in the order the device
 * reads them (see the known-answer tests). Values a plist cannot hold, and field names
 * that clash with `$class` or with each other, are a TypeError or RangeError.
 */
export function encodeKeyedArchive(
  top: Readonly<Record<string, ArchiveValue>>,
  options: EncodeKeyedArchiveOptions = {},
): Uint8Array {
  const writer = new ArchiveWriter();
  const topRefs: Record<string, PlistInput> = {};
  for (const [key, value] of Object.entries(top)) topRefs[key] = writer.add(value, new Set());
  return encodePlist({
    $version: ARCHIVE_VERSION,
    $archiver: options.archiver ?? "NSKeyedArchiver",
    $top: topRefs,
    $objects: writer.objects,
  });
}

class ArchiveWriter {
  readonly objects: PlistInput[] = [NULL_OBJECT];
  readonly #classes = new Map<string, PlistUid>();

  add(value: ArchiveValue, ancestors: Set<object>): PlistUid {
    const uid = new PlistUid(this.objects.length);
    if (typeof value !== "object" || value instanceof Uint8Array) {
      this.objects.push(value);
      return uid;
    }
    if (value === null) throw new TypeError("cannot archive null (leave the field out)");
    if (ancestors.has(value)) throw new TypeError("cannot archive a cyclic structure");
    const dict: Record<string, PlistInput> = {};
    // The slot is taken now so that the object is numbered before its fields.
    this.objects.push(dict);
    ancestors.add(value);
    for (const [key, inline] of Object.entries(value.inline ?? {})) {
      if (key === "$class") throw new RangeError('"$class" cannot be a field name');
      dict[key] = inline;
    }
    for (const [key, field] of Object.entries(value.fields ?? {})) {
      if (key === "$class" || Object.hasOwn(dict, key)) {
        throw new RangeError(`field "${key}" is given twice or clashes with "$class"`);
      }
      dict[key] = this.add(field, ancestors);
    }
    ancestors.delete(value);
    if (value.className !== undefined) {
      dict.$class = this.#classRef(value.className, value.classes);
    }
    return uid;
  }

  #classRef(className: string, classes: readonly string[] | undefined): PlistUid {
    const hierarchy = classes ?? [className, "NSObject"];
    const key = JSON.stringify([className, hierarchy]);
    const known = this.#classes.get(key);
    if (known !== undefined) return known;
    const uid = new PlistUid(this.objects.length);
    this.objects.push({ $classname: className, $classes: [...hierarchy] });
    this.#classes.set(key, uid);
    return uid;
  }
}
