// Reads the layout of a binary plist (trailer, offset table, object headers) without
// building any values, and checks its object graph before bplist-parser walks it.
//
// bplist-parser 0.5.0 trusts its input: it follows object references recursively with no
// depth limit or cycle check, expands shared containers every time they are referenced
// (a few hundred bytes can describe an exponentially large tree), loops over counts it
// never compares with the input's size, and writes to the console on some bad headers.
// Everything it would do is therefore decided here first, against explicit limits.
// Format facts: CoreFoundation's CFBinaryPList.c and CPython's plistlib (which pyatv uses).

import { ProtocolError } from "@atv/interface";

const MAGIC = "bplist00";
const TRAILER_LENGTH = 32;

/** Limits on what one plist may expand to. */
export interface PlistLimits {
  /** Deepest nesting of arrays and dictionaries. */
  readonly maxDepth: number;
  /** Most values in the expanded tree (a shared object counts once per reference). */
  readonly maxNodes: number;
  /** Most string and data bytes in the expanded tree. */
  readonly maxBytes: number;
  /** Most objects in the object table. */
  readonly maxObjects: number;
}

/** One object of the table, as far as the decoder needs to know it. */
export type PlistObject =
  | { readonly kind: "bool" }
  | { readonly kind: "int"; readonly width: number }
  | { readonly kind: "real" }
  | { readonly kind: "date"; readonly seconds: number }
  | { readonly kind: "data"; readonly length: number }
  | { readonly kind: "string"; readonly text: string; readonly length: number }
  | { readonly kind: "uid"; readonly value: number }
  | { readonly kind: "array"; readonly refs: readonly number[] }
  | {
      readonly kind: "dict";
      readonly keyRefs: readonly number[];
      readonly valueRefs: readonly number[];
    };

/** The objects reachable from the top object, checked against the limits. */
export interface PlistLayout {
  readonly top: number;
  object(ref: number): PlistObject;
}

function invalid(reason: string): never {
  throw new ProtocolError(`invalid binary plist: ${reason}`);
}

function readUnsigned(bytes: Uint8Array, offset: number, width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 256 + (bytes[offset + i] as number);
  return value;
}

/**
 * Reads and checks the layout of a binary plist. Throws ProtocolError ("invalid binary
 * plist: …") for anything bplist-parser would misread, crash on or spend unbounded time
 * or memory on.
 */
export function readPlistLayout(bytes: Uint8Array, limits: PlistLimits): PlistLayout {
  const reader = new LayoutReader(bytes, limits);
  reader.checkGraph();
  return reader;
}

class LayoutReader implements PlistLayout {
  readonly top: number;
  readonly #bytes: Uint8Array;
  readonly #limits: PlistLimits;
  readonly #offsetSize: number;
  readonly #refSize: number;
  readonly #count: number;
  readonly #tableOffset: number;
  readonly #objects = new Map<number, PlistObject>();

