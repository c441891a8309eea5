import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeviceModel, isEnumValue, OperatingSystem } from "./const.js";
import {
  BUILD_VERSIONS,
  INTERNAL_NAMES,
  lookupInternalName,
  lookupModel,
  lookupOs,
  lookupVersion,
  MODEL_IDENTIFIERS,
} from "./device-models.js";

describe("lookupModel", () => {
  it.each([
    ["AppleTV6,2", DeviceModel.Gen4K],
    ["AppleTV11,1", DeviceModel.AppleTV4KGen2],
    ["AppleTV14,1", DeviceModel.AppleTV4KGen3],
    ["AppleTV1,1", DeviceModel.AppleTVGen1],
    ["AudioAccessory5,1", DeviceModel.HomePodMini],
    ["AudioAccessorySingle5,1", DeviceModel.HomePodMini],
    ["AudioAccessory6,1", DeviceModel.HomePodGen2],
    ["AirPort10,115", DeviceModel.AirPortExpressGen2],
  ])("%s is %i", (identifier, model) => {
    expect(lookupModel(identifier)).toBe(model);
  });

  it("is Unknown for unknown, empty or missing identifiers", () => {
    expect(lookupModel("bad_model")).toBe(DeviceModel.Unknown);
    expect(lookupModel("appletv6,2")).toBe(DeviceModel.Unknown);
    expect(lookupModel("")).toBe(DeviceModel.Unknown);
    expect(lookupModel(undefined)).toBe(DeviceModel.Unknown);
    expect(lookupModel("constructor")).toBe(DeviceModel.Unknown);
  });

  it("holds pyatv's full table", () => {
    expect(MODEL_IDENTIFIERS.size).toBe(15);
  });
});

describe("lookupInternalName", () => {
  it.each([
    ["K66AP", DeviceModel.Gen2],
    ["J33IAP", DeviceModel.Gen3],
    ["J42dAP", DeviceModel.Gen4],
    ["J105aAP", DeviceModel.Gen4K],
    ["J305AP", DeviceModel.AppleTV4KGen2],
    ["J255AP", DeviceModel.AppleTV4KGen3],
  ])("%s is %i", (name, model) => {
    expect(lookupInternalName(name)).toBe(model);
  });

  it("is Unknown otherwise", () => {
    expect(lookupInternalName("bad_name")).toBe(DeviceModel.Unknown);
    expect(lookupInternalName(undefined)).toBe(DeviceModel.Unknown);
    expect(INTERNAL_NAMES.size).toBe(7);
  });
});

describe("lookupVersion", () => {
  it.each([
    ["17J586", "13.0"],
    ["17K795", "13.3.1"],
    ["18K57", "14.2"],
    ["18M60", "14.7"],
    ["20K680", "16.3.3"],
    ["22J354", "17.0"],
    ["21M80", "17.6.1"],
    ["22J580", "18.1"],
  ])("knows %s as %s", (build, version) => {
    expect(lookupVersion(build)).toBe(version);
  });

  it("guesses the major version of builds not in the table", () => {
    expect(lookupVersion("16F123")).toBe("12.x");
    expect(lookupVersion("17F123")).toBe("13.x");
    expect(lookupVersion("22A5")).toBe("18.x");
    expect(lookupVersion("18Kxyz")).toBe("14.x");
  });

  it("gives up on builds without a major number and a capital letter", () => {
    expect(lookupVersion(undefined)).toBeUndefined();
    expect(lookupVersion("")).toBeUndefined();
    expect(lookupVersion("bad_version")).toBeUndefined();
    expect(lookupVersion("17k82")).toBeUndefined();
    expect(lookupVersion("17")).toBeUndefined();
    expect(lookupVersion(" 17K82")).toBeUndefined();
  });

  it("holds all 50 builds of pyatv's table", () => {
    expect(BUILD_VERSIONS.size).toBe(50);
    for (const version of BUILD_VERSIONS.values()) expect(version).toMatch(/^\d+\.\d+(\.\d+)?$/);
  });

  it("never throws and answers a version or undefined for any build", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^\d{1,30}[A-Z]\d{0,4}[a-z]?$/)),
        (build) => {
          const version = lookupVersion(build);
          if (version !== undefined) expect(version).toMatch(/^-?\d+(\.\d+)*(\.x)?$/);
          if (/^\d+[A-Z]/.test(build) && !BUILD_VERSIONS.has(build)) {
            expect(version).toMatch(/\.x$/);
          }
        },
      ),
    );
  });

  it("keeps very long major numbers exact", () => {
    expect(lookupVersion("123456789012345678901234A1")).toBe("123456789012345678901230.x");
  });
});

describe("lookupOs", () => {
  it.each([
    ["bad", OperatingSystem.Unknown],
    ["MacBookAir10,1", OperatingSystem.MacOS],
    ["iMac1,2", OperatingSystem.MacOS],
    ["Macmini1,1", OperatingSystem.MacOS],
    ["MacBookPro5,67", OperatingSystem.MacOS],
    ["Mac1,4", OperatingSystem.MacOS],
    ["MacPro19,4", OperatingSystem.MacOS],
    ["AppleTV6,2", OperatingSystem.Unknown],
    ["xMac1,4", OperatingSystem.Unknown],
  ])("identifier %s is %i", (identifier, os) => {
    expect(lookupOs(identifier)).toBe(os);
  });

  it.each([
    [DeviceModel.AirPortExpress, OperatingSystem.AirPortOS],
    [DeviceModel.AirPortExpressGen2, OperatingSystem.AirPortOS],
    [DeviceModel.HomePod, OperatingSystem.TvOS],
    [DeviceModel.HomePodGen2, OperatingSystem.TvOS],
    [DeviceModel.HomePodMini, OperatingSystem.TvOS],
    [DeviceModel.AppleTVGen1, OperatingSystem.Legacy],
    [DeviceModel.Gen2, OperatingSystem.Legacy],
    [DeviceModel.Gen3, OperatingSystem.Legacy],
    [DeviceModel.Gen4, OperatingSystem.TvOS],
    [DeviceModel.Gen4K, OperatingSystem.TvOS],
    [DeviceModel.AppleTV4KGen2, OperatingSystem.TvOS],
    [DeviceModel.AppleTV4KGen3, OperatingSystem.TvOS],
    [DeviceModel.Music, OperatingSystem.Unknown],
    [DeviceModel.Unknown, OperatingSystem.Unknown],
  ])("model %i is %i", (model, os) => {
    expect(lookupOs(model)).toBe(os);
  });

  it("never throws on arbitrary identifiers", () => {
    fc.assert(
      fc.property(fc.string(), (identifier) => {
        expect(isEnumValue(OperatingSystem, lookupOs(identifier))).toBe(true);
        expect(isEnumValue(DeviceModel, lookupModel(identifier))).toBe(true);
        expect(isEnumValue(DeviceModel, lookupInternalName(identifier))).toBe(true);
      }),
    );
  });
});
