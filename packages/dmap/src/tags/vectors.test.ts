// The known answers pyatv produced (/work/shared/vectors/dmap.json): bytes from its tag
// builders, fake device and client, and the tree its parser reads from them.
import { readFileSync } from "node:fs";
import { InvalidDmapDataError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { type DmapNode, decodeDmap, dmapTag, encodeDmap, first, lookupTag } from "./index.js";

// biome-ignore lint/suspicious/noExplicitAny: vector files are untyped JSON
type Json = any;

const file: Json = JSON.parse(
  readFileSync(new URL("../../../../../shared/vectors/dmap.json", import.meta.url), "utf8"),
);
const vectors: Json[] = file.vectors;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));

/**
 * Our node as pyatv's parser shows it (reader name and value), so that whole trees can be
 * compared with the vectors. Where we read more than pyatv (versions, dates, signed
 * offsets, flags that are neither 0 nor 1, unknown tags), this gives back what pyatv's
 * reader makes of the same bytes; the native values are asserted separately below.
 */
function asPyatv(node: DmapNode): Json {
  const { tag, type, value, size } = node;
  const known = lookupTag(tag);
  switch (type) {
    case "container":
      return { tag, type, children: (value as DmapNode[]).map(asPyatv) };
    case "version": {
      const [major, minor, patch] = (value as string).split(".").map(Number) as number[];
      return {
        tag,
        type: "read_uint",
        value: (major as number) * 65536 + (minor as number) * 256 + (patch as number),
      };
    }
    case "int":
      return {
        tag,
        type: "read_uint",
        value: Number(BigInt.asUintN((size as number) * 8, BigInt(value as number))),
      };
    case "uint":
      // A flag pyatv reads as "value == 1".
      if (known?.type === "bool") return { tag, type: "read_bool", value: value === 1 };
      return { tag, type: "read_uint", value };
    case "date":
      return { tag, type: "read_uint", value };
    case "bool":
      return { tag, type: "read_bool", value };
    case "string":
      return { tag, type: "read_str", value };
    case "bplist":
      return { tag, type: "read_bplist", value };
    default:
      if (known === undefined) return { tag, type: "_read_unknown", value: null };
      if (tag === "cmcv") return { tag, type: "read_ignore", value: null };
      return { tag, type: "read_bytes", value: `0x${hex(value as Uint8Array)}` };
  }
}

describe("dmap.json vectors", () => {
  const parsed = vectors.filter((v) => v.tree !== undefined);

  it.each(parsed.map((v) => [v.note, v]))("decodes as pyatv does: %s", (_note, vector) => {
    expect(decodeDmap(unhex(vector.hex)).map(asPyatv)).toEqual(vector.tree);
  });

  it.each(parsed.map((v) => [v.note, v]))("encodes back to the same bytes: %s", (_note, vector) => {
    expect(hex(encodeDmap(decodeDmap(unhex(vector.hex))))).toBe(vector.hex);
  });

  it("has vectors of every kind", () => {
    expect(parsed.length).toBeGreaterThanOrEqual(9);
    expect(vectors.filter((v) => v.parse_error !== undefined)).toHaveLength(1);
  });

  it("reads versions, dates and signed offsets as DMAP types them (pyatv: plain uints)", () => {
    const serverInfo = vectors.find((v) => v.hex.startsWith(hex(new TextEncoder().encode("msrv"))));
    const children = first(decodeDmap(unhex(serverInfo.hex)), "msrv") as DmapNode[];
    const byTag = new Map(children.map((n) => [n.tag, n]));
    expect(byTag.get("mpro")).toEqual({ tag: "mpro", type: "version", value: "2.0.8", size: 4 });
    expect(byTag.get("apro")).toEqual({ tag: "apro", type: "version", value: "3.0.11", size: 4 });
    expect(byTag.get("mstc")).toEqual({ tag: "mstc", type: "date", value: 1_600_000_000, size: 4 });
    // pyatv reads -8 hours as 4294938496.
    expect(byTag.get("msto")).toEqual({ tag: "msto", type: "int", value: -28_800, size: 4 });
    // pyatv reads ated = 7 as false; we keep the number so that it is written back as 7.
    expect(byTag.get("ated")).toEqual({ tag: "ated", type: "uint", value: 7, size: 1 });
    expect(byTag.get("mslr")).toEqual({ tag: "mslr", type: "bool", value: true, size: undefined });
  });

  it("keeps unknown tags as raw bytes (pyatv drops them)", () => {
    const ctrlInt = vectors.find((v) => v.hex.startsWith(hex(new TextEncoder().encode("caci"))));
    const tree = decodeDmap(unhex(ctrlInt.hex));
    const items = first(tree, "caci", "mlcl", "mlit") as DmapNode[];
    expect(items.find((n) => n.tag === "ceSX")).toEqual({
      tag: "ceSX",
      type: "raw",
      value: unhex("000000000000001f"),
      size: undefined,
    });
  });

  it("rejects the PYATV BUG vector, and our builder writes the byte length pyatv gets wrong", () => {
    const bug = vectors.find((v) => v.parse_error !== undefined);
    expect(bug.note).toContain("PYATV BUG");
    // pyatv's length 5 cuts "Åäö ♫" inside a character, and leaves 5 bytes that are not a
    // whole tag header.
    expect(() => decodeDmap(unhex(bug.hex))).toThrow(InvalidDmapDataError);
    expect(() => decodeDmap(unhex(bug.hex))).toThrow(
      "string tag 'cann' at offset 0 is not valid UTF-8",
    );
    const ours = dmapTag.string("cann", "Åäö ♫");
    expect(hex(ours)).toBe(bug.hex.replace("63616e6e00000005", "63616e6e0000000a"));
    expect(decodeDmap(ours)).toEqual([
      { tag: "cann", type: "string", value: "Åäö ♫", size: undefined },
    ]);
  });
});

