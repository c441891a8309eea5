// DMAP encoding: trees of nodes (encodeDmap) and single tags (dmapTag, after pyatv's
// tags.py builders). Sizes are computed first and everything is written into one buffer.
// Bad input is a programmer's error, as in @atv/plist's encoder: a TypeError for a value
// of the wrong kind, a RangeError for a bad tag code, an integer that does not fit its
// width or nesting deeper than MAX_DMAP_DEPTH.

import { bplistBytes } from "./bplist.js";
import { type DmapNode, MAX_DMAP_DEPTH } from "./types.js";

const HEADER = 8;
const MAX_LENGTH = 0xffff_ffff;
const utf8 = new TextEncoder();

/**
 * Encodes a tree of nodes; the inverse of decodeDmap, so decoding and encoding again gives
 * back the same bytes. Integers are written with their node's `size` (default 4 bytes, or
 * 8 when the value needs them); a bplist node that decodeDmap produced is written as the
 * bytes it came from, any other as @atv/plist encodes its value.
 */
export function encodeDmap(nodes: readonly DmapNode[]): Uint8Array {
  // Payload lengths of containers and strings, and plist bytes, in the order the write
  // pass meets them.
  const measured: (number | Uint8Array)[] = [];
  const total = measureList(nodes, measured, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const cursor = { pos: 0, next: 0 };
  writeList(nodes, out, view, measured, cursor);
  return out;
}

function measureList(
  nodes: readonly DmapNode[],
  measured: (number | Uint8Array)[],
  depth: number,
): number {
  if (!Array.isArray(nodes)) throw new TypeError("DMAP container value must be an array of nodes");
  let total = 0;
  for (const node of nodes) total += HEADER + measureNode(node, measured, depth);
  return total;
}

function measureNode(node: DmapNode, measured: (number | Uint8Array)[], depth: number): number {
  checkTag(node.tag);
  const { tag, value } = node;
  let length: number;
  switch (node.type) {
    case "container": {
      if (depth >= MAX_DMAP_DEPTH) {
        throw new RangeError(`DMAP containers nest at most ${MAX_DMAP_DEPTH} deep ('${tag}')`);
      }
      const slot = measured.push(0) - 1;
      length = measureList(value as readonly DmapNode[], measured, depth + 1);
      measured[slot] = length;
      break;
    }
    case "string":
      if (typeof value !== "string") throw wrongValue(node, "a string");
      length = utf8Length(value);
      measured.push(length);
      break;
    case "raw":
      if (!(value instanceof Uint8Array)) throw wrongValue(node, "a Uint8Array");
      length = value.length;
      break;
    case "bplist": {
      const bytes = bplistBytes(node);
      measured.push(bytes);
      length = bytes.length;
      break;
    }
    case "bool":
      if (typeof value !== "boolean") throw wrongValue(node, "a boolean");
      length = boolWidth(node);
      break;
    case "version":
      versionBytes(node);
      length = 4;
      break;
    case "uint":
    case "int":
    case "date":
      length = integerWidth(node);
      break;
    default:
      throw new TypeError(`DMAP node '${tag}' has an unknown type ${String(node.type)}`);
  }
  if (length > MAX_LENGTH) throw new RangeError(`DMAP tag '${tag}' is longer than 4 GiB`);
  return length;
}

function writeList(
  nodes: readonly DmapNode[],
  out: Uint8Array,
  view: DataView,
  measured: (number | Uint8Array)[],
  cursor: { pos: number; next: number },
): void {
  for (const node of nodes) {
    const { value } = node;
    const at = cursor.pos;
    writeTag(out, at, node.tag);
    cursor.pos = at + HEADER;
    let length: number;
    switch (node.type) {
      case "container":
        length = measured[cursor.next++] as number;
        writeList(value as readonly DmapNode[], out, view, measured, cursor);
        break;
      case "string":
        length = measured[cursor.next++] as number;
        writeString(out, cursor.pos, value as string, length);
        cursor.pos += length;
        break;
      case "raw":
        length = (value as Uint8Array).length;
        out.set(value as Uint8Array, cursor.pos);
        cursor.pos += length;
        break;
      case "bplist": {
        const bytes = measured[cursor.next++] as Uint8Array;
        length = bytes.length;
        out.set(bytes, cursor.pos);
        cursor.pos += length;
        break;
      }
      case "bool":
        length = boolWidth(node);
        // Big-endian: the flag is the last byte, the others are zero already.
        out[cursor.pos + length - 1] = value ? 1 : 0;
        cursor.pos += length;
        break;
      case "version":
        length = 4;
        out.set(versionBytes(node), cursor.pos);
        cursor.pos += 4;
        break;
      default:
        length = integerWidth(node);
        writeInteger(view, cursor.pos, value as number | bigint, length, node.type === "int");
        cursor.pos += length;
    }
    view.setUint32(at + 4, length);
  }
}

/** The width an integer node is written with, after checking that its value fits. */
function integerWidth(node: DmapNode): number {
  const { value, size } = node;
  const signed = node.type === "int";
  let width: number;
  let fitting: boolean;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(
        `DMAP integer '${node.tag}' must be a safe integer (or a bigint), got ${value}`,
      );
    }
    width = size ?? defaultWidth(value, signed);
    fitting = numberFits(value, width, signed);
  } else if (typeof value === "bigint") {
    width = size ?? (bigintFits(value, 4, signed) ? 4 : 8);
    fitting = bigintFits(value, width, signed);
  } else {
    throw wrongValue(node, "a number or bigint");
  }
  if (width !== 1 && width !== 2 && width !== 4 && width !== 8) {
    throw new RangeError(`DMAP integer '${node.tag}' has size ${width}, not 1, 2, 4 or 8`);
  }
  if (!fitting) {
    throw new RangeError(
      `DMAP integer '${node.tag}' = ${value} does not fit in ${width} ${signed ? "signed" : "unsigned"} byte(s)`,
    );
  }
  return width;
}

