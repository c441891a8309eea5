import { describe, expect, it } from "vitest";
import { DeviceModel, OperatingSystem } from "./const.js";
import { DeviceInfo, type DeviceInfoFields, modelFields } from "./device-info.js";

describe("DeviceInfo", () => {
  it("defaults every fact", () => {
    const info = new DeviceInfo({});
    expect(info.operatingSystem).toBe(OperatingSystem.Unknown);
    expect(info.version).toBeUndefined();
    expect(info.buildNumber).toBeUndefined();
    expect(info.model).toBe(DeviceModel.Unknown);
    expect(info.rawModel).toBeUndefined();
    expect(info.mac).toBeUndefined();
    expect(info.outputDeviceId).toBeUndefined();
    expect(info.modelStr).toBe("Unknown");
  });

  it("keeps given facts", () => {
    const info = new DeviceInfo({
      operatingSystem: OperatingSystem.TvOS,
      version: "1.0",
      buildNumber: "ABC",
      model: DeviceModel.Gen3,
      mac: "AA:BB:CC:DD:EE:FF",
      outputDeviceId: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE",
    });
    expect(info.operatingSystem).toBe(OperatingSystem.TvOS);
    expect(info.version).toBe("1.0");
    expect(info.buildNumber).toBe("ABC");
    expect(info.model).toBe(DeviceModel.Gen3);
    expect(info.mac).toBe("AA:BB:CC:DD:EE:FF");
    expect(info.outputDeviceId).toBe("AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE");
  });

  it("is not changed by later changes to its input", () => {
    const fields: DeviceInfoFields = { model: DeviceModel.Gen4K };
    const info = new DeviceInfo(fields);
    fields.model = DeviceModel.HomePod;
    expect(info.model).toBe(DeviceModel.Gen4K);
  });

  // pyatv's DeviceInfo guesses from the model with its own list (tests/test_interface.py).
  it.each([
    [DeviceModel.AirPortExpress, OperatingSystem.AirPortOS],
    [DeviceModel.AirPortExpressGen2, OperatingSystem.AirPortOS],
    [DeviceModel.HomePod, OperatingSystem.TvOS],
    [DeviceModel.HomePodMini, OperatingSystem.TvOS],
    [DeviceModel.Gen2, OperatingSystem.TvOS],
    [DeviceModel.Gen3, OperatingSystem.TvOS],
    [DeviceModel.Gen4, OperatingSystem.TvOS],
    [DeviceModel.Gen4K, OperatingSystem.TvOS],
    [DeviceModel.AppleTV4KGen2, OperatingSystem.TvOS],
    [DeviceModel.AppleTV4KGen3, OperatingSystem.TvOS],
    [DeviceModel.Music, OperatingSystem.Unknown],
  ])("guesses the OS of model %i as %i", (model, os) => {
    expect(new DeviceInfo({ model }).operatingSystem).toBe(os);
  });

  it("prefers a given OS over the guess", () => {
    const info = new DeviceInfo({
      model: DeviceModel.Gen3,
      operatingSystem: OperatingSystem.Legacy,
    });
    expect(info.operatingSystem).toBe(OperatingSystem.Legacy);
  });

  it("resolves the version from the build number when it is missing", () => {
    expect(new DeviceInfo({ version: "1.0" }).version).toBe("1.0");
    expect(new DeviceInfo({ buildNumber: "18M60" }).version).toBe("14.7");
    expect(new DeviceInfo({ buildNumber: "19A123" }).version).toBe("15.x");
    expect(new DeviceInfo({ version: "1.0", buildNumber: "18M60" }).version).toBe("1.0");
    expect(new DeviceInfo({ version: "", buildNumber: "18M60" }).version).toBe("14.7");
    expect(new DeviceInfo({ version: "", buildNumber: "bad" }).version).toBe("");
  });

  it("shows the raw model only when the model is unknown", () => {
    expect(new DeviceInfo({ rawModel: "raw" }).rawModel).toBe("raw");
    expect(new DeviceInfo({ rawModel: "raw" }).modelStr).toBe("raw");
    expect(new DeviceInfo({ rawModel: "raw", model: DeviceModel.Gen3 }).modelStr).toBe(
      "Apple TV 3",
    );
    expect(new DeviceInfo({ rawModel: "" }).modelStr).toBe("Unknown");
  });

  describe("toString", () => {
    it("prints an Apple TV 3 as pyatv does", () => {
      const info = new DeviceInfo({
        operatingSystem: OperatingSystem.Legacy,
        version: "2.2.3",
        buildNumber: "13D333",
        model: DeviceModel.Gen3,
        mac: "aa:bb:cc:dd:ee:ff",
      });
      expect(String(info)).toBe("Apple TV 3, ATV SW 2.2.3 build 13D333");
    });

    it("prints a HomePod mini", () => {
      const info = new DeviceInfo({
        operatingSystem: OperatingSystem.TvOS,
        version: "1.2.3",
        buildNumber: "19A123",
        model: DeviceModel.HomePodMini,
      });
      expect(`${info}`).toBe("HomePod Mini, tvOS 1.2.3 build 19A123");
    });

    it("prints an Apple TV 4K with its version looked up", () => {
      const info = new DeviceInfo({ model: DeviceModel.Gen4K, buildNumber: "18K57" });
      expect(info.toString()).toBe("Apple TV 4K, tvOS 14.2 build 18K57");
    });

    it("prints unknown devices", () => {
      expect(new DeviceInfo({}).toString()).toBe("Unknown, Unknown OS");
      expect(new DeviceInfo({ rawModel: "raw" }).toString()).toBe("raw, Unknown OS");
      expect(
        new DeviceInfo({
          rawModel: "Mac14,2",
          operatingSystem: OperatingSystem.MacOS,
          version: "14.1",
        }).toString(),
      ).toBe("Mac14,2, MacOS 14.1");
    });
  });

  describe("toJSON", () => {
    it("gives the facts with inferred values filled in", () => {
      const info = new DeviceInfo({ model: DeviceModel.Gen4K, buildNumber: "18K57", mac: "m" });
      expect(info.toJSON()).toEqual({
        operatingSystem: OperatingSystem.TvOS,
        model: DeviceModel.Gen4K,
        version: "14.2",
        buildNumber: "18K57",
        mac: "m",
      });
      expect(JSON.parse(JSON.stringify(info))).toEqual(info.toJSON());
    });

    it("round-trips through the constructor", () => {
      const info = new DeviceInfo({
        rawModel: "raw",
        outputDeviceId: "id",
        buildNumber: "20K71",
        operatingSystem: OperatingSystem.TvOS,
      });
      const copy = new DeviceInfo(info.toJSON());
      expect(copy.toJSON()).toEqual(info.toJSON());
      expect(copy.toString()).toBe(info.toString());
    });
  });
});

describe("modelFields", () => {
  it("reads a known Apple TV identifier", () => {
    expect(modelFields("AppleTV6,2")).toMatchObject({
      rawModel: "AppleTV6,2",
      model: DeviceModel.Gen4K,
    });
  });
  it("keeps an unknown identifier raw, with neither model nor OS", () => {
    expect(modelFields("Speaker1,1")).toEqual({ rawModel: "Speaker1,1" });
  });
  it("tells the OS of a Mac only when asked", () => {
    expect(modelFields("MacBookAir10,1").operatingSystem).toBe(OperatingSystem.MacOS);
    expect(modelFields("MacBookAir10,1", { withOs: false }).operatingSystem).toBeUndefined();
  });
});
