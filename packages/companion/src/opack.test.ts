import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeOpack,
  decodeOpackPrefix,
  encodeOpack,
  OpackFloat,
  OpackInt,
  type OpackIntSize,
  OpackUuid,
  type OpackValue,
  opackInteger,
} from "./opack.js";

// biome-ignore lint/suspicious/noExplicitAny: vector files are untyped JSON
type Json = any;

const vectors: Json = JSON.parse(
  readFileSync(new URL("../../../../shared/vectors/opack.json", import.meta.url), "utf8"),
);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));

class Unsupported {}

/** A typed vector value as our value model. */
function fromTyped(typed: Json): OpackValue | Date | Unsupported {
  switch (typed.type) {
    case "null":
      return null;
    case "bool":
      return typed.value;
    case "int": {
      const value = BigInt(typed.value);
      if (typed.size !== undefined) return new OpackInt(value, typed.size as OpackIntSize);
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    }
    case "float":
      return new OpackFloat(Buffer.from(typed.f64_be_hex, "hex").readDoubleBE(0));
    case "str":
      return typed.repeat !== undefined ? typed.repeat.repeat(typed.count) : typed.value;
    case "bytes":
      return typed.repeat_hex !== undefined
        ? new Uint8Array(typed.count).fill(Number.parseInt(typed.repeat_hex, 16))
        : unhex(typed.hex);
    case "uuid":
      return OpackUuid.fromString(typed.value);
    case "list":
      return typed.items.map(fromTyped);
    case "dict":
      return new Map(typed.entries.map(([k, v]: Json) => [fromTyped(k), fromTyped(v)]));
    case "python:datetime":
      return new Date(Date.UTC(2001, 0, 1));
    case "python:tuple":
      return new Unsupported();
    default:
      throw new Error(`unknown vector type ${typed.type}`);
  }
}

/** A canonical text of a decoded value: exact types, float bits, map entries in order. */
function canon(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number" || typeof value === "bigint") return `int:${value}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Uint8Array) return `bytes:${hex(value)}`;
  if (value instanceof OpackUuid) return `uuid:${value}`;
  if (value instanceof OpackInt) return `int${value.size}:${value.value}`;
  if (value instanceof OpackFloat) {
    const bits = Buffer.alloc(8);
    bits.writeDoubleBE(Number.isNaN(value.value) ? Number.NaN : value.value);
    return `float:${bits.toString("hex")}`;
  }
  if (Array.isArray(value)) return `[${value.map(canon).join(",")}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${canon(k)}=>${canon(v)}`).join(",")}}`;
  }
  throw new Error(`not a decoded value: ${String(value)}`);
}

function expectProtocolError(run: () => unknown): void {
  expect(run).toThrow(ProtocolError);
}

// Vectors where we deliberately differ from pyatv's pack (see opack.ts):
// negative ints pyatv packs to bytes its own unpack rejects; and the PYATV BUG/QUIRK
// back-references into pack's table that unpack's table lacks.
const REFUSED_NEGATIVE = new Set([21, 22]);
const PYATV_BACKREF_BUGS = new Set([86, 88, 89, 90]);

describe("opack vectors", () => {
  expect(vectors.vectors).toHaveLength(93);

  for (const [index, vector] of (vectors.vectors as Json[]).entries()) {
    it(`#${index}: ${vector.note}`, () => {
      const value = fromTyped(vector.value);

      if (vector.pack_error !== undefined || REFUSED_NEGATIVE.has(index)) {
        const kind = vector.pack_error?.startsWith("TypeError") && index !== 20 ? TypeError : null;
        // 2^64 fails as a size (RangeError) for us; datetime and tuple as types.
        const expected = kind ?? (value instanceof Date ? TypeError : RangeError);
        expect(() => encodeOpack(value as OpackValue)).toThrow(expected);
        if (vector.packed_hex !== undefined) {
          // pyatv's bytes for -1 / -8 are tags its own unpack rejects; so do we.
          expect(vector.unpack_error).toMatch(/^TypeError/);
          expectProtocolError(() => decodeOpack(unhex(vector.packed_hex)));
        }
        return;
      }

      const packed = encodeOpack(value as OpackValue);
      if (PYATV_BACKREF_BUGS.has(index)) {
        // pyatv's bytes reference a slot its unpack never fills: a ProtocolError for us too.
        expect(vector.unpack_error).toMatch(/^IndexError/);
        expectProtocolError(() => decodeOpack(unhex(vector.packed_hex)));
        // Ours differ, and decode back to the value.
        expect(hex(packed)).not.toBe(vector.packed_hex);
        expect(canon(decodeOpack(packed))).toBe(canon(normalise(value as OpackValue)));
        return;
      }

      if (vector.packed_hex !== undefined) {
        expect(hex(packed)).toBe(vector.packed_hex);
      } else {
        expect(packed.length).toBe(vector.packed_len);
        expect(hex(packed.subarray(0, 16))).toBe(vector.packed_head_hex);
        expect(createHash("sha256").update(packed).digest("hex")).toBe(vector.packed_sha256);
      }

      const { value: decoded, rest } = decodeOpackPrefix(packed);
      expect(hex(rest)).toBe(vector.unpack_remaining_hex);
      const expected = vector.unpacked.same_as_value ? value : fromTyped(vector.unpacked);
      expect(canon(decoded)).toBe(canon(expected));
    });
  }
});

