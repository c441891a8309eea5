import { readFileSync } from "node:fs";
import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromHex, mutatedFrom, toHex } from "../../../scripts/byte-mutations.js";
import {
  decodePlist,
  encodePlist,
  type PlistInput,
  PlistReal,
  PlistUid,
  type PlistValue,
  plistDict,
  plistTypeName,
} from "./plist.js";

interface DatastreamVectors {
  vectors: [{ plist_hex: string; plist_json: { params: { data: { $bytes_hex: string } } } }];
}
const datastream = JSON.parse(
  readFileSync(
    new URL("../../../../shared/vectors/airplay-datastream.json", import.meta.url),
    "utf8",
  ),
) as DatastreamVectors;

// Written by CPython 3.11's plistlib.dumps(value, fmt=FMT_BINARY), the writer pyatv uses.
const PLISTLIB = {
  seed2p63:
    "62706c6973743030d1010254736565641400000000000000008000000000000000080b10000000000000010100" +
    "0000000000000300000000000000000000000000000021",
  seedMax:
    "62706c6973743030d101025473656564140000000000000000ffffffffffffffff080b10000000000000010100" +
    "0000000000000300000000000000000000000000000021",
  seedReadme:
    "62706c6973743030d101025473656564130123456789abcdef080b1000000000000001010000000000000003000" +
    "00000000000000000000000000019",
  minusOne:
    "62706c6973743030d10102516e13ffffffffffffffff080b0d0000000000000101000000000000000300000000" +
    "000000000000000000000016",
  reals:
    "62706c6973743030d201020304547261746556766f6c756d65233ff0000000000000233fe0000000000000080d" +
    "121922000000000000010100000000000000050000000000000000000000000000002b",
  date:
    "62706c6973743030d1010251643341c5f45cac8fbe77080b0d00000000000001010000000000000003000000000" +
    "00000000000000000000016",
  // {"u": UID(1), "w": [UID(300), UID(70000), UID(2**33)]}: UIDs of 1, 2, 4 and 8 bytes.
  uids:
    "62706c6973743030d201020304517551778001a305060781012c8300011170870000000200000000080d0f11" +
    "13171a1f0000000000000101000000000000000800000000000000000000000000000028",
  mixed:
    "62706c6973743030d401020304050a0b0c5161516251735178a306070810011002a10910030967006800e9006c" +
    "006c006f002026034200010811131517191d1f21232526350000000000000101000000000000000d0000000000" +
    "0000000000000000000038",
};

/** A bplist00 from raw object encodings, with a 1-byte offset table. */
function bplist(
  objects: readonly (readonly number[])[],
  { refSize = 1, top = 0 }: { refSize?: number; top?: number } = {},
): Uint8Array {
  const body: number[] = [...Buffer.from("bplist00")];
  const offsets: number[] = [];
  for (const object of objects) {
    offsets.push(body.length);
    body.push(...object);
  }
  const tableOffset = body.length;
  const offsetSize = tableOffset + objects.length > 255 ? 2 : 1;
  for (const offset of offsets) {
    if (offsetSize === 2) body.push(offset >> 8);
    body.push(offset & 0xff);
  }
  const trailer = new Uint8Array(32);
  const view = new DataView(trailer.buffer);
  trailer[6] = offsetSize;
  trailer[7] = refSize;
  view.setBigUint64(8, BigInt(objects.length));
  view.setBigUint64(16, BigInt(top));
  view.setBigUint64(24, BigInt(tableOffset));
  return Uint8Array.from([...body, ...trailer]);
}

