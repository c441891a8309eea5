import { InvalidDmapDataError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DmapNode, decodeDmap, dmapTag, encodeDmap } from "./index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

/** One element with any payload, whatever its tag's type. */
function element(tag: string, payload: Uint8Array): Uint8Array {
  return dmapTag.raw(tag, payload);
}

function nest(depth: number): Uint8Array {
  let bytes = dmapTag.uint32("miid", 1);
  for (let i = 0; i < depth; i++) bytes = dmapTag.container("mlit", bytes);
  return bytes;
}

function expectInvalid(bytes: Uint8Array, message: string): void {
  expect(() => decodeDmap(bytes)).toThrow(InvalidDmapDataError);
  expect(() => decodeDmap(bytes)).toThrow(message);
}

describe("decodeDmap values", () => {
  it("decodes nothing to an empty list", () => {
    expect(decodeDmap(new Uint8Array(0))).toEqual([]);
  });

  it("reads unsigned integers of every width, with bigints beyond 2^53", () => {
    const tree = decodeDmap(
      concat(
        dmapTag.uint8("caps", 255),
        dmapTag.uint16("caps", 65_535),
        dmapTag.uint32("caps", 0xffff_ffff),
        dmapTag.uint64("cmpg", 2 ** 53 - 1),
        dmapTag.uint64("cmpg", 2n ** 53n),
        dmapTag.uint64("cmpg", 2n ** 64n - 1n),
      ),
    );
    expect(tree.map((n) => [n.value, n.size])).toEqual([
      [255, 1],
      [65_535, 2],
      [0xffff_ffff, 4],
      [2 ** 53 - 1, 8],
      [2n ** 53n, 8],
      [2n ** 64n - 1n, 8],
    ]);
    expect(tree.every((n) => n.type === "uint")).toBe(true);
  });

  it("reads signed integers of every width", () => {
    const tree = decodeDmap(
      concat(
        element("msto", unhex("80")),
        element("msto", unhex("fffe")),
        element("msto", unhex("ffff8f80")),
        element("msto", unhex("ffffffffffffffff")),
        element("msto", unhex("8000000000000000")),
        element("msto", unhex("ffe0000000000000")),
      ),
    );
    expect(tree.map((n) => [n.type, n.value, n.size])).toEqual([
      ["int", -128, 1],
      ["int", -2, 2],
      ["int", -28_800, 4],
      ["int", -1, 8],
      ["int", -(2n ** 63n), 8],
      ["int", -(2n ** 53n), 8],
    ]);
  });

  it("reads flags of 0 and 1 as booleans and keeps any other flag as its number", () => {
    const bytes = concat(
      element("cavc", unhex("01")),
      element("cavc", unhex("00")),
      element("cavc", unhex("0001")),
      element("cavc", unhex("0000000000000000")),
      element("ated", unhex("0007")),
      element("ated", unhex("02")),
    );
    const tree = decodeDmap(bytes);
    expect(tree).toEqual([
      { tag: "cavc", type: "bool", value: true, size: undefined },
      { tag: "cavc", type: "bool", value: false, size: undefined },
      { tag: "cavc", type: "bool", value: true, size: 2 },
      { tag: "cavc", type: "bool", value: false, size: 8 },
      { tag: "ated", type: "uint", value: 7, size: 2 },
      { tag: "ated", type: "uint", value: 2, size: 1 },
    ]);
    expect(hex(encodeDmap(tree))).toBe(hex(bytes));
  });

  it("reads versions and dates of 4 bytes, and other widths as plain integers", () => {
    const tree = decodeDmap(
      concat(
        element("mpro", unhex("ffff0102")),
        element("mpro", unhex("0002")),
        element("mstc", unhex("5f5e1000")),
        element("mstc", unhex("000000005f5e1000")),
      ),
    );
    expect(tree.map((n) => [n.type, n.value])).toEqual([
      ["version", "65535.1.2"],
      ["uint", 2],
      ["date", 1_600_000_000],
      ["uint", 1_600_000_000],
    ]);
  });

  it("reads UTF-8 strings, empty ones and a leading byte order mark", () => {
    const tree = decodeDmap(
      concat(
        dmapTag.string("cann", "Åäö ♫ 🎵"),
        dmapTag.string("cann", ""),
        dmapTag.string("cann", "\ufeffBOM"),
        dmapTag.string("cann", "x".repeat(300)),
      ),
    );
    expect(tree.map((n) => n.value)).toEqual(["Åäö ♫ 🎵", "", "\ufeffBOM", "x".repeat(300)]);
  });

  it("reads a view into a larger buffer at its offset", () => {
    const backing = new Uint8Array(64).fill(0xee);
    const message = dmapTag.container(
      "cmst",
      dmapTag.uint32("caps", 4),
      dmapTag.string("cann", "x"),
    );
    backing.set(message, 13);
    const view = backing.subarray(13, 13 + message.length);
    expect(decodeDmap(view)).toEqual(decodeDmap(message));
    expect(hex(encodeDmap(decodeDmap(view)))).toBe(hex(message));
  });

  it("copies raw payloads, so that the input buffer can be reused", () => {
    const bytes = element("canp", unhex("0102"));
    const [node] = decodeDmap(bytes);
    bytes.fill(0xee);
    expect(node?.value).toEqual(unhex("0102"));
  });

  it("reads binary plists and writes them back as the bytes they came from", () => {
    // {"a": 1, "b": "x"} as plistlib writes it (from the dmap.json vectors).
    const plist = unhex(
      "62706c6973743030d2010203045161516210015178080d0f11130000000000000101000000000000000500000000000000000000000000000015",
    );
    const bytes = element("ceSD", plist);
    const tree = decodeDmap(bytes);
    expect(tree[0]?.type).toBe("bplist");
    expect(tree[0]?.value).toEqual({ a: 1, b: "x" });
    bytes.fill(0); // the kept bytes are a copy
    expect(hex(encodeDmap(tree))).toBe(hex(element("ceSD", plist)));
  });

  it("nests containers 64 deep", () => {
    let node = decodeDmap(nest(64))[0];
    let depth = 0;
    while (node?.type === "container") {
      depth++;
      node = (node.value as DmapNode[])[0];
    }
    expect(depth).toBe(64);
    expect(node).toEqual({ tag: "miid", type: "uint", value: 1, size: 4 });
  });
});

