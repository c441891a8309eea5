import { DeviceModel, OperatingSystem } from "./const.js";

// The tables below are pyatv's (pyatv/support/device_info.py); keep them in step with it.

/** Model identifiers (as in the "model" TXT value, e.g. "AppleTV6,2") to models. */
export const MODEL_IDENTIFIERS: ReadonlyMap<string, DeviceModel> = new Map([
  ["AirPort4,107", DeviceModel.AirPortExpress],
  ["AirPort10,115", DeviceModel.AirPortExpressGen2],
  ["AppleTV1,1", DeviceModel.AppleTVGen1],
  ["AppleTV2,1", DeviceModel.Gen2],
  ["AppleTV3,1", DeviceModel.Gen3],
  ["AppleTV3,2", DeviceModel.Gen3],
  ["AppleTV5,3", DeviceModel.Gen4],
  ["AppleTV6,2", DeviceModel.Gen4K],
  ["AppleTV11,1", DeviceModel.AppleTV4KGen2],
  ["AppleTV14,1", DeviceModel.AppleTV4KGen3],
  ["AudioAccessory1,1", DeviceModel.HomePod],
  ["AudioAccessory1,2", DeviceModel.HomePod],
  ["AudioAccessory5,1", DeviceModel.HomePodMini],
  ["AudioAccessorySingle5,1", DeviceModel.HomePodMini],
  ["AudioAccessory6,1", DeviceModel.HomePodGen2],
]);

/** Apple's internal board names (the _device-info._tcp "model" value, e.g. "J305AP") to models. */
export const INTERNAL_NAMES: ReadonlyMap<string, DeviceModel> = new Map([
  ["K66AP", DeviceModel.Gen2],
  ["J33AP", DeviceModel.Gen3],
  ["J33IAP", DeviceModel.Gen3],
  ["J42dAP", DeviceModel.Gen4],
  ["J105aAP", DeviceModel.Gen4K],
  ["J305AP", DeviceModel.AppleTV4KGen2],
  ["J255AP", DeviceModel.AppleTV4KGen3],
]);

/**
 * tvOS build numbers to versions. Only Apple TV builds, and not all of them: other builds
 * get a guessed version (see lookupVersion). "22J354" for 17.0 is as pyatv has it.
 */
export const BUILD_VERSIONS: ReadonlyMap<string, string> = new Map([
  ["17J586", "13.0"],
  ["17K82", "13.2"],
  ["17K449", "13.3"],
  ["17K795", "13.3.1"],
  ["17L256", "13.4"],
  ["17L562", "13.4.5"],
  ["17L570", "13.4.6"],
  ["17M61", "13.4.8"],
  ["18J386", "14.0"],
  ["18J400", "14.0.1"],
  ["18J411", "14.0.2"],
  ["18K57", "14.2"],
  ["18K561", "14.3"],
  ["18K802", "14.4"],
  ["18L204", "14.5"],
  ["18L569", "14.6"],
  ["18M60", "14.7"],
  ["19J346", "15.0"],
  ["19J572", "15.1"],
  ["19J581", "15.1.1"],
  ["19K53", "15.2"],
  ["19K547", "15.3"],
  ["19L440", "15.4"],
  ["19L452", "15.4.1"],
  ["19L570", "15.5"],
  ["19L580", "15.5.1"],
  ["19M65", "15.6"],
  ["20J373", "16.0"],
  ["20K71", "16.1"],
  ["20K80", "16.1.1"],
  ["20K362", "16.2"],
  ["20K650", "16.3"],
  ["20K661", "16.3.1"],
  ["20K672", "16.3.2"],
  ["20K680", "16.3.3"],
  ["20L497", "16.4"],
  ["20L498", "16.4.1"],
  ["20L563", "16.5"],
  ["20M73", "16.6"],
  ["22J354", "17.0"],
  ["21K69", "17.1"],
  ["21K365", "17.2"],
  ["21K646", "17.3"],
  ["21L227", "17.4"],
  ["21L569", "17.5"],
  ["21L580", "17.5.1"],
  ["21M71", "17.6"],
  ["21M80", "17.6.1"],
  ["22J357", "18.0"],
  ["22J580", "18.1"],
]);

// Mac model identifiers; like pyatv, only the start of the identifier has to match.
const MAC_IDENTIFIERS: readonly RegExp[] = [
  /^MacBookAir\d+,\d+/,
  /^iMac\d+,\d+/,
  /^Macmini\d+,\d+/,
  /^MacBookPro\d+,\d+/,
  /^Mac\d+,\d+/,
  /^MacPro\d+,\d+/,
];

/** The model of a model identifier such as "AppleTV6,2"; Unknown when not known. */
export function lookupModel(identifier: string | undefined): DeviceModel {
  return (identifier && MODEL_IDENTIFIERS.get(identifier)) || DeviceModel.Unknown;
}

/** The model of an internal board name such as "J305AP"; Unknown when not known. */
export function lookupInternalName(name: string | undefined): DeviceModel {
  return (name && INTERNAL_NAMES.get(name)) || DeviceModel.Unknown;
}

/**
 * The OS version of a build number: the known version, else a guess from the build's
 * major number ("17F123" is some tvOS 13, so "13.x"), else undefined.
 */
export function lookupVersion(build: string | undefined): string | undefined {
  if (!build) return undefined;
  const known = BUILD_VERSIONS.get(build);
  if (known) return known;
  // A build is <major><letter><number>; major 17 shipped as tvOS 13, 16 as 12, and so on.
  const major = /^(\d+)[A-Z]/.exec(build)?.[1];
  if (major === undefined) return undefined;
  // BigInt keeps absurdly long majors exact, as Python's int does.
  return `${BigInt(major) - 4n}.x`;
}

/**
 * The operating system of a model identifier ("MacBookAir10,1": macOS) or of a model
 * (AirPort Express: AirPortOS, Apple TV 1-3: Legacy, ...). Unknown when it cannot tell.
 */
export function lookupOs(identifierOrModel: string | DeviceModel): OperatingSystem {
  if (typeof identifierOrModel === "string") {
    return MAC_IDENTIFIERS.some((re) => re.test(identifierOrModel))
      ? OperatingSystem.MacOS
      : OperatingSystem.Unknown;
  }
  switch (identifierOrModel) {
    case DeviceModel.AirPortExpress:
    case DeviceModel.AirPortExpressGen2:
      return OperatingSystem.AirPortOS;
    case DeviceModel.AppleTVGen1:
    case DeviceModel.Gen2:
    case DeviceModel.Gen3:
      return OperatingSystem.Legacy;
    case DeviceModel.HomePod:
    case DeviceModel.HomePodMini:
    case DeviceModel.HomePodGen2:
    case DeviceModel.Gen4:
    case DeviceModel.Gen4K:
    case DeviceModel.AppleTV4KGen2:
    case DeviceModel.AppleTV4KGen3:
      return OperatingSystem.TvOS;
    default:
      return OperatingSystem.Unknown;
  }
}
