// The volume messages a device pushes (as pyatv's fake device sends them), and the
// device's volume arithmetic.

import { MessageType, VolumeCapabilities } from "../protobuf/generated/enums.js";
import { createMessage } from "../protobuf/messages.js";
import type { ProtocolMessage } from "../protobuf/types.js";

/** What volume control the device offers. */
export interface FakeVolumeControl {
  readonly available: boolean;
  /** The volume can be set to a level (SET_VOLUME). */
  readonly absolute: boolean;
  /** The volume can be stepped (the volume keys). */
  readonly relative: boolean;
}

/** How much one press of a volume key changes the volume, 0 to 1 (pyatv's fake: 0.05). */
export const FAKE_VOLUME_STEP = 0.05;

function capabilitiesOf(control: FakeVolumeControl): VolumeCapabilities {
  if (control.absolute && control.relative) return VolumeCapabilities.Both;
  if (control.absolute) return VolumeCapabilities.Absolute;
  if (control.relative) return VolumeCapabilities.Relative;
  return VolumeCapabilities.None;
}

export function volumeControlAvailabilityMessage(control: FakeVolumeControl): ProtocolMessage {
  const message = createMessage(MessageType.VOLUME_CONTROL_AVAILABILITY_MESSAGE);
  message.volumeControlAvailabilityMessage = {
    volumeControlAvailable: control.available,
    volumeCapabilities: capabilitiesOf(control),
  };
  return message;
}

export function volumeCapabilitiesDidChangeMessage(
  control: FakeVolumeControl,
  outputDeviceUid: string,
): ProtocolMessage {
  const message = createMessage(MessageType.VOLUME_CONTROL_CAPABILITIES_DID_CHANGE_MESSAGE);
  message.volumeControlCapabilitiesDidChangeMessage = {
    capabilities: {
      volumeControlAvailable: control.available,
      volumeCapabilities: capabilitiesOf(control),
    },
    outputDeviceUID: outputDeviceUid,
  };
  return message;
}

/** The volume of `outputDeviceUid` is now `volume` (0 to 1). */
export function volumeDidChangeMessage(outputDeviceUid: string, volume: number): ProtocolMessage {
  const message = createMessage(MessageType.VOLUME_DID_CHANGE_MESSAGE);
  message.volumeDidChangeMessage = { outputDeviceUID: outputDeviceUid, volume };
  return message;
}

/**
 * One volume key press from `volume`: a step up or down, stopping at the ends. Rounded
 * so that repeated steps land on whole hundredths rather than drift.
 */
export function steppedVolume(volume: number, direction: 1 | -1): number {
  const next = Math.round((volume + direction * FAKE_VOLUME_STEP) * 1e6) / 1e6;
  return Math.min(1, Math.max(0, next));
}
