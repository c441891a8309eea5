import {
  DeviceModel,
  DeviceState,
  MediaType,
  OperatingSystem,
  Protocol,
  RepeatState,
  ShuffleState,
} from "./const.js";

// Display strings as pyatv prints them (pyatv/convert.py, and DeviceInfo.__str__ for the
// operating system): the CLIs show these, and scripts parse the CLIs' output.
// Each function takes a plain number so that values read from outside can be shown as is.

const DEVICE_STATES: ReadonlyMap<number, string> = new Map([
  [DeviceState.Idle, "Idle"],
  [DeviceState.Loading, "Loading"],
  [DeviceState.Stopped, "Stopped"],
  [DeviceState.Paused, "Paused"],
  [DeviceState.Playing, "Playing"],
  [DeviceState.Seeking, "Seeking"],
]);

const MEDIA_TYPES: ReadonlyMap<number, string> = new Map([
  [MediaType.Unknown, "Unknown"],
  [MediaType.Video, "Video"],
  [MediaType.Music, "Music"],
  [MediaType.TV, "TV"],
]);

const REPEAT_STATES: ReadonlyMap<number, string> = new Map([
  [RepeatState.Off, "Off"],
  [RepeatState.Track, "Track"],
  [RepeatState.All, "All"],
]);

const SHUFFLE_STATES: ReadonlyMap<number, string> = new Map([
  [ShuffleState.Off, "Off"],
  [ShuffleState.Albums, "Albums"],
  [ShuffleState.Songs, "Songs"],
]);

const PROTOCOLS: ReadonlyMap<number, string> = new Map([
  [Protocol.MRP, "MRP"],
  [Protocol.DMAP, "DMAP"],
  [Protocol.AirPlay, "AirPlay"],
  [Protocol.Companion, "Companion"],
  [Protocol.RAOP, "RAOP"],
]);

const MODELS: ReadonlyMap<number, string> = new Map([
  [DeviceModel.AppleTVGen1, "Apple TV 1"],
  [DeviceModel.Gen2, "Apple TV 2"],
  [DeviceModel.Gen3, "Apple TV 3"],
  [DeviceModel.Gen4, "Apple TV 4"],
  [DeviceModel.Gen4K, "Apple TV 4K"],
  [DeviceModel.HomePod, "HomePod"],
  [DeviceModel.HomePodMini, "HomePod Mini"],
  [DeviceModel.AirPortExpress, "AirPort Express (gen 1)"],
  [DeviceModel.AirPortExpressGen2, "AirPort Express (gen 2)"],
  [DeviceModel.AppleTV4KGen2, "Apple TV 4K (gen 2)"],
  [DeviceModel.Music, "Music/iTunes"],
  [DeviceModel.AppleTV4KGen3, "Apple TV 4K (gen 3)"],
  [DeviceModel.HomePodGen2, "HomePod (gen 2)"],
]);

const OPERATING_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [OperatingSystem.Legacy, "ATV SW"],
  [OperatingSystem.TvOS, "tvOS"],
  [OperatingSystem.AirPortOS, "AirPortOS"],
  [OperatingSystem.MacOS, "MacOS"],
]);

/** "Playing", "Paused", ...; a missing state shows as "Idle", an unknown one as "Unsupported". */
export function deviceStateStr(state: DeviceState | number | undefined): string {
  if (state === undefined) return "Idle";
  return DEVICE_STATES.get(state) ?? "Unsupported";
}

/** "Video", "Music", "TV", "Unknown"; "Unsupported" for a value outside the enum. */
export function mediaTypeStr(mediaType: MediaType | number): string {
  return MEDIA_TYPES.get(mediaType) ?? "Unsupported";
}

/** "Off", "Track", "All"; "Unsupported" for a value outside the enum. */
export function repeatStr(state: RepeatState | number): string {
  return REPEAT_STATES.get(state) ?? "Unsupported";
}

/** "Off", "Albums", "Songs"; "Unsupported" for a value outside the enum. */
export function shuffleStr(state: ShuffleState | number): string {
  return SHUFFLE_STATES.get(state) ?? "Unsupported";
}

/** "MRP", "DMAP", "AirPlay", "Companion", "RAOP"; "Unknown" for anything else. */
export function protocolStr(protocol: Protocol | number): string {
  return PROTOCOLS.get(protocol) ?? "Unknown";
}

/** Marketing name of a model, e.g. "Apple TV 4K (gen 2)"; "Unknown" when not known. */
export function modelStr(model: DeviceModel | number): string {
  return MODELS.get(model) ?? "Unknown";
}

/** "tvOS", "ATV SW", "AirPortOS", "MacOS"; "Unknown OS" otherwise. */
export function operatingSystemStr(os: OperatingSystem | number): string {
  return OPERATING_SYSTEMS.get(os) ?? "Unknown OS";
}