describe("opack decode-only vectors", () => {
  expect(vectors.decode_only).toHaveLength(20);

  for (const [index, vector] of (vectors.decode_only as Json[]).entries()) {
    it(`#${index}: ${vector.note}`, () => {
      const bytes = unhex(vector.packed_hex);
      if (vector.unpack_error !== undefined) {
        expectProtocolError(() => decodeOpackPrefix(bytes));
        return;
      }
      const { value, rest } = decodeOpackPrefix(bytes);
      expect(canon(value)).toBe(canon(fromTyped(vector.value)));
      expect(hex(rest)).toBe(vector.unpack_remaining_hex);
      if (vector.repacked_hex !== undefined) {
        expect(hex(encodeOpack(value))).toBe(vector.repacked_hex);
      } else {
        // 0x34: a 2^100 sized int; pyatv's pack has no 16-byte form.
        expect(vector.repack_error).toBeDefined();
        expect(() => encodeOpack(value)).toThrow(RangeError);
      }
    });
  }
});

describe("opack details", () => {
  it("decodeOpack refuses trailing bytes; decodeOpackPrefix returns them", () => {
    expectProtocolError(() => decodeOpack(unhex("0909")));
    expect(hex(decodeOpackPrefix(unhex("0909")).rest)).toBe("09");
  });

  it("refuses truncated and overlong lengths instead of slicing short like pyatv", () => {
    for (const bad of [
      "",
      "45616263",
      "61ff61",
      "05aabb",
      "30",
      "36000000",
      "93ffffffff00",
      "d2",
      "df09",
    ]) {
      expectProtocolError(() => decodeOpack(unhex(bad)));
    }
  });

  it("refuses tags pyatv reads as 128-byte or larger ints", () => {
    expectProtocolError(() => decodeOpack(new Uint8Array(200).fill(0x37, 0, 1)));
  });

  it("limits depth and item count", () => {
    const deep = new Uint8Array(100).fill(0xd1);
    expectProtocolError(() => decodeOpack(deep));
    expect(canon(decodeOpack(unhex("d1d1d0"), { maxDepth: 3 }))).toBe("[[[]]]");
    expectProtocolError(() => decodeOpack(unhex("d1d1d0"), { maxDepth: 2 }));
    expectProtocolError(() => decodeOpack(unhex("d3090909"), { maxItems: 3 }));
  });

  it("dangling back-references are ProtocolErrors", () => {
    expectProtocolError(() => decodeOpack(unhex("a0")));
    expectProtocolError(() => decodeOpack(unhex("d24161a1")));
    expectProtocolError(() => decodeOpack(unhex("c4ffffffff")));
  });

  it("keeps a BOM and refuses invalid UTF-8 and lone surrogates", () => {
    expect(decodeOpack(unhex("43efbbbf"))).toBe("\ufeff");
    expectProtocolError(() => decodeOpack(unhex("43eda080")));
    expect(() => encodeOpack("\ud800")).toThrow(TypeError);
  });

  it("packs plain objects, read-only arrays, -0 and numbers like pyatv's ints", () => {
    expect(hex(encodeOpack({ a: 1 }))).toBe("e1416109");
    expect(hex(encodeOpack([1.5, -0]))).toBe("d236000000000000f83f360000000000000080");
    expect(hex(encodeOpack(2 ** 40))).toBe("330000000000010000");
    expect(hex(encodeOpack(0xffffffffffffffffn))).toBe("33ffffffffffffffff");
    expect(() => encodeOpack(2 ** 64)).toThrow(RangeError);
    expect(() => encodeOpack(undefined as unknown as OpackValue)).toThrow(TypeError);
  });

  it("refuses cyclic structures with a RangeError", () => {
    const cycle: OpackValue[] = [];
    cycle.push(cycle);
    expect(() => encodeOpack(cycle)).toThrow(RangeError);
  });

  it("keeps unpack's table: '' takes a slot, 256.0 after 256 takes none", () => {
    // pyatv's unpack appends "" to its table, so the 2nd "ab" refers to slot 1.
    const value = ["", "ab", "ab"];
    expect(hex(encodeOpack(value))).toBe("d340426162a1");
    expect(canon(decodeOpack(encodeOpack(value)))).toBe(canon(value));
    const quirk = [256, new OpackFloat(256), "xx", "xx"];
    expect(hex(encodeOpack(quirk))).toBe("d4310001360000000000007040427878a1");
  });

  it("uses 0xC1–0xC4 index widths as unpack reads them", () => {
    const strings = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const packed = encodeOpack([...strings, "s299"]);
    expect(hex(packed.subarray(packed.length - 4))).toBe("c22b0103");
    expect(canon(decodeOpack(packed))).toBe(canon([...strings, "s299"]));
  });

  it("opackInteger unwraps ints of every kind", () => {
    expect(opackInteger(5)).toBe(5);
    expect(opackInteger(new OpackInt(7, 2))).toBe(7);
    expect(opackInteger(new OpackInt(2n ** 60n, 8))).toBe(2n ** 60n);
    expect(opackInteger(new OpackFloat(1))).toBeUndefined();
    expect(opackInteger("1")).toBeUndefined();
  });

  it("validates OpackInt and OpackUuid", () => {
    expect(() => new OpackInt(256, 1)).toThrow(RangeError);
    expect(() => new OpackInt(-1, 8)).toThrow(RangeError);
    expect(() => new OpackInt(1, 3 as OpackIntSize)).toThrow(RangeError);
    expect(() => OpackUuid.fromString("nope")).toThrow(RangeError);
    const uuid = "12345678-9abc-def0-1122-334455667788";
    expect(OpackUuid.fromString(uuid).toString()).toBe(uuid);
  });
});

