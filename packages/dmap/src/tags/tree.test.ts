import { describe, expect, it } from "vitest";
import {
  type DmapNode,
  decodeDmap,
  dmapTag,
  first,
  firstNode,
  lookupTag,
  prettyDmap,
} from "./index.js";

const playstatus = decodeDmap(
  dmapTag.container(
    "cmst",
    dmapTag.uint32("caps", 4),
    dmapTag.string("cann", "Title"),
    dmapTag.bool("cavc", true),
    dmapTag.container(
      "mlcl",
      dmapTag.container("mlit", dmapTag.uint32("miid", 7)),
      dmapTag.container("mlit"),
    ),
    dmapTag.uint32("caps", 3),
  ),
);

describe("first and firstNode", () => {
  it("walk containers by tag codes, taking the first match at each step", () => {
    expect(first(playstatus, "cmst", "caps")).toBe(4);
    expect(first(playstatus, "cmst", "cann")).toBe("Title");
    expect(first(playstatus, "cmst", "mlcl", "mlit", "miid")).toBe(7);
    expect(firstNode(playstatus, "cmst", "cavc")).toEqual({
      tag: "cavc",
      type: "bool",
      value: true,
      size: undefined,
    });
    expect((first(playstatus, "cmst") as DmapNode[]).map((n) => n.tag)).toEqual([
      "caps",
      "cann",
      "cavc",
      "mlcl",
      "caps",
    ]);
  });

  it("give undefined for a missing step or a step into a non-container", () => {
    expect(first(playstatus, "cmst", "cmsr")).toBeUndefined();
    expect(first(playstatus, "mlog", "mlid")).toBeUndefined();
    expect(first(playstatus, "cmst", "caps", "caps")).toBeUndefined();
    expect(firstNode(playstatus, "cmst", "cann", "x")).toBeUndefined();
    expect(first([], "cmst")).toBeUndefined();
  });

  it("with an empty path: the tree for first (as pyatv's first), no node for firstNode", () => {
    expect(first(playstatus)).toBe(playstatus);
    expect(firstNode(playstatus)).toBeUndefined();
  });
});

describe("prettyDmap", () => {
  it("prints one node a line, children indented, with type and tag name", () => {
    const tree = decodeDmap(
      Buffer.concat([
        dmapTag.container(
          "cmst",
          dmapTag.uint32("caps", 4),
          dmapTag.string("cann", 'A "quoted" title'),
          dmapTag.raw("canp", Uint8Array.of(0, 1, 0xff)),
          dmapTag.raw("zzzz", new Uint8Array(70)),
          dmapTag.raw("mstc", Uint8Array.of(0x5f, 0x5e, 0x10, 0x00)),
          dmapTag.raw("mpro", Uint8Array.of(0, 2, 0, 8)),
          dmapTag.container("mlcl"),
        ),
        dmapTag.bool("cavc", false),
      ]),
    );
    expect(prettyDmap(tree)).toBe(
      [
        "cmst: [container, dmcp.playstatus]",
        "  caps: 4 [uint, dacp.playstatus]",
        '  cann: "A \\"quoted\\" title" [string, daap.nowplayingtrack]',
        "  canp: 0x0001ff [raw, daap.nowplayingid]",
        `  zzzz: 0x${"00".repeat(64)}… (70 bytes) [raw, unknown tag]`,
        "  mstc: 1600000000 (2020-09-13T12:26:40.000Z) [date, dmap.utctime]",
        "  mpro: 2.0.8 [version, dmap.protocolversion]",
        "  mlcl: [container, dmap.listing]",
        "cavc: false [bool, dacp.volumecontrollable]",
        "",
      ].join("\n"),
    );
  });

  it("prints plists as JSON, and an empty tree as nothing", () => {
    const node: DmapNode = {
      tag: "ceSD",
      type: "bplist",
      value: { big: 2n ** 64n, data: Uint8Array.of(1) },
    };
    expect(prettyDmap([node])).toBe(
      'ceSD: {"big":"18446744073709551616","data":"0x01"} [bplist, playing metadata]\n',
    );
    expect(prettyDmap([])).toBe("");
  });

  it("stops at 64 levels, so that a cycle built by hand still prints", () => {
    const children: DmapNode[] = [];
    children.push({ tag: "mlit", type: "container", value: children });
    const lines = prettyDmap(children).trimEnd().split("\n");
    expect(lines).toHaveLength(65);
    expect(lines.at(-1)?.trim()).toBe("(nested too deep to print)");
  });
});

describe("lookupTag", () => {
  it("knows pyatv's tags with their names and our types", () => {
    expect(lookupTag("cmst")).toMatchObject({ name: "dmcp.playstatus", type: "container" });
    expect(lookupTag("caps")).toMatchObject({ name: "dacp.playstatus", type: "uint" });
    expect(lookupTag("cann")).toMatchObject({ name: "daap.nowplayingtrack", type: "string" });
    expect(lookupTag("cavc")).toMatchObject({ name: "dacp.volumecontrollable", type: "bool" });
    expect(lookupTag("canp")).toMatchObject({ name: "daap.nowplayingid", type: "raw" });
    expect(lookupTag("ceSD")).toMatchObject({ name: "playing metadata", type: "bplist" });
    expect(lookupTag("cmcv")).toMatchObject({ name: "unknown tag", type: "raw" });
    expect(lookupTag("mpro")).toMatchObject({ name: "dmap.protocolversion", type: "version" });
    expect(lookupTag("mstc")).toMatchObject({ name: "dmap.utctime", type: "date" });
    expect(lookupTag("msto")).toMatchObject({ name: "dmap.utcoffset", type: "int" });
  });

  it("is case-sensitive and knows nothing else", () => {
    expect(lookupTag("ceQU")).toMatchObject({ type: "bool" });
    expect(lookupTag("ceQu")).toMatchObject({ type: "bool" });
    expect(lookupTag("CMST")).toBeUndefined();
    expect(lookupTag("muty")).toBeUndefined();
    expect(lookupTag("")).toBeUndefined();
  });
});
