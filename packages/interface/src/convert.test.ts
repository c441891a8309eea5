import { describe, expect, it } from "vitest";
import {
  DeviceModel,
  DeviceState,
  enumValues,
  MediaType,
  OperatingSystem,
  Protocol,
  RepeatState,
  ShuffleState,
} from "./const.js";
import {
  deviceStateStr,
  mediaTypeStr,
  modelStr,
  operatingSystemStr,
  protocolStr,
  repeatStr,
  shuffleStr,
} from "./convert.js";

// Expected strings are pyatv's (tests/test_convert.py and DeviceInfo.__str__).
describe("convert", () => {
  it("names media types", () => {
    expect(mediaTypeStr(MediaType.Unknown)).toBe("Unknown");
    expect(mediaTypeStr(MediaType.Video)).toBe("Video");
    expect(mediaTypeStr(MediaType.Music)).toBe("Music");
    expect(mediaTypeStr(MediaType.TV)).toBe("TV");
    expect(mediaTypeStr(99)).toBe("Unsupported");
  });

  it("names device states, a missing state being Idle", () => {
    expect(deviceStateStr(DeviceState.Idle)).toBe("Idle");
    expect(deviceStateStr(DeviceState.Loading)).toBe("Loading");
    expect(deviceStateStr(DeviceState.Stopped)).toBe("Stopped");
    expect(deviceStateStr(DeviceState.Paused)).toBe("Paused");
    expect(deviceStateStr(DeviceState.Playing)).toBe("Playing");
    expect(deviceStateStr(DeviceState.Seeking)).toBe("Seeking");
    expect(deviceStateStr(undefined)).toBe("Idle");
    expect(deviceStateStr(999)).toBe("Unsupported");
  });

  it("names repeat and shuffle states", () => {
    expect(repeatStr(RepeatState.Off)).toBe("Off");
    expect(repeatStr(RepeatState.Track)).toBe("Track");
    expect(repeatStr(RepeatState.All)).toBe("All");
    expect(repeatStr(1234)).toBe("Unsupported");
    expect(shuffleStr(ShuffleState.Off)).toBe("Off");
    expect(shuffleStr(ShuffleState.Albums)).toBe("Albums");
    expect(shuffleStr(ShuffleState.Songs)).toBe("Songs");
    expect(shuffleStr(1234)).toBe("Unsupported");
  });

  it("names protocols", () => {
    expect(protocolStr(Protocol.MRP)).toBe("MRP");
    expect(protocolStr(Protocol.DMAP)).toBe("DMAP");
    expect(protocolStr(Protocol.AirPlay)).toBe("AirPlay");
    expect(protocolStr(Protocol.Companion)).toBe("Companion");
    expect(protocolStr(Protocol.RAOP)).toBe("RAOP");
    expect(protocolStr(1234)).toBe("Unknown");
  });

  it("names every model", () => {
    expect(modelStr(DeviceModel.AppleTVGen1)).toBe("Apple TV 1");
    expect(modelStr(DeviceModel.Gen2)).toBe("Apple TV 2");
    expect(modelStr(DeviceModel.Gen3)).toBe("Apple TV 3");
    expect(modelStr(DeviceModel.Gen4)).toBe("Apple TV 4");
    expect(modelStr(DeviceModel.Gen4K)).toBe("Apple TV 4K");
    expect(modelStr(DeviceModel.HomePod)).toBe("HomePod");
    expect(modelStr(DeviceModel.HomePodMini)).toBe("HomePod Mini");
    expect(modelStr(DeviceModel.AirPortExpress)).toBe("AirPort Express (gen 1)");
    expect(modelStr(DeviceModel.AirPortExpressGen2)).toBe("AirPort Express (gen 2)");
    expect(modelStr(DeviceModel.AppleTV4KGen2)).toBe("Apple TV 4K (gen 2)");
    expect(modelStr(DeviceModel.Music)).toBe("Music/iTunes");
    expect(modelStr(DeviceModel.AppleTV4KGen3)).toBe("Apple TV 4K (gen 3)");
    expect(modelStr(DeviceModel.HomePodGen2)).toBe("HomePod (gen 2)");
    expect(modelStr(DeviceModel.Unknown)).toBe("Unknown");
    expect(modelStr(4242)).toBe("Unknown");
  });

  it("gives every known model its own name", () => {
    const known = enumValues(DeviceModel).filter((m) => m !== DeviceModel.Unknown);
    const names = known.map(modelStr);
    expect(new Set(names).size).toBe(known.length);
    expect(names).not.toContain("Unknown");
  });

  it("names operating systems as DeviceInfo prints them", () => {
    expect(operatingSystemStr(OperatingSystem.Legacy)).toBe("ATV SW");
    expect(operatingSystemStr(OperatingSystem.TvOS)).toBe("tvOS");
    expect(operatingSystemStr(OperatingSystem.AirPortOS)).toBe("AirPortOS");
    expect(operatingSystemStr(OperatingSystem.MacOS)).toBe("MacOS");
    expect(operatingSystemStr(OperatingSystem.Unknown)).toBe("Unknown OS");
    expect(operatingSystemStr(77)).toBe("Unknown OS");
  });
});
