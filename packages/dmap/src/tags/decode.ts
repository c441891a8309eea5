// DMAP decoding: a sequence of elements, each a 4-character ASCII tag code, a 4-byte
// big-endian payload length and the payload (pyatv's parser.py). Containers hold more
// elements; which tags are containers, and how other payloads read, comes from the tag
// table. Unknown tags are kept as raw bytes (pyatv logs and drops them).
//
// Built for throughput: one pass over the input with an explicit stack of open containers
// (no recursion, so nesting is bounded by MAX_DMAP_DEPTH and not by the call stack),
// integers read in place, known tag codes matched without making a string.

import { InvalidDmapDataError } from "@atv/interface";
import { readBplist, rememberBplistSource } from "./bplist.js";
import { type DmapTagInfo, TypeKind, tagByKey } from "./tag-table.js";
import { type DmapNode, type DmapType, MAX_DMAP_DEPTH } from "./types.js";

// Strings are strict UTF-8: a replacement character would make the decoded tree encode to
// other bytes, and a garbled title is a wrong answer given silently (pyatv fails too).
// ignoreBOM keeps a leading U+FEFF as text instead of dropping it, for the same reason.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

interface NodeShape {
  tag: string;
  type: DmapType;
  value: unknown;
  size: number | undefined;
}

/**
 * Decodes DMAP data into a tree of nodes. Anything that is not well-formed DMAP (a header
 * or payload past the end of its container, a tag code that is not printable ASCII, an
 * integer of a width other than 1, 2, 4 or 8 bytes, invalid UTF-8 in a string, a broken
 * binary plist, containers nested deeper than 64) is an InvalidDmapDataError naming the
 * tag and its offset.
 */
export function decodeDmap(input: Uint8Array): DmapNode[] {
  // A Buffer over the same memory (not a copy), for its latin1 reading of ASCII strings.
  const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  // The nodes read so far at every open level, innermost last: a container's children are
  // copied out in one exactly sized array when it closes, instead of growing an array each.
  const nodes: DmapNode[] = [];
  let count = 0;
  // Each open container: its tag, where its children start in `nodes`, where it ends.
  const openTags: string[] = [];
  const openFirsts: number[] = [];
  const openEnds: number[] = [];
  let end = data.length;
  let pos = 0;
  for (;;) {
    if (pos === end) {
      const tag = openTags.pop();
      if (tag === undefined) return nodes.slice(0, count);
      const firstChild = openFirsts.pop() as number;
      end = openEnds.pop() as number;
      nodes[firstChild] = node(tag, "container", nodes.slice(firstChild, count), undefined);
      count = firstChild + 1;
      continue;
    }
    if (end - pos < 8) {
      throw new InvalidDmapDataError(
        `invalid DMAP data: ${end - pos} byte(s) at offset ${pos} are too few for a tag header before the end of ${enclosure(openTags)}`,
      );
    }
    const b0 = data[pos] as number;
    const b1 = data[pos + 1] as number;
    const b2 = data[pos + 2] as number;
    const b3 = data[pos + 3] as number;
    if (!printable(b0) || !printable(b1) || !printable(b2) || !printable(b3)) {
      throw new InvalidDmapDataError(
        `invalid DMAP data: the tag code at offset ${pos} (bytes ${hexBytes(data, pos, 4)}) is not four printable ASCII characters`,
      );
    }
    const info = tagByKey((b0 << 24) | (b1 << 16) | (b2 << 8) | b3);
    const tag = info === undefined ? String.fromCharCode(b0, b1, b2, b3) : info.code;
    const length = view.getUint32(pos + 4);
    const start = pos + 8;
    if (length > end - start) {
      throw new InvalidDmapDataError(
        `invalid DMAP data: tag '${tag}' at offset ${pos} has a length of ${length}, past the end of ${enclosure(openTags)} at offset ${end}`,
      );
    }
    if (info !== undefined && info.kind === TypeKind.container) {
      if (openTags.length >= MAX_DMAP_DEPTH) {
        throw new InvalidDmapDataError(
          `invalid DMAP data: container '${tag}' at offset ${pos} is nested deeper than ${MAX_DMAP_DEPTH} levels`,
        );
      }
      openTags.push(tag);
      openFirsts.push(count);
      openEnds.push(end);
      end = start + length;
      pos = start;
      continue;
    }
    nodes[count++] = readLeaf(data, view, info, tag, start, length);
    pos = start + length;
  }
}

