// OPACK, Apple's binary serialisation used by the Companion link. Facts from pyatv's
// pyatv/support/opack.py (MIT) and the known answers in shared/vectors/opack.json.
//
// Back-references: pyatv's `unpack` keeps a table of decoded strings, data, UUIDs, sized
// ints, floats and 0x06 values (never lists or dicts, never null/bools/small ints),
// skipping a value already in it by Python `==`. Its `pack` keeps a different table
// (every encoding longer than one byte, containers included), so it can emit references its
// own unpack cannot follow (the PYATV BUG vectors). Our decoder follows pyatv's unpack; our
// encoder keeps unpack's table, so what we encode always decodes, and for every value
// pyatv round-trips our bytes equal pyatv's.

import { ProtocolError } from "@atv/interface";

/** Byte widths of pyatv's sized ints (0x30–0x34: 1 << low nibble). */
export type OpackIntSize = 1 | 2 | 4 | 8 | 16;

/**
 * An integer that was (or must be) written with an explicit width: 0x30–0x33 carry 1, 2, 4
 * or 8 little-endian bytes, 0x34 16 (decode only). pyatv's `_sized_int`.
 */
export class OpackInt {
  readonly value: bigint;
  readonly size: OpackIntSize;

  constructor(value: bigint | number, size: OpackIntSize) {
    if (![1, 2, 4, 8, 16].includes(size)) throw new RangeError(`bad OPACK int size ${size}`);
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new RangeError(`OPACK int value ${value} is not a safe integer`);
    }
    const big = BigInt(value);
    if (big < 0n || big >= 1n << BigInt(size * 8)) {
      throw new RangeError(`${big} does not fit an unsigned ${size}-byte OPACK int`);
    }
    this.value = big;
    this.size = size;
  }

  /** The value as a number; a RangeError if it is past Number.MAX_SAFE_INTEGER. */
  toNumber(): number {
    if (this.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`${this.value} is too large for a number`);
    }
    return Number(this.value);
  }
}

/**
 * A float64 (0x36). Decoded floats (0x35 and 0x36) come back as this, so an integral float
 * such as 1.0 keeps its type; to encode a plain non-integral number is enough.
 */
export class OpackFloat {
  constructor(readonly value: number) {}
}