function expectInvalid(bytes: Uint8Array, reason: RegExp): void {
  let caught: unknown;
  try {
    decodePlist(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as Error).message).toMatch(/^invalid binary plist: /);
  expect((caught as Error).message).toMatch(reason);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("decodePlist known answers", () => {
  it("reads the data-stream payload plistlib wrote for pyatv", () => {
    const [vector] = datastream.vectors;
    expect(decodePlist(fromHex(vector.plist_hex))).toEqual({
      params: { data: fromHex(vector.plist_json.params.data.$bytes_hex) },
    });
  });

  it("reads 64-bit unsigned integers that plistlib writes as 16-byte integers", () => {
    expect(decodePlist(fromHex(PLISTLIB.seed2p63))).toEqual({ seed: 2n ** 63n });
    expect(decodePlist(fromHex(PLISTLIB.seedMax))).toEqual({ seed: 2n ** 64n - 1n });
    expect(decodePlist(fromHex(PLISTLIB.seedReadme))).toEqual({ seed: 81985529216486895n });
    expect(decodePlist(fromHex(PLISTLIB.minusOne))).toEqual({ n: -1 });
  });

  it("reads reals, dates, UTF-16 strings, data and nesting as plistlib wrote them", () => {
    expect(decodePlist(fromHex(PLISTLIB.reals))).toEqual({ rate: 1, volume: 0.5 });
    expect(decodePlist(fromHex(PLISTLIB.date))).toEqual({
      d: new Date("2024-05-06T07:08:09.123Z"),
    });
    expect(decodePlist(fromHex(PLISTLIB.mixed))).toEqual({
      a: [1, 2, [3]],
      b: true,
      s: "héllo ☃",
      x: Uint8Array.from([0, 1]),
    });
  });

  it("reads UIDs of every width plistlib writes as PlistUid", () => {
    expect(decodePlist(fromHex(PLISTLIB.uids))).toEqual({
      u: new PlistUid(1),
      w: [new PlistUid(300), new PlistUid(70000), new PlistUid(2 ** 33)],
    });
  });

  it("returns data as plain Uint8Array copies, not views of the input", () => {
    const input = fromHex(PLISTLIB.mixed);
    const { x } = plistDict(decodePlist(input), "test");
    expect(x).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(x)).toBe(false);
    input.fill(0);
    expect(x).toEqual(Uint8Array.from([0, 1]));
  });
});

