// Every enum of pyatv's public API (pyatv/const.py), with pyatv's member names and numbers,
// so that stored values, CLI output and logs line up between the two libraries.

/** The protocols a device can be reached by. */
export const Protocol = {
  DMAP: 1,
  MRP: 2,
  AirPlay: 3,
  Companion: 4,
  RAOP: 5,
} as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/** Kind of media that is playing. */
export const MediaType = {
  /** Nothing is playing, or the app does not say what it plays. */
  Unknown: 0,
  Video: 1,
  Music: 2,
  TV: 3,
} as const;
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** What the player is doing. */
export const DeviceState = {
  /** Nothing is playing or about to play. */
  Idle: 0,
  /** Media is loading but does not play yet. */
  Loading: 1,
  Paused: 2,
  Playing: 3,
  Stopped: 4,
  /** Fast forward or rewind. */
  Seeking: 5,
} as const;
export type DeviceState = (typeof DeviceState)[keyof typeof DeviceState];

export const RepeatState = {
  Off: 0,
  /** Repeat the current track or item. */
  Track: 1,
  /** Repeat all tracks or items. */
  All: 2,
} as const;
export type RepeatState = (typeof RepeatState)[keyof typeof RepeatState];

export const ShuffleState = {
  Off: 0,
  Albums: 1,
  Songs: 2,
} as const;
export type ShuffleState = (typeof ShuffleState)[keyof typeof ShuffleState];

export const PowerState = {
  /** The power state cannot be determined. */
  Unknown: 0,
  /** Standby. */
  Off: 1,
  On: 2,
} as const;
export type PowerState = (typeof PowerState)[keyof typeof PowerState];

export const KeyboardFocusState = {
  Unknown: 0,
  Unfocused: 1,
  Focused: 2,
} as const;
export type KeyboardFocusState = (typeof KeyboardFocusState)[keyof typeof KeyboardFocusState];

export const OperatingSystem = {
  Unknown: 0,
  /** Apple TV Software, before tvOS. */
  Legacy: 1,
  TvOS: 2,
  /** What AirPort Express runs; the name is pyatv's invention, Apple never named it. */
  AirPortOS: 3,
  MacOS: 4,
} as const;
export type OperatingSystem = (typeof OperatingSystem)[keyof typeof OperatingSystem];

/**
 * Hardware model. The numbers follow the order models were added to pyatv, not their
 * release order (so AppleTVGen1 is 13).
 */
export const DeviceModel = {
  Unknown: 0,
  /** Apple TV (2nd generation). */
  Gen2: 1,
  /** Apple TV (3rd generation). */
  Gen3: 2,
  /** Apple TV HD (4th generation). */
  Gen4: 3,
  /** Apple TV 4K (1st generation). */
  Gen4K: 4,
  HomePod: 5,
  HomePodMini: 6,
  AirPortExpress: 7,
  AirPortExpressGen2: 8,
  AppleTV4KGen2: 9,
  /** The Music app (or iTunes) on a computer. */
  Music: 10,
  AppleTV4KGen3: 11,
  HomePodGen2: 12,
  AppleTVGen1: 13,
} as const;
export type DeviceModel = (typeof DeviceModel)[keyof typeof DeviceModel];

/** How a button is pressed. */
export const InputAction = {
  /** Press and release quickly. */
  SingleTap: 0,
  /** Press and release twice quickly. */
  DoubleTap: 1,
  /** Press, hold for a second, release. */
  Hold: 2,
} as const;
export type InputAction = (typeof InputAction)[keyof typeof InputAction];

/** Whether a service needs pairing before it can be used. */
export const PairingRequirement = {
  /** The protocol has no pairing, or it is not implemented. */
  Unsupported: 1,
  /** The device has pairing turned off. */
  Disabled: 2,
  NotNeeded: 3,
  Optional: 4,
  Mandatory: 5,
} as const;
export type PairingRequirement = (typeof PairingRequirement)[keyof typeof PairingRequirement];

export const FeatureState = {
  /** Supported by the device, but whether it is available now is not known. */
  Unknown: 0,
  Unsupported: 1,
  /** Supported, but not now (pause while nothing plays, say). */
  Unavailable: 2,
  Available: 3,
} as const;
export type FeatureState = (typeof FeatureState)[keyof typeof FeatureState];