/** A UUID (0x05 + 16 bytes, in the order of its text form). */
export class OpackUuid {
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    if (bytes.length !== 16) throw new RangeError(`a UUID is 16 bytes, got ${bytes.length}`);
    this.bytes = Uint8Array.from(bytes);
  }

  static fromString(text: string): OpackUuid {
    const hex = text.replaceAll("-", "");
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: ${text}`);
    return new OpackUuid(Uint8Array.from(Buffer.from(hex, "hex")));
  }

  toString(): string {
    const hex = Buffer.from(this.bytes).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/**
 * What the decoder returns. Small ints (0..39) and 0x06 values are plain numbers (bigint
 * past 2^53); 0x30–0x34 are `OpackInt`; floats are `OpackFloat`; dictionaries are Maps,
 * because OPACK keys need not be strings.
 */
export type OpackValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | OpackUuid
  | OpackInt
  | OpackFloat
  | OpackValue[]
  | OpackDict;
export type OpackDict = Map<OpackValue, OpackValue>;

/**
 * What the encoder accepts: every `OpackValue`, plus read-only arrays and maps and plain
 * objects (string keys, in JavaScript's property order: integer-like keys come first).
 * A non-integral or negative-zero number is a float64; any other number, and a bigint, is an
 * int packed the way pyatv packs a Python int (negative ints are refused).
 */
export type OpackEncodable =
  | OpackValue
  | readonly OpackEncodable[]
  | ReadonlyMap<OpackEncodable, OpackEncodable>
  | { readonly [key: string]: OpackEncodable };

export interface OpackDecodeOptions {
  /** Most containers nested in one another (default 64). */
  readonly maxDepth?: number;
  /** Most values decoded in one call, containers included (default 1,000,000). */
  readonly maxItems?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_ITEMS = 1_000_000;
const TERMINATOR = 0x03;
// With the u flag a surrogate pair is one code point, so this matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------
// Table keys: two values share a key exactly when Python's `==` holds between what pyatv's
// unpack would produce for them (so 256, a sized 256 and 256.0 are one key; NaN has none).

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function numberKey(value: bigint): string {
  return `n${value}`;
}

function floatKey(value: number): string | undefined {
  if (Number.isNaN(value)) return undefined;
  if (Number.isInteger(value)) return numberKey(BigInt(value));
  return `n${value}`;
}

// ---------------------------------------------------------------------------------------
// Encoder

/** Packs a value; a TypeError for what OPACK cannot hold, a RangeError for what is too big. */
export function encodeOpack(value: OpackEncodable): Uint8Array {
  return new Encoder().encode(value, 0);
}

interface TableSlot {
  readonly index: number;
  readonly bytes: Uint8Array;
}

class Encoder {
  // The decoder's table, replayed: the number of slots so far and the first slot per key.
  private slots = 0;
  private readonly byKey = new Map<string, TableSlot>();
  // Strings, the bulk of most messages, keyed as they are (no prefixed key to build).
  private readonly byString = new Map<string, TableSlot>();

  encode(value: OpackEncodable, depth: number): Uint8Array {
    if (value === null) return Uint8Array.of(0x04);
    if (value === true) return Uint8Array.of(0x01);
    if (value === false) return Uint8Array.of(0x02);
    if (typeof value === "number") {
      if (Number.isInteger(value) && !Object.is(value, -0)) return this.integer(BigInt(value));
      return this.float(value);
    }
    if (typeof value === "bigint") return this.integer(value);
    if (typeof value === "string") return this.string(value);
    if (value instanceof Uint8Array) return this.data(value);
    if (value instanceof OpackUuid) {
      const bytes = new Uint8Array(17);
      bytes[0] = 0x05;
      bytes.set(value.bytes, 1);
      return this.tableValue(bytes, `u${latin1(value.bytes)}`);
    }
    if (value instanceof OpackInt) return this.integer(value.value, value.size);
    if (value instanceof OpackFloat) return this.float(value.value);
    if (depth >= DEFAULT_MAX_DEPTH) {
      throw new RangeError(`OPACK nesting deeper than ${DEFAULT_MAX_DEPTH} (a cycle?)`);
    }
    if (Array.isArray(value)) {
      const items = value as readonly OpackEncodable[];
      return container(
        0xd0,
        items.length,
        items.map((item) => this.encode(item, depth + 1)),
      );
    }
    if (value instanceof Map) {
      const parts: Uint8Array[] = [];
      for (const [key, item] of value as ReadonlyMap<OpackEncodable, OpackEncodable>) {
        parts.push(this.encode(key, depth + 1), this.encode(item, depth + 1));
      }
      return container(0xe0, value.size, parts);
    }
    if (typeof value === "object" && isPlainObject(value)) {
      const parts: Uint8Array[] = [];
      const entries = Object.entries(value as { readonly [key: string]: OpackEncodable });
      for (const [key, item] of entries) {
        parts.push(this.encode(key, depth + 1), this.encode(item, depth + 1));
      }
      return container(0xe0, entries.length, parts);
    }
    // pyatv raises NotImplementedError for datetime and TypeError for anything else.
    throw new TypeError(`OPACK cannot encode ${describe(value)}`);
  }

  private integer(value: bigint, size?: OpackIntSize): Uint8Array {
    if (value < 0n) {
      // pyatv packs -1..-8 as the invalid tags 0x07..0x00 and fails below; we refuse all.
      throw new RangeError(`OPACK has no encoding for the negative int ${value}`);
    }
    if (size === undefined && value < 0x28n) return Uint8Array.of(Number(value) + 8);
    // pyatv: an int keeps its size hint, except that 16 (from 0x34) falls through to 8.
    let width: number;
    if (size === 1 || (size === undefined && value <= 0xffn)) width = 1;
    else if (size === 2 || (size === undefined && value <= 0xffffn)) width = 2;
    else if (size === 4 || (size === undefined && value <= 0xffffffffn)) width = 4;
    else width = 8;
    if (value >= 1n << BigInt(width * 8)) {
      throw new RangeError(`${value} does not fit OPACK's ${width}-byte int`);
    }
    const bytes = new Uint8Array(1 + width);
    bytes[0] = 0x30 + Math.log2(width);
    writeUintLE(bytes, 1, width, value);
    return this.tableValue(bytes, numberKey(value));
  }

  private float(value: number): Uint8Array {
    // Always float64, as pyatv (0x35 is only decoded).
    const bytes = new Uint8Array(9);
    bytes[0] = 0x36;
    new DataView(bytes.buffer).setFloat64(1, value, true);
    return this.tableValue(bytes, floatKey(value));
  }

  private string(value: string): Uint8Array {
    if (LONE_SURROGATE.test(value)) throw new TypeError("OPACK strings must be well-formed UTF-16");
    const encoded = utf8Encoder.encode(value);
    // Lengths up to 0x20 inline (0x40 + n), then 1, 2, 3 or 4 length bytes (0x61–0x64).
    const header = sizedHeader(encoded.length, 0x40, 0x20, 0x60, [1, 2, 3, 4]);
    return this.tableValue(concat(header, encoded), value, this.byString);
  }

  private data(value: Uint8Array): Uint8Array {
    // pyatv skips the 3-byte form for data: 0x91–0x94 carry 1, 2, 4 or 8 length bytes.
    const header = sizedHeader(value.length, 0x70, 0x20, 0x90, [1, 2, 4, 8]);
    return this.tableValue(concat(header, value), `b${latin1(value)}`);
  }

  /** Emits a back-reference if the decoder will hold these same bytes, tracking its table. */
  private tableValue(
    bytes: Uint8Array,
    key: string | undefined,
    table: Map<string, TableSlot> = this.byKey,
  ): Uint8Array {
    if (key === undefined) {
      this.slots += 1; // NaN: never equal, so unpack always appends it
      return bytes;
    }
    const hit = table.get(key);
    if (hit === undefined) {
      table.set(key, { index: this.slots, bytes });
      this.slots += 1;
      return bytes;
    }
    // Equal by Python == but packed differently (256 vs 256.0): unpack keeps the first,
    // so the literal is written and takes no slot. One-byte values ("", b"") are never
    // replaced, as in pyatv's pack.
    if (bytes.length > 1 && bytesEqual(hit.bytes, bytes)) {
      return backReference(hit.index) ?? bytes;
    }
    return bytes;
  }
}