describe("encodePlist", () => {
  it("writes large integers byte for byte as plistlib does", () => {
    expect(toHex(encodePlist({ seed: 2n ** 63n }))).toBe(PLISTLIB.seed2p63);
    expect(toHex(encodePlist({ seed: 2n ** 64n - 1n }))).toBe(PLISTLIB.seedMax);
    expect(toHex(encodePlist({ seed: 81985529216486895n }))).toBe(PLISTLIB.seedReadme);
    expect(toHex(encodePlist({ n: -1 }))).toBe(PLISTLIB.minusOne);
  });

  it("writes PlistReal as a real, as plistlib writes Python floats", () => {
    expect(toHex(encodePlist({ rate: new PlistReal(1), volume: 0.5 }))).toBe(PLISTLIB.reals);
  });

  it("round-trips integers at the edges of each width", () => {
    const values: PlistValue[] = [
      0,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      2 ** 32,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      -1,
      2n ** 53n,
      2n ** 63n - 1n,
      2n ** 63n,
      2n ** 64n - 1n,
      -(2n ** 63n),
    ];
    for (const value of values) expect(decodePlist(encodePlist({ value }))).toEqual({ value });
  });

  it("returns small bigints as numbers and unsafe integral numbers as reals", () => {
    expect(decodePlist(encodePlist(5n))).toBe(5);
    // 2^60 as a number is not a safe integer: it is written as a real, and reads back equal.
    expect(decodePlist(encodePlist(2 ** 60))).toBe(2 ** 60);
    expect(Object.is(decodePlist(encodePlist(-0)), -0)).toBe(true);
    expect(decodePlist(encodePlist(Number.NaN))).toBeNaN();
    expect(decodePlist(encodePlist(Number.POSITIVE_INFINITY))).toBe(Number.POSITIVE_INFINITY);
  });

  it("round-trips dates to the millisecond", () => {
    // bplist-parser alone truncates (978307200000 + seconds * 1000) and is 1 ms off for
    // about one date in twenty; it reads these two as …33.240Z and …28.766Z.
    for (const iso of [
      "1982-09-20T05:29:33.241Z",
      "1921-12-08T17:40:28.765Z",
      "2024-05-06T07:08:09.123Z",
    ]) {
      expect(decodePlist(encodePlist(new Date(iso)))).toEqual(new Date(iso));
    }
  });

  it("rejects values a plist cannot hold", () => {
    const bad: unknown[] = [null, undefined, () => 1, Symbol("s"), new Map(), [null]];
    for (const value of bad) expect(() => encodePlist(value as PlistInput)).toThrow(TypeError);
    const cyclic: PlistValue[] = [];
    cyclic.push(cyclic);
    expect(() => encodePlist(cyclic)).toThrow(TypeError);
    expect(() => encodePlist(2n ** 64n)).toThrow(RangeError);
    expect(() => encodePlist(-(2n ** 63n) - 1n)).toThrow(RangeError);
    expect(() => encodePlist(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("refuses dictionaries bplist-creator would write as something else", () => {
    expect(() => encodePlist({ UID: 1 })).toThrow(RangeError);
    expect(() => encodePlist({ bplistOverride: true })).toThrow(RangeError);
    expect(() => encodePlist(JSON.parse('{"__proto__": 1}') as PlistValue)).toThrow(RangeError);
    // The same keys among others are plain entries.
    expect(decodePlist(encodePlist({ UID: 1, other: 2 }))).toEqual({ UID: 1, other: 2 });
    expect(decodePlist(encodePlist({ UID: "x" }))).toEqual({ UID: "x" });
  });

  it("writes PlistUid as a UID and round-trips it at the edges of each width", () => {
    const values = [0, 1, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
    for (const value of values) {
      const uid = new PlistUid(value);
      expect(decodePlist(encodePlist({ uid }))).toEqual({ uid });
      expect(decodePlist(encodePlist([uid]))).toEqual([uid]);
    }
    // The marker is 0x8_: bplist-creator wrote a UID, not a dictionary {UID: 1}.
    const bytes = encodePlist(new PlistUid(1));
    expect(bytes[8]).toBe(0x80);
    expect(decodePlist(bytes)).toBeInstanceOf(PlistUid);
  });

  it("writes a dictionary keyed UID holding a PlistUid as a dictionary", () => {
    const value = { UID: new PlistUid(3) };
    expect(decodePlist(encodePlist(value))).toEqual(value);
  });

  it("refuses PlistUids that are not non-negative safe integers", () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => new PlistUid(bad)).toThrow(RangeError);
    }
    // Readonly only to TypeScript: a value changed behind its back is refused when written.
    const tampered = new PlistUid(1);
    (tampered as { value: number }).value = -5;
    expect(() => encodePlist(tampered)).toThrow(RangeError);
  });

  it("writes data from any Uint8Array view, not only Buffers", () => {
    const backing = Uint8Array.from([9, 1, 2, 3, 9]);
    expect(decodePlist(encodePlist({ x: backing.subarray(1, 4) }))).toEqual({
      x: Uint8Array.from([1, 2, 3]),
    });
  });
});

describe("decodePlist rejects", () => {
  it("XML plists", () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict/></plist>';
    expectInvalid(new Uint8Array(Buffer.from(xml)), /XML/);
    expectInvalid(new Uint8Array(Buffer.from(`\ufeff\n ${xml}`)), /XML/);
    expectInvalid(new Uint8Array(Buffer.from('<plist version="1.0"><true/></plist>')), /XML/);
  });

  it("empty, foreign and truncated input", () => {
    expectInvalid(new Uint8Array(0), /too short/);
    expectInvalid(new Uint8Array(Buffer.from("bplist15".padEnd(60, "\0"))), /bplist00/);
    const valid = fromHex(PLISTLIB.mixed);
    for (let length = 0; length < valid.length; length++) {
      expect(() => decodePlist(valid.subarray(0, length))).toThrow(ProtocolError);
    }
  });

  it("reference cycles", () => {
    expectInvalid(bplist([[0xa1, 0]]), /cycle/);
    expectInvalid(
      bplist([
        [0xd1, 1, 0],
        [0x51, 0x6b],
      ]),
      /cycle/,
    );
  });

  it("shared containers that expand exponentially (a few hundred bytes)", () => {
    const objects: number[][] = [];
    for (let i = 0; i < 60; i++) objects.push([0xa2, i + 1, i + 1]);
    objects.push([0x10, 7]);
    const bomb = bplist(objects);
    expect(bomb.length).toBeLessThan(300);
    expectInvalid(bomb, /expands to more than 100000 values/);
  });

  it("a string shared many times that would expand to too many bytes", () => {
    const refs = Array.from({ length: 1000 }, () => [0, 1]).flat();
    const bytes = bplist(
      [
        [0xaf, 0x11, 0x03, 0xe8, ...refs],
        [0x5f, 0x11, 0x40, 0, ...new Array(16384).fill(0x61)],
      ],
      {
        refSize: 2,
      },
    );
    expect(() => decodePlist(bytes)).not.toThrow();
    expect(() => decodePlist(bytes, { maxBytes: 16_000_000 })).toThrow(/expands to more than/);
  });

  it("nesting deeper than the limit", () => {
    const chain = Array.from({ length: 200 }, (_, i) => [0xa1, i + 1]);
    chain.push([0x09]);
    expectInvalid(bplist(chain), /nested deeper than 128/);
    expect(() => decodePlist(bplist(chain), { maxDepth: 250 })).not.toThrow();
  });

  it("counts larger than the input", () => {
    expectInvalid(
      bplist([[0xaf, 0x13, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]),
      /runs past/,
    );
    expectInvalid(bplist([[0x4f, 0x12, 0x7f, 0xff, 0xff, 0xff]]), /runs past/);
    expectInvalid(bplist([[0xa2, 0]], { refSize: 0 }), /reference size/);
    expectInvalid(bplist([[0xa1, 5]]), /not in the object table/);
    expectInvalid(bplist([[0x09]], { top: 3 }), /top object/);
  });

  it("types neither AirPlay nor keyed archives use", () => {
    expectInvalid(bplist([[0x00]]), /simple value 0x00/);
    expectInvalid(bplist([[0xc1, 0]]), /object type 0xc1/);
    expectInvalid(bplist([[0x15, ...new Array(32).fill(0)]]), /integer of 2\^5 bytes/);
    expectInvalid(bplist([[0x21, 0, 0]]), /real of 2\^1 bytes/);
    expectInvalid(bplist([[0x32, 0, 0, 0, 0]]), /date marker/);
  });

  it("bad dictionary keys", () => {
    expectInvalid(
      bplist([
        [0xd1, 1, 1],
        [0x10, 1],
      ]),
      /key is not a string/,
    );
    expectInvalid(bplist([[0xd1, 1, 2], [0x59, ...Buffer.from("__proto__")], [0x09]]), /__proto__/);
  });

  it("16-byte integers outside plistlib's range, and reads negative ones as signed", () => {
    expectInvalid(
      bplist([[0x14, ...new Array(7).fill(0), 1, ...new Array(8).fill(0)]]),
      /out of range/,
    );
    expect(decodePlist(bplist([[0x14, ...new Array(16).fill(0xff)]]))).toBe(-1);
  });

  it("UIDs wider than 8 bytes, beyond 2^53 - 1 or cut short", () => {
    expect(decodePlist(bplist([[0x80, 7]]))).toEqual(new PlistUid(7));
    expectInvalid(bplist([[0x88, ...new Array(9).fill(0)]]), /UID of 9 bytes/);
    expectInvalid(bplist([[0x87, 0, 0x20, 0, 0, 0, 0, 0, 0]]), /UID 9007199254740992 out of range/);
    expectInvalid(bplist([[0x83, 0, 1]]), /runs past/);
  });

  it("non-finite dates", () => {
    expectInvalid(bplist([[0x33, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]]), /date/);
  });
});

describe("plistDict", () => {
  it("passes dictionaries and names what else it got", () => {
    expect(plistDict({ a: 1 }, "the body")).toEqual({ a: 1 });
    const cases: [PlistValue | undefined, string][] = [
      [[1], "array"],
      [Uint8Array.of(1), "data"],
      [new Date(0), "date"],
      [new PlistUid(2), "UID"],
      [1, "integer"],
      [1.5, "real"],
      [1n, "integer"],
      ["s", "string"],
      [true, "boolean"],
      [undefined, "nothing"],
    ];
    for (const [value, name] of cases) {
      expect(plistTypeName(value)).toBe(name);
      expect(() => plistDict(value, "the body")).toThrow(
        new ProtocolError(`the body is not a dictionary (got ${name})`),
      );
    }
  });
});

// Keys bplist-creator cannot write as dictionary entries are left out (see encodePlist).
const key = fc.string().filter((k) => !["__proto__", "bplistOverride", "UID"].includes(k));
const plistValue: fc.Arbitrary<PlistValue> = fc.letrec<{ value: PlistValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.uint8Array({ maxLength: 40 }),
    fc.maxSafeNat().map((n) => new PlistUid(n)),
    fc.date({ min: new Date("1800-01-01"), max: new Date("2400-01-01"), noInvalidDate: true }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** What a value reads back as: integral bigints in the safe range become numbers. */
function normalised(value: PlistValue): PlistValue {
  if (typeof value === "bigint" && Number.isSafeInteger(Number(value))) return Number(value);
  if (Array.isArray(value)) return value.map(normalised);
  if (
    typeof value === "object" &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date) &&
    !(value instanceof PlistUid)
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalised(v)]));
  }
  return value;
}

