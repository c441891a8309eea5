import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeDevice } from "./merge.js";
import { createSettings, decodeModel, encodeDevice, encodeModel, ModelError } from "./model.js";
import { type Json, stringifyLikePython } from "./python-json.js";

const FIXTURE = readFileSync(new URL("./fixtures/pyatv.conf", import.meta.url), "utf8");

describe("stringifyLikePython", () => {
  it("prints as Python's json.dumps (recorded from CPython 3)", () => {
    const value: Json = { a: '\u007f\u00e9\u{1f600}\n\u0001"\\', b: [1, null, true, {}], c: [] };
    expect(stringifyLikePython(value)).toBe(
      '{"a": "\\u007f\\u00e9\\ud83d\\ude00\\n\\u0001\\"\\\\", "b": [1, null, true, {}], "c": []}',
    );
  });

  it("prints any JSON value as re-spacing JSON.stringify's indented output would", () => {
    // The plain way to get Python's separators, too slow for a 1,000-device file; any
    // value it prints differently would be a bug in the direct writer.
    const respaced = (value: Json): string =>
      JSON.stringify(value, null, 1)
        .replace(/,\n */g, ", ")
        .replace(/\n */g, "")
        .replace(
          /[\u007f-\uffff]/g,
          (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
        );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }), (value) => {
        expect(stringifyLikePython(value as Json)).toBe(respaced(value as Json));
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips through JSON.parse", () => {
    const value: Json = { k: ["x", { y: -1.5, z: false }], ü: "ß" };
    expect(JSON.parse(stringifyLikePython(value))).toEqual(value);
  });
});

describe("the storage model", () => {
  it("encodes the fixture back to its own bytes", () => {
    const model = decodeModel(JSON.parse(FIXTURE));
    const devices = model.devices.map(({ settings }) => encodeDevice(settings));
    expect(`${stringifyLikePython(encodeModel(devices, model.extras))}\n`).toBe(FIXTURE);
  });

  it("writes only rp_id for a device with default settings", () => {
    const settings = createSettings();
    expect(encodeDevice(settings)).toEqual({ info: { rp_id: settings.info.rpId } });
  });

  it("leaves out a value set back to its default", () => {
    const settings = createSettings();
    settings.protocols.airplay.mrpTunnel = "force";
    expect(encodeDevice(settings).protocols).toEqual({ airplay: { mrp_tunnel: "force" } });
    settings.protocols.airplay.mrpTunnel = "auto";
    expect(encodeDevice(settings).protocols).toBeUndefined();
  });

  it("accepts null for optional text, as pyatv does", () => {
    const model = decodeModel({
      version: 1,
      devices: [{ protocols: { mrp: { identifier: null, credentials: "c" } } }],
    });
    expect(model.devices[0]?.settings.protocols.mrp).toEqual({
      identifier: undefined,
      credentials: "c",
    });
  });

  it("names the field that is wrong", () => {
    const bad: Json = { version: 1, devices: [{}, { info: { name: 7 } }] };
    expect(() => decodeModel(bad)).toThrow(ModelError);
    expect(() => decodeModel(bad)).toThrow("devices[1].info.name: expected text, got 7");
    expect(() => decodeModel({ version: 1, devices: [{ protocols: [] }] })).toThrow(
      "devices[0].protocols: expected an object, got an array",
    );
  });
});

describe("mergeDevice", () => {
  const base = {
    info: { rp_id: "r" },
    protocols: { mrp: { identifier: "M", credentials: "old" } },
  };

  it("applies this side's changes onto the other side's", () => {
    const ours = {
      info: { rp_id: "r" },
      protocols: { mrp: { identifier: "M", credentials: "new" } },
    };
    const disk = {
      ...base,
      protocols: { ...base.protocols, companion: { credentials: "theirs" } },
    };
    expect(mergeDevice(base, ours, disk)).toEqual({
      info: { rp_id: "r" },
      protocols: {
        mrp: { identifier: "M", credentials: "new" },
        companion: { credentials: "theirs" },
      },
    });
  });

  it("removes what this side removed, and sections left empty", () => {
    const ours = { info: { rp_id: "r" }, protocols: { mrp: { identifier: "M" } } };
    expect(mergeDevice(base, ours, base)).toEqual(ours);
    const noMrp = { info: { rp_id: "r" } };
    expect(mergeDevice(base, noMrp, base)).toEqual(noMrp);
  });

  it("keeps the other side's value where this side changed nothing", () => {
    const disk = { info: { rp_id: "r", name: "theirs" }, protocols: base.protocols };
    expect(mergeDevice(base, base, disk)).toEqual(disk);
  });
});