// Random values in our model, shaped so that duplicates (and so back-references) are common.
const { value: arbitraryValue } = fc.letrec<{ value: OpackValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<OpackValue>(null, true, false, "", "ab", 256, new OpackFloat(256)),
    fc.integer({ min: 0, max: 300 }),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom<OpackIntSize>(1, 2, 4, 8))
      .map(([v, size]) => new OpackInt(BigInt.asUintN(size * 8, v), size)),
    fc.double().map((d) => new OpackFloat(d)),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 5 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => new OpackUuid(b)),
    fc.array(tie("value"), { maxLength: 20 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: 0, max: 50 })),
          tie("value"),
        ),
        {
          maxLength: 18,
        },
      )
      .map((entries) => new Map<OpackValue, OpackValue>(entries)),
  ),
}));

/** Small ints decode as numbers; a bigint in that range decodes as a number too. */
function normalise(value: OpackValue): OpackValue {
  if (typeof value === "bigint") {
    if (value < 0x28n) return Number(value);
    return new OpackInt(
      value,
      value <= 0xffn ? 1 : value <= 0xffffn ? 2 : value <= 0xffffffffn ? 4 : 8,
    );
  }
  if (typeof value === "number" && value >= 0x28) {
    return new OpackInt(value, value <= 0xff ? 1 : 2);
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [normalise(k), normalise(v)] as const));
  }
  return value;
}

describe("opack properties", () => {
  it("decode(encode(x)) is x", () => {
    fc.assert(
      fc.property(arbitraryValue, (value) => {
        const packed = encodeOpack(value);
        expect(canon(decodeOpack(packed))).toBe(canon(normalise(value)));
        // Re-encoding what was decoded gives the same bytes.
        expect(hex(encodeOpack(decodeOpack(packed)))).toBe(hex(packed));
      }),
      { numRuns: 500 },
    );
  });

  it("random bytes decode or throw ProtocolError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeOpackPrefix(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  const mutation = fc.oneof(
    fc.record({
      kind: fc.constant("flip" as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), byte: fc.constant(0) }),
    fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
  );

  it("mutated encodings decode or throw ProtocolError", () => {
    fc.assert(
      fc.property(
        arbitraryValue,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (value, mutations) => {
          let bytes = encodeOpack(value);
          for (const { kind, at, byte } of mutations) {
            const i = bytes.length === 0 ? 0 : at % (bytes.length + (kind === "insert" ? 1 : 0));
            if (kind === "flip" && bytes.length > 0) {
              bytes = bytes.slice();
              bytes[i] = (bytes[i] as number) ^ (byte || 1);
            } else if (kind === "truncate") {
              bytes = bytes.subarray(0, i);
            } else if (kind === "insert") {
              bytes = Uint8Array.from([...bytes.subarray(0, i), byte, ...bytes.subarray(i)]);
            }
          }
          try {
            decodeOpackPrefix(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