function decodedOrRefused(bytes: Uint8Array): void {
  try {
    decodePlist(bytes);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    expect(error.message).toMatch(/^invalid binary plist: /);
  }
}

describe("plist properties", () => {
  it("decode(encode(x)) equals x", () => {
    fc.assert(
      fc.property(plistValue, (value) => {
        expect(decodePlist(encodePlist(value))).toEqual(normalised(value));
      }),
      { numRuns: 1000 },
    );
  });

  it("random bytes decode or fail with ProtocolError, silently", () => {
    const consoleError = vi.spyOn(console, "error");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .uint8Array({ maxLength: 200 })
            .map((rest) => Uint8Array.from([...Buffer.from("bplist00"), ...rest])),
        ),
        decodedOrRefused,
      ),
      { numRuns: 5000 },
    );
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("random object tables behind a plausible trailer decode or fail with ProtocolError", () => {
    const consoleError = vi.spyOn(console, "error");
    const trailer = fc.record({
      offsetSize: fc.nat({ max: 9 }),
      refSize: fc.nat({ max: 9 }),
      count: fc.nat({ max: 40 }),
      top: fc.nat({ max: 40 }),
      tableOffset: fc.nat({ max: 300 }),
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), trailer, (body, t) => {
        const bytes = new Uint8Array(8 + body.length + 32);
        bytes.set(Buffer.from("bplist00"), 0);
        bytes.set(body, 8);
        const view = new DataView(bytes.buffer, 8 + body.length);
        view.setUint8(6, t.offsetSize);
        view.setUint8(7, t.refSize);
        view.setBigUint64(8, BigInt(t.count));
        view.setBigUint64(16, BigInt(t.top));
        view.setBigUint64(24, BigInt(t.tableOffset));
        decodedOrRefused(bytes);
      }),
      { numRuns: 5000 },
    );
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("mutated valid plists decode or fail with ProtocolError", () => {
    const consoleError = vi.spyOn(console, "error");
    const seeds = [
      ...Object.values(PLISTLIB).map(fromHex),
      fromHex(datastream.vectors[0].plist_hex),
      ...fc.sample(plistValue, { numRuns: 30, seed: 42 }).map(encodePlist),
    ];
    fc.assert(fc.property(mutatedFrom(seeds), decodedOrRefused), { numRuns: 5000 });
    expect(consoleError).not.toHaveBeenCalled();
  });
});