describe("dmapTag builds the bytes pyatv's builders built", () => {
  const byNote = (text: string): string => vectors.find((v) => v.note.includes(text)).hex;

  it("login response (fake device handle_login)", () => {
    const bytes = dmapTag.container("mlog", dmapTag.uint32("mlid", 0x1ab2c3));
    expect(hex(bytes)).toBe(byNote("login response"));
  });

  it("playstatusupdate (fake device handle_playstatus)", () => {
    const bytes = dmapTag.container(
      "cmst",
      dmapTag.uint32("caps", 4),
      dmapTag.string("cann", "Title"),
      dmapTag.string("cana", "Artist"),
      dmapTag.string("canl", "Album"),
      dmapTag.string("cang", "Genre"),
      dmapTag.uint32("cast", 300_000),
      dmapTag.uint32("cant", 200_000),
      dmapTag.uint32("cmmk", 2),
      dmapTag.uint8("carp", 2),
      dmapTag.uint8("cash", 2),
      dmapTag.uint8("cavc", 1),
      dmapTag.uint32("cmsr", 1),
    );
    expect(hex(bytes)).toBe(byNote("playstatusupdate: playing"));
  });

  it("pairing answer (DmapPairingHandler.handle_request)", () => {
    const bytes = dmapTag.container(
      "cmpa",
      dmapTag.uint64("cmpg", 1n),
      dmapTag.string("cmnm", "pyatv"),
      dmapTag.string("cmty", "iPhone"),
    );
    expect(hex(bytes)).toBe(byNote("pairing answer"));
  });

  it("control prompt and touch bodies (client)", () => {
    const select = Buffer.concat([dmapTag.string("cmbe", "select"), dmapTag.uint8("cmcc", 0)]);
    expect(hex(select)).toBe(byNote("controlpromptentry"));
    const touch = Buffer.concat([
      dmapTag.uint8("cmcc", 0x30),
      dmapTag.string("cmbe", "touchUp&time=6&point=20,250"),
    ]);
    expect(hex(touch)).toBe(byNote("client touch body"));
  });

  it("uint16, raw and bool builders", () => {
    const vector = byNote("uint16, read_bytes");
    const tree = decodeDmap(unhex(vector));
    const plist = (() => {
      const bytes = unhex(vector);
      // ceSD's payload as it stands in the vector.
      const at = hex(bytes).indexOf(hex(new TextEncoder().encode("ceSD"))) / 2;
      return bytes.subarray(at + 8, at + 8 + Buffer.from(bytes).readUInt32BE(at + 4));
    })();
    const bytes = Buffer.concat([
      dmapTag.uint16("cmsp", 0x1234),
      dmapTag.raw("canp", unhex("0000000100000002")),
      dmapTag.raw("ceSD", plist),
      dmapTag.string("cann", "plain"),
    ]);
    expect(hex(bytes)).toBe(vector);
    expect(tree).toHaveLength(4);
    expect(hex(dmapTag.bool("mslr", true))).toBe("6d736c720000000101");
    expect(hex(dmapTag.bool("mslr", false))).toBe("6d736c720000000100");
  });

  it("every vector tree, rebuilt with the builders from its nodes", () => {
    const build = (node: DmapNode): Uint8Array => {
      const { tag, value, size } = node;
      switch (node.type) {
        case "container":
          return dmapTag.container(tag, ...(value as DmapNode[]).map(build));
        case "string":
          return dmapTag.string(tag, value as string);
        case "bool":
          return dmapTag.bool(tag, value as boolean);
        case "raw":
          return dmapTag.raw(tag, value as Uint8Array);
        case "bplist":
          return dmapTag.raw(tag, encodeDmap([node]).subarray(8));
        default: {
          const packed = Buffer.from(encodeDmap([node]).subarray(8));
          const width = size ?? 4;
          const unsigned = width === 8 ? packed.readBigUInt64BE(0) : packed.readUIntBE(0, width);
          if (width === 1) return dmapTag.uint8(tag, Number(unsigned));
          if (width === 2) return dmapTag.uint16(tag, Number(unsigned));
          if (width === 4) return dmapTag.uint32(tag, Number(unsigned));
          return dmapTag.uint64(tag, unsigned);
        }
      }
    };
    for (const vector of vectors.filter((v) => v.tree !== undefined)) {
      const rebuilt = Buffer.concat(decodeDmap(unhex(vector.hex)).map(build));
      expect(hex(rebuilt), vector.note).toBe(vector.hex);
    }
  });
});
