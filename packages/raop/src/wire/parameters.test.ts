import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRaopMetadata, encodeRaopMetadata } from "./metadata.js";
import {
  encodeProgress,
  encodeVolumeParameter,
  parseProgress,
  parseTextParameters,
  parseVolumeParameter,
} from "./parameters.js";
import { dbfsToPct, pctToDbfs } from "./volume.js";

describe("volume", () => {
  it("maps the whole range and back", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (pct) => {
        const db = pctToDbfs(pct);
        if (pct === 0) expect(db).toBe(-144);
        else expect(dbfsToPct(db)).toBeCloseTo(pct, 9);
        expect(parseVolumeParameter(encodeVolumeParameter(db))).toBe(db);
      }),
    );
  });

  it("writes numbers as Python does", () => {
    expect(encodeVolumeParameter(-15)).toBe("volume: -15.0");
    expect(encodeVolumeParameter(0)).toBe("volume: 0.0");
    expect(encodeVolumeParameter(-1e-7)).toBe("volume: -1e-07");
  });

  it("refuses levels outside 0-100 and clamps levels above 0 dB", () => {
    expect(() => pctToDbfs(101)).toThrow(RangeError);
    expect(() => pctToDbfs(Number.NaN)).toThrow(RangeError);
    expect(dbfsToPct(3)).toBe(100);
    expect(() => dbfsToPct(Number.NaN)).toThrow(RangeError);
  });

  it("rejects a malformed volume", () => {
    expect(() => parseVolumeParameter("volume: loud")).toThrow(ProtocolError);
    expect(() => parseVolumeParameter("progress: 1/2/3")).toThrow(ProtocolError);
  });
});

describe("progress", () => {
  it("writes and reads start/current/end", () => {
    expect(encodeProgress(1, 2, 3)).toBe("progress: 1/2/3\r\n");
    expect(parseProgress("progress: 1/2/3\r\n")).toEqual({ start: 1, current: 2, end: 3 });
  });

  it("reads pyatv's float end", () => {
    expect(parseProgress("progress: 100/100/441100.0")).toEqual({
      start: 100,
      current: 100,
      end: 441100,
    });
  });

  it("refuses what is not whole frames", () => {
    expect(() => encodeProgress(-1, 0, 0)).toThrow(RangeError);
    expect(() => encodeProgress(0, 0.5, 0)).toThrow(RangeError);
    expect(() => parseProgress("progress: 1/2")).toThrow(ProtocolError);
    expect(() => parseProgress("volume: 1")).toThrow(ProtocolError);
  });

  it("reads parameter lists", () => {
    expect(parseTextParameters("Volume: -3.0\r\nprogress:1/2/3\r\n\r\n")).toEqual(
      new Map([
        ["volume", "-3.0"],
        ["progress", "1/2/3"],
      ]),
    );
    expect(() => parseTextParameters("no colon here")).toThrow(ProtocolError);
  });
});

describe("DAAP metadata", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 40 });

  it("round-trips any text", () => {
    fc.assert(
      fc.property(
        fc.record({ title: text, artist: text, album: text }, { requiredKeys: [] }),
        (m) => {
          const expected = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== ""));
          expect(decodeRaopMetadata(encodeRaopMetadata(m))).toEqual(expected);
        },
      ),
    );
  });

  it("writes UTF-8 byte lengths", () => {
    const body = encodeRaopMetadata({ title: "é" });
    expect(Buffer.from(body).toString("hex")).toBe("6d6c69740000000a6d696e6d00000002c3a9");
  });

  it("rejects bodies that are not one mlit item", () => {
    expect(() => decodeRaopMetadata(new Uint8Array([1, 2, 3]))).toThrow(ProtocolError);
    const two = new Uint8Array([...encodeRaopMetadata({}), ...encodeRaopMetadata({})]);
    expect(() => decodeRaopMetadata(two)).toThrow(ProtocolError);
    const notMlit = Buffer.from("6d696e6d0000000154", "hex");
    expect(() => decodeRaopMetadata(notMlit)).toThrow(ProtocolError);
  });
});