  constructor(bytes: Uint8Array, limits: PlistLimits) {
    this.#bytes = bytes;
    this.#limits = limits;
    if (bytes.length < MAGIC.length + TRAILER_LENGTH) invalid("too short");
    if (Buffer.from(bytes.subarray(0, MAGIC.length)).toString("latin1") !== MAGIC) {
      invalid(`does not start with "${MAGIC}"`);
    }
    const trailer = bytes.length - TRAILER_LENGTH;
    this.#offsetSize = bytes[trailer + 6] as number;
    this.#refSize = bytes[trailer + 7] as number;
    this.#count = readUnsigned(bytes, trailer + 8, 8);
    this.top = readUnsigned(bytes, trailer + 16, 8);
    this.#tableOffset = readUnsigned(bytes, trailer + 24, 8);
    if (this.#offsetSize < 1 || this.#offsetSize > 8) invalid("bad offset size in trailer");
    if (this.#refSize < 1 || this.#refSize > 8) invalid("bad reference size in trailer");
    if (this.#count < 1) invalid("no objects");
    if (this.#count > limits.maxObjects) {
      invalid(`${this.#count} objects, more than the limit of ${limits.maxObjects}`);
    }
    if (this.top >= this.#count) invalid("top object is not in the object table");
    if (
      this.#tableOffset < MAGIC.length ||
      this.#tableOffset + this.#count * this.#offsetSize > trailer
    ) {
      invalid("offset table does not fit");
    }
  }

  object(ref: number): PlistObject {
    const known = this.#objects.get(ref);
    if (known !== undefined) return known;
    const object = this.#readObject(ref);
    this.#objects.set(ref, object);
    return object;
  }

  /**
   * Visits the graph from the top object once, memoising each object's expanded size and
   * height, so shared subtrees are measured as bplist-parser will expand them without
   * being walked more than once here.
   */
  checkGraph(): void {
    const state = new Uint8Array(this.#count); // 0 new, 1 on the current path, 2 measured
    const nodes = new Float64Array(this.#count);
    const bytes = new Float64Array(this.#count);
    const height = new Uint32Array(this.#count);
    const { maxDepth, maxNodes, maxBytes } = this.#limits;

    const visit = (ref: number, depth: number): void => {
      if (state[ref] === 1) invalid("object graph has a cycle");
      if (state[ref] === 2) {
        if (depth + (height[ref] as number) > maxDepth) invalid(`nested deeper than ${maxDepth}`);
        return;
      }
      if (depth > maxDepth) invalid(`nested deeper than ${maxDepth}`);
      state[ref] = 1;
      const object = this.object(ref);
      if (object.kind === "dict") {
        for (const key of object.keyRefs) {
          const keyObject = this.object(key);
          if (keyObject.kind !== "string") invalid("dictionary key is not a string");
          // bplist-parser assigns keys to a plain object, where this one would replace the
          // prototype instead of adding an entry.
          if (keyObject.text === "__proto__") invalid('dictionary key "__proto__"');
        }
      }
      let n = 1;
      let b = object.kind === "string" || object.kind === "data" ? object.length : 0;
      let h = 0;
      for (const child of childrenOf(object)) {
        visit(child, depth + 1);
        n += nodes[child] as number;
        b += bytes[child] as number;
        h = Math.max(h, (height[child] as number) + 1);
        if (n > maxNodes) invalid(`expands to more than ${maxNodes} values`);
        if (b > maxBytes) invalid(`expands to more than ${maxBytes} bytes of strings and data`);
      }
      if (b > maxBytes) invalid(`expands to more than ${maxBytes} bytes of strings and data`);
      nodes[ref] = n;
      bytes[ref] = b;
      height[ref] = h;
      state[ref] = 2;
    };
    visit(this.top, 0);
  }

  #readObject(ref: number): PlistObject {
    const bytes = this.#bytes;
    const offset = readUnsigned(
      bytes,
      this.#tableOffset + ref * this.#offsetSize,
      this.#offsetSize,
    );
    if (offset < MAGIC.length || offset >= this.#tableOffset) {
      invalid(`object ${ref} lies outside the object area`);
    }
    const marker = bytes[offset] as number;
    const type = marker >> 4;
    const info = marker & 0x0f;
    const within = (length: number): void => {
      if (offset + length > this.#tableOffset) invalid(`object ${ref} runs past its area`);
    };

    switch (type) {
      case 0x0:
        if (info === 0x8 || info === 0x9) return { kind: "bool" };
        // 0x00 (null) and 0x0F (fill) have no counterpart in a plist a device sends.
        return invalid(`unsupported simple value 0x${marker.toString(16).padStart(2, "0")}`);
      case 0x1: {
        // 1, 2, 4, 8 or 16 bytes (plistlib writes 16 for 2^63 … 2^64-1).
        if (info > 4) invalid(`integer of 2^${info} bytes`);
        within(1 + 2 ** info);
        return { kind: "int", width: 2 ** info };
      }
      case 0x2:
        if (info !== 2 && info !== 3) invalid(`real of 2^${info} bytes`);
        within(1 + 2 ** info);
        return { kind: "real" };
      case 0x3: {
        if (info !== 3) invalid(`date marker 0x${marker.toString(16)}`);
        within(9);
        const seconds = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readDoubleBE(
          offset + 1,
        );
        if (!Number.isFinite(seconds)) invalid("date is not a finite number");
        return { kind: "date", seconds };
      }
      case 0x4: {
        const [start, length] = this.#counted(ref, offset, info);
        within(start - offset + length);
        return { kind: "data", length };
      }
      case 0x5:
      case 0x6: {
        const [start, count] = this.#counted(ref, offset, info);
        const length = type === 0x6 ? count * 2 : count;
        within(start - offset + length);
        return { kind: "string", text: stringAt(bytes, start, length, type === 0x6), length };
      }
      case 0x8: {
        // NSKeyedArchiver's object references: info + 1 big-endian bytes (plistlib reads
        // any width; it and CoreFoundation write 1, 2, 4 or 8).
        const width = info + 1;
        if (width > 8) invalid(`UID of ${width} bytes`);
        within(1 + width);
        const value = readUnsigned(bytes, offset + 1, width);
        if (!Number.isSafeInteger(value)) invalid(`UID ${value} out of range`);
        return { kind: "uid", value };
      }
      case 0xa: {
        const [start, count] = this.#counted(ref, offset, info);
        within(start - offset + count * this.#refSize);
        return { kind: "array", refs: this.#refs(start, count) };
      }
      case 0xd: {
        const [start, count] = this.#counted(ref, offset, info);
        within(start - offset + 2 * count * this.#refSize);
        return {
          kind: "dict",
          keyRefs: this.#refs(start, count),
          valueRefs: this.#refs(start + count * this.#refSize, count),
        };
      }
      default:
        // Sets (0xC) and the rest: neither AirPlay nor keyed archives use them.
        return invalid(`unsupported object type 0x${marker.toString(16).padStart(2, "0")}`);
    }
  }

  /** Where a counted object's content starts and its count (inline, or an int after). */
  #counted(ref: number, offset: number, info: number): [start: number, count: number] {
    if (info < 0x0f) return [offset + 1, info];
    if (offset + 2 > this.#tableOffset) invalid(`object ${ref} runs past its area`);
    const lengthMarker = this.#bytes[offset + 1] as number;
    if (lengthMarker >> 4 !== 0x1 || (lengthMarker & 0x0f) > 3) {
      invalid(`object ${ref} has a bad length marker`);
    }
    const width = 2 ** (lengthMarker & 0x0f);
    if (offset + 2 + width > this.#tableOffset) invalid(`object ${ref} runs past its area`);
    return [offset + 2 + width, readUnsigned(this.#bytes, offset + 2, width)];
  }

  #refs(start: number, count: number): number[] {
    const refs: number[] = [];
    for (let i = 0; i < count; i++) {
      const ref = readUnsigned(this.#bytes, start + i * this.#refSize, this.#refSize);
      if (ref >= this.#count) invalid(`reference ${ref} is not in the object table`);
      refs.push(ref);
    }
    return refs;
  }
}

function childrenOf(object: PlistObject): readonly number[] {
  if (object.kind === "array") return object.refs;
  if (object.kind === "dict") return [...object.keyRefs, ...object.valueRefs];
  return [];
}

/** Decodes a string object exactly as bplist-parser does, so its keys can be looked up. */
function stringAt(bytes: Uint8Array, start: number, length: number, utf16: boolean): string {
  const raw = Buffer.from(bytes.subarray(start, start + length));
  if (!utf16) return raw.toString("utf8");
  return raw.swap16().toString("ucs2");
}