function backReference(index: number): Uint8Array | undefined {
  if (index <= 0x20) return Uint8Array.of(0xa0 + index);
  // 0xC1–0xC4 carry 1, 2, 3 or 4 index bytes, as pyatv's unpack reads them (its pack
  // writes 4 and 8 bytes for 0xC3/0xC4, which its unpack misreads; no vector reaches them).
  for (const width of [1, 2, 3, 4]) {
    if (index < 2 ** (8 * width)) {
      const bytes = new Uint8Array(1 + width);
      bytes[0] = 0xc0 + width;
      writeUintLE(bytes, 1, width, BigInt(index));
      return bytes;
    }
  }
  return undefined;
}

function sizedHeader(
  length: number,
  inlineBase: number,
  inlineMax: number,
  sizedBase: number,
  widths: readonly number[],
): Uint8Array {
  if (length <= inlineMax) return Uint8Array.of(inlineBase + length);
  for (const [i, width] of widths.entries()) {
    if (length < 2 ** (8 * width)) {
      const header = new Uint8Array(1 + width);
      header[0] = sizedBase + i + 1;
      writeUintLE(header, 1, width, BigInt(length));
      return header;
    }
  }
  throw new RangeError(`OPACK value of ${length} bytes is too long`);
}

function container(base: number, count: number, parts: readonly Uint8Array[]): Uint8Array {
  // Up to 14 entries the count is in the tag; from 15 on the tag is base+0xF and 0x03 ends it.
  const terminated = count >= 0xf;
  const head = Uint8Array.of(base + Math.min(count, 0xf));
  return concat(head, ...parts, ...(terminated ? [Uint8Array.of(TERMINATOR)] : []));
}

