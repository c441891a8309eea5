import { describe, expect, it } from "vitest";
import { type DmapNode, decodeDmap, dmapTag, encodeDmap } from "./index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("encodeDmap", () => {
  it("writes integers in 4 bytes unless the node says otherwise or the value needs 8", () => {
    const bytes = encodeDmap([
      { tag: "caps", type: "uint", value: 4 },
      { tag: "cmpg", type: "uint", value: 2 ** 32 },
      { tag: "msto", type: "int", value: -1 },
      { tag: "msto", type: "int", value: -(2 ** 31) - 1 },
      { tag: "carp", type: "uint", value: 2, size: 1 },
      { tag: "cmpg", type: "uint", value: 1n, size: 8 },
      { tag: "mstc", type: "date", value: 1_600_000_000 },
    ]);
    expect(hex(bytes)).toBe(
      [
        "636170730000000400000004",
        "636d7067000000080000000100000000",
        "6d73746f00000004ffffffff",
        "6d73746f00000008ffffffff7fffffff",
        "636172700000000102",
        "636d7067000000080000000000000001",
        "6d737463000000045f5e1000",
      ].join(""),
    );
  });

  it("writes versions as major(16).minor(8).patch(8)", () => {
    expect(hex(encodeDmap([{ tag: "mpro", type: "version", value: "2.0.8" }]))).toBe(
      "6d70726f0000000400020008",
    );
  });

  it("writes the UTF-8 byte length of strings, lone surrogates as U+FFFD", () => {
    const bytes = encodeDmap([
      { tag: "cann", type: "string", value: "é♫🎵" },
      { tag: "cann", type: "string", value: "a\ud800b" },
    ]);
    expect(hex(bytes)).toBe(
      `63616e6e00000009c3a9e299abf09f8eb563616e6e00000005${hex(new TextEncoder().encode("a\ufffdb"))}`,
    );
  });

  it("encodes a bplist node built anew from its value", () => {
    const [node] = decodeDmap(
      encodeDmap([{ tag: "ceSD", type: "bplist", value: { title: "Song", n: 3 } }]),
    );
    expect(node?.value).toEqual({ title: "Song", n: 3 });
    const edited: DmapNode = { ...(node as DmapNode), value: { title: "Other" } };
    expect(decodeDmap(encodeDmap([edited]))[0]?.value).toEqual({ title: "Other" });
  });

  it("rejects values of the wrong kind with a TypeError", () => {
    const wrong: DmapNode[] = [
      { tag: "caps", type: "uint", value: "4" },
      { tag: "cann", type: "string", value: 4 },
      { tag: "cavc", type: "bool", value: 1 },
      { tag: "canp", type: "raw", value: [1, 2] },
      { tag: "mpro", type: "version", value: "2.0" },
      { tag: "cmst", type: "container", value: "no" },
      { tag: "caps", type: "float" as "uint", value: 1 },
    ];
    for (const node of wrong) expect(() => encodeDmap([node]), node.tag).toThrow(TypeError);
  });

  it("rejects bad tag codes, integers that do not fit, bad sizes and versions with a RangeError", () => {
    const bad: DmapNode[] = [
      { tag: "cap", type: "uint", value: 1 },
      { tag: "capsx", type: "uint", value: 1 },
      { tag: "cap\u00e9", type: "uint", value: 1 },
      { tag: "caps", type: "uint", value: -1 },
      { tag: "caps", type: "uint", value: 256, size: 1 },
      { tag: "caps", type: "uint", value: 1.5 },
      { tag: "caps", type: "uint", value: 2 ** 64 },
      { tag: "caps", type: "uint", value: 2n ** 64n },
      { tag: "caps", type: "uint", value: 1, size: 3 },
      { tag: "cavc", type: "bool", value: true, size: 3 },
      { tag: "msto", type: "int", value: 128, size: 1 },
      { tag: "msto", type: "int", value: -(2n ** 63n) - 1n, size: 8 },
      { tag: "mpro", type: "version", value: "65536.0.0" },
      { tag: "mpro", type: "version", value: "1.256.0" },
    ];
    for (const node of bad)
      expect(() => encodeDmap([node]), `${node.tag} ${String(node.value)}`).toThrow(RangeError);
  });

  it("refuses containers nested deeper than 64, and cycles", () => {
    const nest = (depth: number): DmapNode[] => {
      let nodes: DmapNode[] = [];
      for (let i = 0; i < depth; i++) nodes = [{ tag: "mlit", type: "container", value: nodes }];
      return nodes;
    };
    expect(decodeDmap(encodeDmap(nest(64)))).toEqual(nest(64));
    expect(() => encodeDmap(nest(65))).toThrow(RangeError);
    const children: DmapNode[] = [];
    children.push({ tag: "mlit", type: "container", value: children });
    expect(() => encodeDmap(children)).toThrow(RangeError);
  });
});

describe("dmapTag", () => {
  it("checks that integers fit their width", () => {
    expect(hex(dmapTag.uint8("carp", 255))).toBe("63617270000000 01ff".replace(" ", ""));
    expect(() => dmapTag.uint8("carp", 256)).toThrow(RangeError);
    expect(() => dmapTag.uint16("cmsp", -1)).toThrow(RangeError);
    expect(() => dmapTag.uint32("caps", 2 ** 32)).toThrow(RangeError);
    expect(() => dmapTag.uint32("caps", 0.5)).toThrow(RangeError);
    expect(() => dmapTag.uint64("cmpg", 2n ** 64n)).toThrow(RangeError);
    expect(hex(dmapTag.uint64("cmpg", 2n ** 64n - 1n))).toBe("636d706700000008ffffffffffffffff");
    expect(hex(dmapTag.uint64("cmpg", 2 ** 53 - 1))).toBe("636d706700000008001fffffffffffff");
  });

  it("checks tag codes", () => {
    expect(() => dmapTag.string("toolong", "x")).toThrow(RangeError);
    expect(() => dmapTag.raw("ab\ncd".slice(1), new Uint8Array())).toThrow(RangeError);
  });

  it("builds containers of any children, empty ones too", () => {
    expect(hex(dmapTag.container("cmst"))).toBe("636d737400000000");
    const nested = dmapTag.container(
      "cmst",
      dmapTag.bool("cavc", true),
      dmapTag.string("cann", "é"),
    );
    expect(decodeDmap(nested)).toEqual([
      {
        tag: "cmst",
        type: "container",
        value: [
          { tag: "cavc", type: "bool", value: true, size: undefined },
          { tag: "cann", type: "string", value: "é", size: undefined },
        ],
        size: undefined,
      },
    ]);
  });
});
