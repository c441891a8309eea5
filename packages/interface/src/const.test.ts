import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DeviceModel,
  DeviceState,
  enumFromName,
  enumName,
  enumValues,
  FeatureName,
  FeatureState,
  InputAction,
  isEnumValue,
  KeyboardFocusState,
  MediaType,
  OperatingSystem,
  PairingRequirement,
  PowerState,
  Protocol,
  RepeatState,
  ShuffleState,
  TouchAction,
} from "./const.js";

const ENUMS = {
  Protocol,
  MediaType,
  DeviceState,
  RepeatState,
  ShuffleState,
  PowerState,
  KeyboardFocusState,
  OperatingSystem,
  DeviceModel,
  InputAction,
  PairingRequirement,
  FeatureState,
  FeatureName,
  TouchAction,
};

describe("enums", () => {
  it("have pyatv's numbers", () => {
    expect(Protocol).toEqual({ DMAP: 1, MRP: 2, AirPlay: 3, Companion: 4, RAOP: 5 });
    expect(PairingRequirement).toEqual({
      Unsupported: 1,
      Disabled: 2,
      NotNeeded: 3,
      Optional: 4,
      Mandatory: 5,
    });
    expect(DeviceModel.Gen4K).toBe(4);
    expect(DeviceModel.AppleTVGen1).toBe(13);
    expect(DeviceModel.HomePodGen2).toBe(12);
    expect(OperatingSystem.MacOS).toBe(4);
    expect(TouchAction).toEqual({ Press: 1, Hold: 3, Release: 4, Click: 5 });
    expect(FeatureName.SkipForward).toBe(36);
    expect(FeatureName.ChannelUp).toBe(48);
    expect(FeatureName.iTunesStoreIdentifier).toBe(50);
    expect(FeatureName.Screensaver).toBe(58);
    expect(FeatureName.ControlCenter).toBe(68);
  });

  it("FeatureName has 68 distinct features, numbered 0 to 68 without 67", () => {
    const values = enumValues(FeatureName);
    expect(new Set(values).size).toBe(68);
    expect(Object.keys(FeatureName)).toHaveLength(68);
    const expected = [...Array(69).keys()].filter((n) => n !== 67);
    expect([...values].sort((a, b) => a - b)).toEqual(expected);
  });

  it.each(Object.entries(ENUMS))("%s has distinct values", (_name, values) => {
    const numbers = Object.values(values);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe("enumName", () => {
  it("finds the member name of a value", () => {
    expect(enumName(Protocol, 2)).toBe("MRP");
    expect(enumName(FeatureName, 50)).toBe("iTunesStoreIdentifier");
    expect(enumName(DeviceModel, DeviceModel.Gen4K)).toBe("Gen4K");
    expect(enumName(MediaType, 0)).toBe("Unknown");
  });

  it("is undefined for values outside the enum", () => {
    expect(enumName(Protocol, 0)).toBeUndefined();
    expect(enumName(FeatureName, 67)).toBeUndefined();
    expect(enumName(Protocol, Number.NaN)).toBeUndefined();
  });

  it("round-trips every member of every enum", () => {
    for (const values of Object.values(ENUMS)) {
      for (const [key, value] of Object.entries(values)) {
        expect(enumName(values, value)).toBe(key);
        expect(enumFromName(values, key)).toBe(value);
      }
    }
  });
});

describe("isEnumValue", () => {
  it("accepts members only", () => {
    expect(isEnumValue(Protocol, 5)).toBe(true);
    expect(isEnumValue(Protocol, 6)).toBe(false);
    expect(isEnumValue(Protocol, "2")).toBe(false);
    expect(isEnumValue(Protocol, undefined)).toBe(false);
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = isEnumValue(FeatureName, value);
        expect(result).toBe(
          typeof value === "number" && Object.values(FeatureName).includes(value as FeatureName),
        );
      }),
    );
  });
});

describe("enumFromName", () => {
  it("matches exactly by default", () => {
    expect(enumFromName(Protocol, "AirPlay")).toBe(Protocol.AirPlay);
    expect(enumFromName(Protocol, "airplay")).toBeUndefined();
  });

  it("ignores case on request", () => {
    expect(enumFromName(Protocol, "airplay", { ignoreCase: true })).toBe(Protocol.AirPlay);
    expect(enumFromName(FeatureName, "ITUNESSTOREIDENTIFIER", { ignoreCase: true })).toBe(50);
  });

  it("does not see inherited object keys", () => {
    expect(enumFromName(Protocol, "toString")).toBeUndefined();
    expect(enumFromName(Protocol, "__proto__")).toBeUndefined();
  });
});