function writeUintLE(target: Uint8Array, offset: number, width: number, value: bigint): void {
  let rest = value;
  for (let i = 0; i < width; i++) {
    target[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value !== "object" || value === null) return typeof value;
  return value.constructor?.name ?? "object";
}

// ---------------------------------------------------------------------------------------
// Decoder

/**
 * Decodes one value from the start of `bytes`; `rest` is what follows it (pyatv's
 * `unpack`). Bad input of any kind is a ProtocolError.
 */
export function decodeOpackPrefix(
  bytes: Uint8Array,
  options: OpackDecodeOptions = {},
): { value: OpackValue; rest: Uint8Array } {
  const decoder = new Decoder(bytes, options);
  const value = decoder.value(0);
  return { value, rest: bytes.subarray(decoder.offset) };
}

/** Decodes exactly one value: trailing bytes are a ProtocolError. */
export function decodeOpack(bytes: Uint8Array, options: OpackDecodeOptions = {}): OpackValue {
  const { value, rest } = decodeOpackPrefix(bytes, options);
  if (rest.length > 0) throw new ProtocolError(`${rest.length} bytes after the OPACK value`);
  return value;
}

class Decoder {
  offset = 0;
  private items = 0;
  private readonly table: OpackValue[] = [];
  private readonly keys = new Set<string>();
  private readonly strings = new Set<string>();
  private readonly maxDepth: number;
  private readonly maxItems: number;

  constructor(
    private readonly bytes: Uint8Array,
    options: OpackDecodeOptions,
  ) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  }

  value(depth: number): OpackValue {
    // The tag byte is read in place: a view per tag was a large share of decoding time.
    const tag =
      this.offset < this.bytes.length ? (this.bytes[this.offset++] as number) : this.tag();
    this.items += 1;
    if (this.items > this.maxItems) {
      throw new ProtocolError(`OPACK data holds more than ${this.maxItems} values`);
    }
    if (tag === 0x01) return true;
    if (tag === 0x02) return false;
    if (tag === 0x04) return null;
    if (tag === 0x05) return this.remember(new OpackUuid(this.take(16)));
    if (tag === 0x06) {
      // Absolute time; pyatv decodes it as a plain little-endian int of 8 bytes.
      const value = readUintLE(this.take(8));
      return this.remember(value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value);
    }
    if (tag >= 0x08 && tag <= 0x2f) return tag - 8;
    if (tag === 0x35) return this.remember(new OpackFloat(view(this.take(4)).getFloat32(0, true)));
    if (tag === 0x36) return this.remember(new OpackFloat(view(this.take(8)).getFloat64(0, true)));
    if (tag >= 0x30 && tag <= 0x34) {
      const size = (1 << (tag & 0xf)) as OpackIntSize;
      return this.remember(new OpackInt(readUintLE(this.take(size)), size));
    }
    if (tag >= 0x40 && tag <= 0x64) {
      const length = tag <= 0x60 ? tag - 0x40 : this.length(tag & 0xf);
      try {
        return this.remember(utf8Decoder.decode(this.take(length)));
      } catch (error) {
        if (error instanceof ProtocolError) throw error;
        throw new ProtocolError("OPACK string is not valid UTF-8", { cause: error });
      }
    }
    if (tag >= 0x70 && tag <= 0x94) {
      const length = tag <= 0x90 ? tag - 0x70 : this.length(1 << ((tag & 0xf) - 1));
      return this.remember(new Uint8Array(this.take(length)));
    }
    if (tag >= 0xa0 && tag <= 0xc4) {
      const index = tag <= 0xc0 ? tag - 0xa0 : Number(readUintLE(this.take(tag - 0xc0)));
      const value = this.table[index];
      if (value === undefined) {
        throw new ProtocolError(
          `OPACK back-reference ${index} past a table of ${this.table.length}`,
        );
      }
      return value;
    }
    if (tag >= 0xd0 && tag <= 0xdf) {
      const list: OpackValue[] = [];
      this.items_(tag, depth, () => list.push(this.value(depth + 1)));
      return list;
    }
    if (tag >= 0xe0) {
      // (tag & 0xE0) == 0xE0 in pyatv, so 0xF0–0xFF are dicts too (count = low nibble).
      const dict: OpackDict = new Map();
      this.items_(tag, depth, () => {
        const key = this.value(depth + 1);
        dict.set(key, this.value(depth + 1));
      });
      return dict;
    }
    // 0x00, 0x03 (a stray terminator), 0x07, 0x37–0x3F, 0x65–0x6F, 0x95–0x9F, 0xC5–0xCF.
    // pyatv reads 0x37–0x3F as 128- to 32768-byte ints; we refuse them.
    throw new ProtocolError(`unknown OPACK tag 0x${tag.toString(16).padStart(2, "0")}`);
  }

  private items_(tag: number, depth: number, readOne: () => void): void {
    if (depth >= this.maxDepth) {
      throw new ProtocolError(`OPACK nesting deeper than ${this.maxDepth}`);
    }
    const count = tag & 0xf;
    if (count === 0xf) {
      // Terminated form: items until 0x03 (checked before each list item or dict key).
      while (this.peek() !== TERMINATOR) readOne();
      this.offset += 1;
    } else {
      for (let i = 0; i < count; i++) readOne();
    }
  }

  private tag(): number {
    return this.take(1)[0] as number;
  }

  private remember<T extends OpackValue>(value: T): T {
    if (typeof value === "string") {
      if (!this.strings.has(value)) {
        this.strings.add(value);
        this.table.push(value);
      }
      return value;
    }
    const key = tableKey(value);
    if (key === undefined || !this.keys.has(key)) {
      if (key !== undefined) this.keys.add(key);
      this.table.push(value);
    }
    return value;
  }

  private length(width: number): number {
    // Lengths are at most 4 bytes wide: plain arithmetic, no bigint.
    const bytes = this.take(width);
    let value = 0;
    for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + (bytes[i] as number);
    if (value > this.bytes.length) {
      throw new ProtocolError(`OPACK length ${value} is past the end of the data`);
    }
    return value;
  }

  private peek(): number {
    const byte = this.bytes[this.offset];
    if (byte === undefined) throw new ProtocolError("OPACK container is not terminated");
    return byte;
  }

  private take(count: number): Uint8Array {
    if (count > this.bytes.length - this.offset) {
      throw new ProtocolError(
        `OPACK data truncated: need ${count} bytes at offset ${this.offset} of ${this.bytes.length}`,
      );
    }
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }
}

/** The table key of a value other than a string (strings have a table of their own). */
function tableKey(value: OpackValue): string | undefined {
  if (value instanceof Uint8Array) return `b${latin1(value)}`;
  if (value instanceof OpackUuid) return `u${latin1(value.bytes)}`;
  if (value instanceof OpackInt) return numberKey(value.value);
  if (value instanceof OpackFloat) return floatKey(value.value);
  if (typeof value === "number" || typeof value === "bigint") return numberKey(BigInt(value));
  return undefined;
}

function readUintLE(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  return value;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An integer from a decoded value (a small int, a sized int or a 0x06 value), else undefined. */
export function opackInteger(value: OpackValue | undefined): number | bigint | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : undefined;
  if (typeof value === "bigint") return value;
  if (value instanceof OpackInt) {
    return value.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.value) : value.value;
  }
  return undefined;
}