describe("decodeDmap rejects malformed data", () => {
  it("a header cut short", () => {
    expectInvalid(unhex("636d7374000000"), "7 byte(s) at offset 0 are too few for a tag header");
    expectInvalid(
      concat(dmapTag.container("cmst", unhex("6361707300"))),
      "5 byte(s) at offset 8 are too few for a tag header before the end of container 'cmst'",
    );
  });

  it("a length past the end of the data or of the container", () => {
    expectInvalid(
      unhex("63617073000000040000"),
      "tag 'caps' at offset 0 has a length of 4, past the end of the data",
    );
    const inner = dmapTag.uint32("caps", 1);
    const bytes = concat(dmapTag.container("cmst", inner), dmapTag.uint32("cmsr", 1));
    bytes[7] = inner.length - 1; // the container now ends inside caps
    expectInvalid(
      bytes,
      "tag 'caps' at offset 8 has a length of 4, past the end of container 'cmst' at offset 19",
    );
  });

  it("a tag code that is not printable ASCII", () => {
    expectInvalid(unhex("636d73"), "3 byte(s) at offset 0 are too few");
    expectInvalid(
      unhex("636d73ff00000000"),
      "the tag code at offset 0 (bytes 63 6d 73 ff) is not four printable ASCII",
    );
    expectInvalid(unhex("0000000000000000"), "is not four printable ASCII");
  });

  it("an integer of another width than 1, 2, 4 or 8", () => {
    for (const width of [0, 3, 5, 16]) {
      expectInvalid(
        element("caps", new Uint8Array(width)),
        `integer tag 'caps' at offset 0 has ${width} byte(s)`,
      );
    }
    expectInvalid(element("cavc", new Uint8Array(3)), "integer tag 'cavc'");
    expectInvalid(element("cavc", new Uint8Array(0)), "integer tag 'cavc'");
  });

  it("a string that is not UTF-8", () => {
    for (const payload of ["c3", "ff", "eda080", "c0af", "f4908080"]) {
      expectInvalid(
        element("minm", unhex(payload)),
        "string tag 'minm' at offset 0 is not valid UTF-8",
      );
    }
  });

  it("a broken binary plist, with the plist error as cause", () => {
    const bytes = element("ceSD", ascii("bplist00 broken"));
    expectInvalid(bytes, "plist tag 'ceSD' at offset 0 does not hold a valid binary plist");
    try {
      decodeDmap(bytes);
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it("containers nested deeper than 64, however deep, without overflowing the stack", () => {
    expectInvalid(nest(65), "container 'mlit' at offset 512 is nested deeper than 64 levels");
    // 100,000 levels: a recursive reader would overflow the call stack.
    const depth = 100_000;
    const bytes = new Uint8Array(depth * 8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < depth; i++) {
      bytes.set(ascii("mlit"), i * 8);
      view.setUint32(i * 8 + 4, (depth - i - 1) * 8);
    }
    expectInvalid(bytes, "nested deeper than 64 levels");
  });
});

// Trees of known tags with values of their types, and unknown tags with raw payloads.
const UNKNOWN_TAG = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 4,
    maxLength: 4,
  })
  .filter((tag) => !KNOWN.has(tag));
const KNOWN = new Set([
  "mlit",
  "mlcl",
  "cmst",
  "miid",
  "cmpg",
  "msto",
  "cann",
  "cavc",
  "mpro",
  "mstc",
  "ceSD",
  "canp",
]);

const leaf: fc.Arbitrary<DmapNode> = fc.oneof(
  fc.record({
    tag: fc.constant("miid"),
    type: fc.constant("uint" as const),
    value: fc.integer({ min: 0, max: 255 }),
    size: fc.constant(1),
  }),
  fc.record({
    tag: fc.constant("miid"),
    type: fc.constant("uint" as const),
    value: fc.integer({ min: 0, max: 0xffff_ffff }),
    size: fc.constant(4),
  }),
  fc.record({
    tag: fc.constant("cmpg"),
    type: fc.constant("uint" as const),
    value: fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
    size: fc.constant(8),
  }),
  fc.record({
    tag: fc.constant("cmpg"),
    type: fc.constant("uint" as const),
    value: fc.maxSafeNat(),
    size: fc.constant(8),
  }),
  fc.record({
    tag: fc.constant("msto"),
    type: fc.constant("int" as const),
    value: fc.integer({ min: -32_768, max: 32_767 }),
    size: fc.constant(2),
  }),
  fc.record({
    tag: fc.constant("msto"),
    type: fc.constant("int" as const),
    value: fc.maxSafeInteger(),
    size: fc.constant(8),
  }),
  fc.record({
    tag: fc.constant("cann"),
    type: fc.constant("string" as const),
    value: fc.string({ unit: "binary" }),
    size: fc.constant(undefined),
  }),
  fc.record({
    tag: fc.constant("cavc"),
    type: fc.constant("bool" as const),
    value: fc.boolean(),
    size: fc.constantFrom(undefined, 2, 4, 8),
  }),
  fc.record({
    tag: fc.constant("mpro"),
    type: fc.constant("version" as const),
    value: fc.tuple(fc.nat(0xffff), fc.nat(0xff), fc.nat(0xff)).map((parts) => parts.join(".")),
    size: fc.constant(4),
  }),
  fc.record({
    tag: fc.constant("mstc"),
    type: fc.constant("date" as const),
    value: fc.nat(),
    size: fc.constant(4),
  }),
  fc.record({
    tag: fc.constant("ceSD"),
    type: fc.constant("bplist" as const),
    // fast-check favours keys such as "__proto__", which the plist encoder refuses.
    value: fc.dictionary(
      fc.string().filter((key) => key !== "__proto__"),
      fc.oneof(fc.integer(), fc.string(), fc.boolean()),
    ),
    size: fc.constant(undefined),
  }),
  fc.record({
    tag: fc.constant("canp"),
    type: fc.constant("raw" as const),
    value: fc.uint8Array({ maxLength: 24 }),
    size: fc.constant(undefined),
  }),
  fc.record({
    tag: UNKNOWN_TAG,
    type: fc.constant("raw" as const),
    value: fc.uint8Array({ maxLength: 24 }),
    size: fc.constant(undefined),
  }),
);

const { tree } = fc.letrec<{ tree: DmapNode[]; node: DmapNode }>((tie) => ({
  tree: fc.array(tie("node"), { maxLength: 5 }),
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      tag: fc.constantFrom("mlit", "mlcl", "cmst"),
      type: fc.constant("container" as const),
      value: tie("tree"),
      size: fc.constant(undefined),
    }),
  ),
}));