/** Flags are one byte, unless their node says they came in a wider integer. */
function boolWidth(node: DmapNode): number {
  const width = node.size ?? 1;
  if (width !== 1 && width !== 2 && width !== 4 && width !== 8) {
    throw new RangeError(`DMAP flag '${node.tag}' has size ${width}, not 1, 2, 4 or 8`);
  }
  return width;
}

/** Integers are written in 4 bytes unless they need 8 (most DMAP integers are 32-bit). */
function defaultWidth(value: number, signed: boolean): number {
  return numberFits(value, 4, signed) ? 4 : 8;
}

function numberFits(value: number, width: number, signed: boolean): boolean {
  // Every safe integer fits in 64 bits, signed; the non-negative ones unsigned too.
  if (width === 8) return signed || value >= 0;
  const span = 2 ** (width * 8);
  return signed ? value >= -span / 2 && value < span / 2 : value >= 0 && value < span;
}

function bigintFits(value: bigint, width: number, signed: boolean): boolean {
  const bits = BigInt(width * 8);
  return signed
    ? value >= -(1n << (bits - 1n)) && value < 1n << (bits - 1n)
    : value >= 0n && value < 1n << bits;
}

function writeInteger(
  view: DataView,
  pos: number,
  value: number | bigint,
  width: number,
  signed: boolean,
): void {
  switch (width) {
    case 1:
      if (signed) view.setInt8(pos, Number(value));
      else view.setUint8(pos, Number(value));
      break;
    case 2:
      if (signed) view.setInt16(pos, Number(value));
      else view.setUint16(pos, Number(value));
      break;
    case 4:
      if (signed) view.setInt32(pos, Number(value));
      else view.setUint32(pos, Number(value));
      break;
    default:
      if (signed) view.setBigInt64(pos, BigInt(value));
      else view.setBigUint64(pos, BigInt(value));
  }
}

const VERSION = /^(\d{1,5})\.(\d{1,3})\.(\d{1,3})$/;

function versionBytes(node: DmapNode): Uint8Array {
  const match = typeof node.value === "string" ? VERSION.exec(node.value) : null;
  const [major, minor, patch] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
  if (major === undefined || minor === undefined || patch === undefined) {
    throw wrongValue(node, 'a "major.minor.patch" string');
  }
  if (major > 0xffff || minor > 0xff || patch > 0xff) {
    throw new RangeError(
      `DMAP version '${node.tag}' = ${String(node.value)} does not fit 16.8.8 bits`,
    );
  }
  return Uint8Array.of(major >> 8, major & 0xff, minor, patch);
}

