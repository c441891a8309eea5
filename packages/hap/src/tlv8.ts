import { ProtocolError } from "@atv/interface";
import { concatBytes } from "./bytes.js";
import { TlvType } from "./tlv-types.js";

/** One decoded item: its type and its whole value (fragments already joined). */
export type TlvEntry = readonly [type: number, value: Uint8Array];

/**
 * One item to encode. A number is written as a little-endian integer in as few bytes as
 * it needs (at least one), as HAP encodes its integer items.
 */
export type TlvInput = readonly [type: number, value: Uint8Array | number];

const MAX_FRAGMENT = 255;
const EMPTY = new Uint8Array(0);

/**
 * Encodes items as TLV8. Values over 255 bytes are split into consecutive fragments of the
 * same type; two consecutive items of the same type get a separator between them so that
 * the decoder does not join them into one value.
 */
export function encodeTlv(entries: Iterable<TlvInput>): Uint8Array {
  const items: TlvEntry[] = [];
  for (const [type, value] of entries) {
    if (!Number.isInteger(type) || type < 0 || type > 0xff) {
      throw new RangeError(`TLV8 type must be a byte, got ${type}`);
    }
    const bytes = typeof value === "number" ? encodeInteger(value) : value;
    if (type === TlvType.Separator && bytes.length > 0) {
      throw new RangeError("a TLV8 separator has no value");
    }
    const previous = items.at(-1);
    if (previous !== undefined && previous[0] === type && type !== TlvType.Separator) {
      items.push([TlvType.Separator, EMPTY]);
    }
    items.push([type, bytes]);
  }

  let size = 0;
  for (const [, value] of items) size += encodedLength(value.length);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const [type, value] of items) {
    let position = 0;
    do {
      const chunk = Math.min(MAX_FRAGMENT, value.length - position);
      out[offset] = type;
      out[offset + 1] = chunk;
      out.set(value.subarray(position, position + chunk), offset + 2);
      offset += 2 + chunk;
      position += chunk;
    } while (position < value.length);
  }
  return out;
}

function encodedLength(valueLength: number): number {
  const fragments = Math.max(1, Math.ceil(valueLength / MAX_FRAGMENT));
  return valueLength + 2 * fragments;
}

function encodeInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`TLV8 integer must be a non-negative safe integer, got ${value}`);
  }
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.push(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return Uint8Array.from(bytes);
}

/**
 * Decodes TLV8. Consecutive items of one type are joined into one value (fragments of a
 * long value); separators stay in `entries` so repeated types read as a list.
 * Truncated input is a ProtocolError.
 */
export function decodeTlv(data: Uint8Array): TlvItems {
  const entries: TlvEntry[] = [];
  let pending: { type: number; parts: Uint8Array[] } | undefined;
  const flush = (): void => {
    if (pending === undefined) return;
    entries.push([pending.type, concatBytes(...pending.parts)]);
    pending = undefined;
  };

  let offset = 0;
  while (offset < data.length) {
    if (offset + 2 > data.length) {
      throw new ProtocolError(`truncated TLV8: item header at offset ${offset} is cut off`);
    }
    const type = data[offset] as number;
    const length = data[offset + 1] as number;
    const end = offset + 2 + length;
    if (end > data.length) {
      throw new ProtocolError(
        `truncated TLV8: item of type 0x${type.toString(16)} at offset ${offset} ` +
          `claims ${length} bytes, ${data.length - offset - 2} remain`,
      );
    }
    const value = data.subarray(offset + 2, end);
    if (type === TlvType.Separator) {
      flush();
      entries.push([type, value.slice()]);
    } else if (pending !== undefined && pending.type === type) {
      pending.parts.push(value);
    } else {
      flush();
      pending = { type, parts: [value] };
    }
    offset = end;
  }
  flush();
  return new TlvItems(entries);
}

/** Decoded TLV8 items, in order. */
export class TlvItems {
  readonly entries: readonly TlvEntry[];

  constructor(entries: readonly TlvEntry[]) {
    this.entries = entries;
  }

  has(type: number): boolean {
    return this.entries.some(([t]) => t === type);
  }

  /** The first value of a type. */
  get(type: number): Uint8Array | undefined {
    return this.entries.find(([t]) => t === type)?.[1];
  }

  /** Every value of a type (items repeated with separators between them). */
  getAll(type: number): Uint8Array[] {
    return this.entries.filter(([t]) => t === type).map(([, value]) => value);
  }

  /** The first value of a type read as a little-endian integer. */
  getInteger(type: number): number | undefined {
    const value = this.get(type);
    if (value === undefined) return undefined;
    if (value.length === 0 || value.length > 6) {
      throw new ProtocolError(
        `TLV8 item of type 0x${type.toString(16)} is not an integer (${value.length} bytes)`,
      );
    }
    let result = 0;
    for (let i = value.length - 1; i >= 0; i--) result = result * 256 + (value[i] as number);
    return result;
  }
}