/** decodeDmap's only outcomes: a tree that encodes back to the input, or its error. */
function decodesOrRejects(bytes: Uint8Array): void {
  let decoded: DmapNode[];
  try {
    decoded = decodeDmap(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDmapDataError);
    return;
  }
  expect(hex(encodeDmap(decoded))).toBe(hex(bytes));
}

describe("decodeDmap properties", () => {
  it("decode(encode(tree)) gives the tree back", () => {
    fc.assert(
      fc.property(tree, (nodes) => {
        expect(decodeDmap(encodeDmap(nodes))).toEqual(nodes);
      }),
    );
  });

  it("random bytes decode to a tree that encodes back to them, or are rejected", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), decodesOrRejects), { numRuns: 2000 });
  });

  it("random elements (headers that often fit) likewise", () => {
    const elementBytes = fc
      .tuple(
        fc.constantFrom(
          "mlit",
          "cmst",
          "miid",
          "msto",
          "cann",
          "cavc",
          "mpro",
          "mstc",
          "ceSD",
          "zzzz",
        ),
        fc.uint8Array({ maxLength: 24 }),
      )
      .map(([tag, payload]) => element(tag, payload));
    fc.assert(
      fc.property(fc.array(elementBytes, { maxLength: 6 }), (parts) =>
        decodesOrRejects(concat(...parts)),
      ),
      {
        numRuns: 1000,
      },
    );
  });

  it("valid messages, truncated, with bytes flipped or lengths patched, decode or are rejected", () => {
    const mutated = tree
      .map((nodes) => encodeDmap(nodes))
      .filter((bytes) => bytes.length > 0)
      .chain((bytes) =>
        fc.oneof(
          fc.nat(bytes.length - 1).map((cut) => bytes.slice(0, cut)),
          fc
            .array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), {
              minLength: 1,
              maxLength: 4,
            })
            .map((flips) => {
              const copy = bytes.slice();
              for (const [at, mask] of flips) copy[at] = (copy[at] as number) ^ mask;
              return copy;
            }),
          fc
            .tuple(fc.nat(Math.max(0, bytes.length - 4)), fc.nat({ max: 0xffff_ffff }))
            .map(([at, length]) => {
              const copy = bytes.slice();
              if (copy.length >= at + 4) new DataView(copy.buffer).setUint32(at, length);
              return copy;
            }),
        ),
      );
    fc.assert(fc.property(mutated, decodesOrRejects), { numRuns: 2000 });
  });
});