function wrongValue(node: DmapNode, expected: string): TypeError {
  return new TypeError(`DMAP ${node.type} node '${node.tag}' needs ${expected} as its value`);
}

function checkTag(tag: unknown): void {
  if (typeof tag !== "string" || tag.length !== 4) {
    throw new RangeError(
      `a DMAP tag code is four printable ASCII characters, got ${JSON.stringify(tag)}`,
    );
  }
  for (let i = 0; i < 4; i++) {
    const code = tag.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      throw new RangeError(
        `a DMAP tag code is four printable ASCII characters, got ${JSON.stringify(tag)}`,
      );
    }
  }
}

function writeTag(out: Uint8Array, pos: number, tag: string): void {
  out[pos] = tag.charCodeAt(0);
  out[pos + 1] = tag.charCodeAt(1);
  out[pos + 2] = tag.charCodeAt(2);
  out[pos + 3] = tag.charCodeAt(3);
}

/** Bytes of `text` in UTF-8, lone surrogates counted as the U+FFFD TextEncoder writes. */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      length += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        // A pair: two UTF-16 units, four bytes.
        length += 2;
        i++;
      } else {
        length += 2;
      }
    } else {
      length += 2;
    }
  }
  return length;
}

function writeString(out: Uint8Array, pos: number, text: string, length: number): void {
  if (length === text.length) {
    // ASCII only: one byte per unit.
    for (let i = 0; i < length; i++) out[pos + i] = text.charCodeAt(i);
  } else {
    utf8.encodeInto(text, out.subarray(pos, pos + length));
  }
}

function header(tag: string, length: number): { out: Uint8Array; view: DataView } {
  checkTag(tag);
  if (length > MAX_LENGTH) throw new RangeError(`DMAP tag '${tag}' is longer than 4 GiB`);
  const out = new Uint8Array(HEADER + length);
  const view = new DataView(out.buffer);
  writeTag(out, 0, tag);
  view.setUint32(4, length);
  return { out, view };
}

function integerTag(tag: string, value: number | bigint, width: number): Uint8Array {
  const node: DmapNode = { tag, type: "uint", value, size: width };
  integerWidth(node);
  const { out, view } = header(tag, width);
  writeInteger(view, HEADER, value, width, false);
  return out;
}

/**
 * Single tags as bytes, after pyatv's tags.py builders. Unlike pyatv's string_tag, which
 * writes the number of characters, `string` writes the UTF-8 byte length.
 */
export const dmapTag: {
  container(tag: string, ...children: Uint8Array[]): Uint8Array;
  uint8(tag: string, value: number): Uint8Array;
  uint16(tag: string, value: number): Uint8Array;
  uint32(tag: string, value: number): Uint8Array;
  uint64(tag: string, value: number | bigint): Uint8Array;
  bool(tag: string, value: boolean): Uint8Array;
  string(tag: string, value: string): Uint8Array;
  raw(tag: string, value: Uint8Array): Uint8Array;
} = {
  container(tag, ...children) {
    let length = 0;
    for (const child of children) length += child.length;
    const { out } = header(tag, length);
    let pos = HEADER;
    for (const child of children) {
      out.set(child, pos);
      pos += child.length;
    }
    return out;
  },
  uint8: (tag, value) => integerTag(tag, value, 1),
  uint16: (tag, value) => integerTag(tag, value, 2),
  uint32: (tag, value) => integerTag(tag, value, 4),
  uint64: (tag, value) => integerTag(tag, value, 8),
  bool(tag, value) {
    const { out } = header(tag, 1);
    out[HEADER] = value ? 1 : 0;
    return out;
  },
  string(tag, value) {
    const length = utf8Length(value);
    const { out } = header(tag, length);
    writeString(out, HEADER, value, length);
    return out;
  },
  raw(tag, value) {
    const { out } = header(tag, value.length);
    out.set(value, HEADER);
    return out;
  },
};