function readLeaf(
  data: Buffer,
  view: DataView,
  info: DmapTagInfo | undefined,
  tag: string,
  start: number,
  length: number,
): DmapNode {
  switch (info === undefined ? TypeKind.raw : info.kind) {
    case TypeKind.uint:
      return readInteger(data, view, tag, "uint", start, length);
    case TypeKind.int:
      return readInteger(data, view, tag, "int", start, length);
    case TypeKind.string:
      return node(tag, "string", readString(data, tag, start, length), undefined);
    case TypeKind.bool: {
      // pyatv reads a flag as "value == 1", of any width. A flag of 0 or 1 in more than a
      // byte keeps its width in `size`; any other value (DAAP's ated is 3 or 7 in a uint16
      // on real servers) is kept as the number it is, rather than read as false and
      // written back as 0.
      if (length === 1) {
        const byte = data[start];
        if (byte === 0 || byte === 1) return node(tag, "bool", byte === 1, undefined);
      }
      const number = readInteger(data, view, tag, "uint", start, length);
      if (number.value === 0 || number.value === 1) {
        return node(tag, "bool", number.value === 1, length);
      }
      return number;
    }
    case TypeKind.date:
      if (length !== 4) return readInteger(data, view, tag, "uint", start, length);
      return node(tag, "date", view.getUint32(start), 4);
    case TypeKind.version:
      if (length !== 4) return readInteger(data, view, tag, "uint", start, length);
      return node(
        tag,
        "version",
        `${view.getUint16(start)}.${data[start + 2]}.${data[start + 3]}`,
        4,
      );
    case TypeKind.bplist:
      return readBplistNode(data, tag, start, length);
    default:
      // Raw and unknown tags. A copy (Buffer's slice would be a view), as the caller may
      // reuse its buffer.
      return node(tag, "raw", new Uint8Array(data.subarray(start, start + length)), undefined);
  }
}

function readInteger(
  data: Buffer,
  view: DataView,
  tag: string,
  type: "uint" | "int",
  start: number,
  length: number,
): DmapNode {
  const signed = type === "int";
  let value: number | bigint;
  switch (length) {
    case 1:
      value = signed ? view.getInt8(start) : (data[start] as number);
      break;
    case 2:
      value = signed ? view.getInt16(start) : view.getUint16(start);
      break;
    case 4:
      value = signed ? view.getInt32(start) : view.getUint32(start);
      break;
    case 8: {
      // Two halves as numbers; a bigint only when the value is beyond 2^53.
      const high = signed ? view.getInt32(start) : view.getUint32(start);
      if (high < 0x20_0000 && high >= -0x20_0000) {
        value = high * 0x1_0000_0000 + view.getUint32(start + 4);
        if (!Number.isSafeInteger(value)) {
          value = signed ? view.getBigInt64(start) : view.getBigUint64(start);
        }
      } else {
        value = signed ? view.getBigInt64(start) : view.getBigUint64(start);
      }
      break;
    }
    default:
      throw new InvalidDmapDataError(
        `invalid DMAP data: integer tag '${tag}' at offset ${start - 8} has ${length} byte(s), not 1, 2, 4 or 8`,
      );
  }
  return node(tag, type, value, length);
}

function readString(bytes: Buffer, tag: string, start: number, length: number): string {
  const end = start + length;
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) >= 0x80) return decodeUtf8(bytes, tag, start, length);
  }
  // ASCII: one byte per character, and no subarray to make.
  return latin1Slice !== undefined
    ? latin1Slice.call(bytes, start, end)
    : bytes.toString("latin1", start, end);
}

// The method Buffer's toString("latin1", start, end) ends in, without its argument
// handling, which costs about a tenth of the decoding time of a listing of titles. Not in
// Node's typings, so it is looked up and the documented call kept as the fallback.
const latin1Slice = (Buffer.prototype as { latin1Slice?: (start: number, end: number) => string })
  .latin1Slice;

function decodeUtf8(data: Buffer, tag: string, start: number, length: number): string {
  try {
    return utf8.decode(data.subarray(start, start + length));
  } catch (error) {
    throw new InvalidDmapDataError(
      `invalid DMAP data: string tag '${tag}' at offset ${start - 8} is not valid UTF-8`,
      { cause: error },
    );
  }
}

function readBplistNode(data: Buffer, tag: string, start: number, length: number): DmapNode {
  const payload = data.subarray(start, start + length);
  let value: unknown;
  try {
    value = readBplist(payload);
  } catch (error) {
    throw new InvalidDmapDataError(
      `invalid DMAP data: plist tag '${tag}' at offset ${start - 8} does not hold a valid binary plist`,
      { cause: error },
    );
  }
  const result = node(tag, "bplist", value, undefined);
  rememberBplistSource(result, payload);
  return result;
}

// Every node has the same four properties, so that the engine sees one object shape.
function node(tag: string, type: DmapType, value: unknown, size: number | undefined): DmapNode {
  const result: NodeShape = { tag, type, value, size };
  return result;
}

function printable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}

function hexBytes(data: Buffer, start: number, count: number): string {
  return Array.from(data.subarray(start, start + count), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join(" ");
}

/** What the element being read lies in: the innermost open container, or the data. */
function enclosure(openTags: readonly string[]): string {
  const parent = openTags.at(-1);
  return parent === undefined ? "the data" : `container '${parent}'`;
}