/**
 * Every feature a device may offer. The numbers are pyatv's and are not contiguous
 * (67 is unused): they were handed out as features were added.
 */
export const FeatureName = {
  Up: 0,
  Down: 1,
  Left: 2,
  Right: 3,
  Play: 4,
  PlayPause: 5,
  Pause: 6,
  Stop: 7,
  Next: 8,
  Previous: 9,
  Select: 10,
  Menu: 11,
  VolumeUp: 12,
  VolumeDown: 13,
  Home: 14,
  HomeHold: 15,
  TopMenu: 16,
  Suspend: 17,
  WakeUp: 18,
  SkipForward: 36,
  SkipBackward: 37,
  SetPosition: 19,
  SetShuffle: 20,
  SetRepeat: 21,
  ChannelUp: 48,
  ChannelDown: 49,
  Title: 22,
  Artist: 23,
  Album: 24,
  Genre: 25,
  /** Length of the playing media, in seconds. */
  TotalTime: 26,
  Position: 27,
  Shuffle: 28,
  Repeat: 29,
  SeriesName: 40,
  SeasonNumber: 41,
  EpisodeNumber: 42,
  ContentIdentifier: 47,
  iTunesStoreIdentifier: 50,
  AppList: 38,
  LaunchApp: 39,
  AccountList: 55,
  SwitchAccount: 56,
  Artwork: 30,
  App: 35,
  PushUpdates: 43,
  PlayUrl: 31,
  StreamFile: 44,
  PowerState: 32,
  Screensaver: 58,
  TurnOn: 33,
  TurnOff: 34,
  Volume: 45,
  SetVolume: 46,
  OutputDevices: 59,
  AddOutputDevices: 60,
  RemoveOutputDevices: 61,
  SetOutputDevices: 62,
  TextFocusState: 57,
  TextGet: 51,
  TextClear: 52,
  TextAppend: 53,
  TextSet: 54,
  Swipe: 63,
  Action: 64,
  Click: 65,
  Guide: 66,
  ControlCenter: 68,
} as const;
export type FeatureName = (typeof FeatureName)[keyof typeof FeatureName];

/** Phases of a touch (the numbers are what the Companion protocol sends). */
export const TouchAction = {
  Press: 1,
  Hold: 3,
  Release: 4,
  Click: 5,
} as const;
export type TouchAction = (typeof TouchAction)[keyof typeof TouchAction];

/** An enum of this package: an `as const` object of numbers. */
export type NumericEnum = Readonly<Record<string, number>>;

/**
 * The member name of `value` in `enumObject`, e.g. `enumName(Protocol, 2) === "MRP"`;
 * undefined when no member has that value.
 */
export function enumName<E extends NumericEnum>(
  enumObject: E,
  value: number,
): (keyof E & string) | undefined {
  for (const key of Object.keys(enumObject)) {
    if (enumObject[key] === value) return key;
  }
  return undefined;
}

/** Every value of `enumObject`, in declaration order. */
export function enumValues<E extends NumericEnum>(enumObject: E): E[keyof E][] {
  return Object.values(enumObject) as E[keyof E][];
}

/** Narrows a number read from outside (a TXT record, a message, a file) to a member of an enum. */
export function isEnumValue<E extends NumericEnum>(
  enumObject: E,
  value: unknown,
): value is E[keyof E] {
  return typeof value === "number" && enumName(enumObject, value) !== undefined;
}

/**
 * The member of `enumObject` named `name`, e.g. `enumFromName(Protocol, "mrp", { ignoreCase: true })`;
 * undefined when there is none (CLIs take enum names on their command line).
 */
export function enumFromName<E extends NumericEnum>(
  enumObject: E,
  name: string,
  options: { ignoreCase?: boolean } = {},
): E[keyof E] | undefined {
  const wanted = options.ignoreCase ? name.toLowerCase() : name;
  for (const key of Object.keys(enumObject)) {
    if ((options.ignoreCase ? key.toLowerCase() : key) === wanted) {
      return enumObject[key] as E[keyof E];
    }
  }
  return undefined;
}
