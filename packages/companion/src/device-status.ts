// What a Companion device reports about itself, shared by the client and the fake device:
// its system status (FetchAttentionState, SystemStatus events) and which media controls it
// offers (the `_mcF` of `_iMC` events). Values per pyatv's protocols/companion/.

/** pyatv's `SystemStatus`: the `state` of FetchAttentionState and SystemStatus events. */
export const SystemStatus = {
  Asleep: 1,
  Screensaver: 2,
  Awake: 3,
  Idle: 4,
} as const;
export type SystemStatus = (typeof SystemStatus)[keyof typeof SystemStatus];

/** pyatv's MediaControlFlags: the bits of `_mcF` in an `_iMC` event. */
export const MediaControlFlags = {
  NoControls: 0x0000,
  Play: 0x0001,
  Pause: 0x0002,
  NextTrack: 0x0004,
  PreviousTrack: 0x0008,
  FastForward: 0x0010,
  Rewind: 0x0020,
  Volume: 0x0100,
  SkipForward: 0x0200,
  SkipBackward: 0x0400,
} as const;
