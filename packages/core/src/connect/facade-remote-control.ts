import type { RemoteControl } from "@atv/interface";
import type { Relayer } from "./relayer.js";

// Every RemoteControl method; `satisfies` makes the compiler flag one that is missing.
const METHODS = {
  up: true,
  down: true,
  left: true,
  right: true,
  play: true,
  playPause: true,
  pause: true,
  stop: true,
  next: true,
  previous: true,
  select: true,
  menu: true,
  volumeUp: true,
  volumeDown: true,
  home: true,
  homeHold: true,
  topMenu: true,
  suspend: true,
  wakeup: true,
  skipForward: true,
  skipBackward: true,
  setPosition: true,
  setShuffle: true,
  setRepeat: true,
  channelUp: true,
  channelDown: true,
  screensaver: true,
  guide: true,
  controlCenter: true,
} as const satisfies Record<keyof RemoteControl, true>;

export const REMOTE_CONTROL_METHODS = Object.keys(METHODS) as (keyof RemoteControl)[];

/** A RemoteControl whose every call goes to the protocol that can make it. */
export function facadeRemoteControl(relayer: Relayer): RemoteControl {
  const facade: Partial<Record<keyof RemoteControl, unknown>> = {};
  for (const method of REMOTE_CONTROL_METHODS) {
    facade[method] = (...args: unknown[]) =>
      (relayer.relay("remoteControl", method) as (...a: unknown[]) => Promise<void>)(...args);
  }
  return facade as RemoteControl;
}
