import { AirPlayVersion, PlainProperties } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AirPlayFeature,
  AirPlayMajorVersion,
  detectAirPlayVersion,
  hasFeature,
  parseFeatures,
} from "./features.js";

describe("parseFeatures", () => {
  // Vectors from pyatv's tests/protocols/airplay/test_utils.py.
  it("parses a single 32-bit mask", () => {
    expect(parseFeatures("0x00000001")).toBe(AirPlayFeature.SupportsAirPlayVideoV1);
    expect(parseFeatures("0x40000003")).toBe(
      AirPlayFeature.HasUnifiedAdvertiserInfo |
        AirPlayFeature.SupportsAirPlayPhoto |
        AirPlayFeature.SupportsAirPlayVideoV1,
    );
  });

  it("puts the second value in the upper 32 bits", () => {
    expect(parseFeatures("0x00000003,0x00000001")).toBe(
      AirPlayFeature.IsCarPlay |
        AirPlayFeature.SupportsAirPlayPhoto |
        AirPlayFeature.SupportsAirPlayVideoV1,
    );
    expect(parseFeatures("0x5A7FFFF7,0x1E")).toBe(0x1e_5a7ffff7n);
    expect(parseFeatures("0x4A7FDFD5,0xBC177FDE")).toBe(0xbc177fde_4a7fdfd5n);
  });

  it.each([
    "foo",
    "1234",
    "0x00000001,",
    ",0x00000001",
    "0x00000001,0x00000001,0x00000001",
    "0x123456789",
    "0x",
    "",
  ])("rejects %j", (value) => {
    expect(parseFeatures(value)).toBeUndefined();
  });

  it("round-trips any 64-bit mask written as two halves", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (mask) => {
        const low = (mask & 0xffff_ffffn).toString(16);
        const high = (mask >> 32n).toString(16);
        expect(parseFeatures(`0x${low},0x${high}`)).toBe(mask);
      }),
    );
  });

  it("never throws and stays within 64 bits on random or mutated input", () => {
    const mutated = fc
      .tuple(fc.constantFrom("0x5A7FFFF7,0x1E", "0x4A7FDFD5,0xBC177FDE", "0x1"), fc.string())
      .map(([real, noise]) => real + noise);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fxX,]{0,24}$/), mutated), (s) => {
        const parsed = parseFeatures(s);
        if (parsed !== undefined) {
          expect(parsed >= 0n && parsed < 1n << 64n).toBe(true);
        }
      }),
    );
  });
});

describe("hasFeature", () => {
  it("tests one bit of the mask", () => {
    const mask = parseFeatures("0x4A7FDFD5,0xBC177FDE")!;
    expect(hasFeature(mask, AirPlayFeature.SupportsUnifiedMediaControl)).toBe(true);
    expect(hasFeature(mask, AirPlayFeature.IsCarPlay)).toBe(false);
  });
});

describe("detectAirPlayVersion", () => {
  // Vectors from pyatv's tests/protocols/airplay/test_utils.py (test_get_protocol_version).
  it.each([
    [{}, AirPlayMajorVersion.AirPlayV1],
    [{ ft: "0x5A7FFFF7,0xE" }, AirPlayMajorVersion.AirPlayV1], // Apple TV 3, RAOP
    [{ ft: "0x4A7FCA00,0xBC354BD0" }, AirPlayMajorVersion.AirPlayV2], // HomePod mini, RAOP
    [{ features: "0x5A7FFFF7,0xE" }, AirPlayMajorVersion.AirPlayV1], // Apple TV 3, AirPlay
    [{ features: "0x4A7FCA00,0xBC354BD0" }, AirPlayMajorVersion.AirPlayV2],
    [{ features: "garbage" }, AirPlayMajorVersion.AirPlayV1],
  ])("%j is version %i", (properties, version) => {
    expect(detectAirPlayVersion(new PlainProperties(properties))).toBe(version);
  });

  it("follows a forced version whatever the features say", () => {
    const atv3 = new PlainProperties({ features: "0x5A7FFFF7,0xE" });
    const homePod = new PlainProperties({ features: "0x4A7FCA00,0xBC354BD0" });
    expect(detectAirPlayVersion(atv3, AirPlayVersion.V2)).toBe(AirPlayMajorVersion.AirPlayV2);
    expect(detectAirPlayVersion(homePod, AirPlayVersion.V1)).toBe(AirPlayMajorVersion.AirPlayV1);
    expect(detectAirPlayVersion(homePod, AirPlayVersion.Auto)).toBe(AirPlayMajorVersion.AirPlayV2);
  });
});
