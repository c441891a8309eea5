// Encoding and decoding of ProtocolMessage, and builders for the messages a client
// (and the fake device) sends, with the field values pyatv's messages.py uses.

import { ProtocolError } from "@atv/interface";
import { uniqueIdentifier } from "../unique-identifier.js";
import {
  Command,
  ConnectionState,
  DeviceClass,
  ErrorCode,
  HandlerReturnStatus,
  MessageType,
  ModifyOutputContextRequestType,
  type RepeatMode,
  SendError,
  type ShuffleMode,
} from "./generated/enums.js";
import { ProtocolMessage as ProtocolMessageCodec } from "./generated/mrp.js";
import { encodeHidEvent } from "./hid-event.js";
import type { CommandOptions, DeviceInfoMessage, ProtocolMessage } from "./types.js";

/** Serialises a message (without the frame's length prefix). */
export function encodeProtocolMessage(message: ProtocolMessage): Uint8Array {
  return ProtocolMessageCodec.encode(message).finish();
}

/** Parses one message; anything that is not a valid ProtocolMessage is a ProtocolError. */
export function decodeProtocolMessage(bytes: Uint8Array): ProtocolMessage {
  try {
    return ProtocolMessageCodec.decode(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProtocolError(`invalid MRP message (${bytes.length} bytes): ${reason}`, {
      cause: error,
    });
  }
}

export interface CreateMessageOptions {
  /** Matches a response to its request; the connection sets it on requests. */
  identifier?: string;
  errorCode?: ErrorCode;
}

/**
 * An envelope of the given type with no payload yet. As pyatv does, every message
 * gets a fresh upper-case UUID as uniqueIdentifier and an explicit NoError code.
 */
export function createMessage(
  type: MessageType,
  { identifier, errorCode = ErrorCode.NoError }: CreateMessageOptions = {},
): ProtocolMessage {
  const message: ProtocolMessage = {
    type,
    errorCode,
    uniqueIdentifier: uniqueIdentifier(),
  };
  if (identifier !== undefined) message.identifier = identifier;
  return message;
}

// What pyatv's InfoSettings reports by default (pyatv/settings.py).
const DEFAULT_SYSTEM_BUILD_VERSION = "18G82";

export interface DeviceInfoOptions {
  /** The name the device shows for this client. */
  name: string;
  /** This client's identifier; pyatv sends its pairing identifier. */
  uniqueIdentifier: string;
  /** iOS build the client claims; default pyatv's, "18G82". */
  systemBuildVersion?: string;
  /** Send as DEVICE_INFO_UPDATE_MESSAGE instead of DEVICE_INFO_MESSAGE. */
  update?: boolean;
  /** Fields to set or replace after the defaults (a fake device describes itself so). */
  overrides?: Partial<DeviceInfoMessage>;
}

/** The first message of a session: who the client is (as pyatv, an iPhone remote). */
export function deviceInfoMessage(options: DeviceInfoOptions): ProtocolMessage {
  const type = options.update
    ? MessageType.DEVICE_INFO_UPDATE_MESSAGE
    : MessageType.DEVICE_INFO_MESSAGE;
  const message = createMessage(type);
  message.deviceInfoMessage = {
    allowsPairing: true,
    applicationBundleIdentifier: "com.apple.TVRemote",
    applicationBundleVersion: "344.28",
    lastSupportedMessageType: 108,
    localizedModelName: "iPhone",
    name: options.name,
    protocolVersion: 1,
    sharedQueueVersion: 2,
    supportsACL: true,
    supportsExtendedMotion: true,
    supportsSharedQueue: true,
    supportsSystemPairing: true,
    systemBuildVersion: options.systemBuildVersion ?? DEFAULT_SYSTEM_BUILD_VERSION,
    systemMediaApplication: "com.apple.TVMusic",
    uniqueIdentifier: options.uniqueIdentifier,
    deviceClass: DeviceClass.iPhone,
    logicalDeviceCount: 1,
    ...options.overrides,
  };
  return message;
}

export interface CryptoPairingOptions {
  /** Pair-setup (true) rather than pair-verify; sets `state` to 2 as pyatv does. */
  isPairing?: boolean;
  /** Overrides the state derived from `isPairing`. */
  state?: number;
  isRetrying?: boolean;
}

/** Carries one pairing step; `pairingData` is the step's TLV8 encoding. */
export function cryptoPairingMessage(
  pairingData: Uint8Array,
  options: CryptoPairingOptions = {},
): ProtocolMessage {
  const message = createMessage(MessageType.CRYPTO_PAIRING_MESSAGE);
  message.cryptoPairingMessage = {
    pairingData,
    status: 0,
    isRetrying: options.isRetrying ?? false,
    isUsingSystemPairing: false,
    state: options.state ?? (options.isPairing ? 2 : 0),
  };
  return message;
}

export function setConnectionStateMessage(
  state: ConnectionState = ConnectionState.Connected,
): ProtocolMessage {
  const message = createMessage(MessageType.SET_CONNECTION_STATE_MESSAGE);
  message.setConnectionStateMessage = { state };
  return message;
}

export interface ClientUpdatesOptions {
  artwork?: boolean;
  nowPlaying?: boolean;
  volume?: boolean;
  keyboard?: boolean;
  outputDevices?: boolean;
}

/** Subscribes to push updates; the defaults are pyatv's (all but now-playing). */
export function clientUpdatesConfigMessage({
  artwork = true,
  nowPlaying = false,
  volume = true,
  keyboard = true,
  outputDevices = true,
}: ClientUpdatesOptions = {}): ProtocolMessage {
  const message = createMessage(MessageType.CLIENT_UPDATES_CONFIG_MESSAGE);
  message.clientUpdatesConfigMessage = {
    artworkUpdates: artwork,
    nowPlayingUpdates: nowPlaying,
    volumeUpdates: volume,
    keyboardUpdates: keyboard,
    outputDeviceUpdates: outputDevices,
  };
  return message;
}

/** Sent after CLIENT_UPDATES_CONFIG during connection set-up, as pyatv does. */
export function getKeyboardSessionMessage(): ProtocolMessage {
  return createMessage(MessageType.GET_KEYBOARD_SESSION_MESSAGE);
}

/** An empty GENERIC_MESSAGE: the heartbeat, and pyatv's flush after HID events. */
export function genericMessage(): ProtocolMessage {
  return createMessage(MessageType.GENERIC_MESSAGE);
}

export function wakeDeviceMessage(): ProtocolMessage {
  return createMessage(MessageType.WAKE_DEVICE_MESSAGE);
}

/** A playback command; the options that apply depend on the command. */
export function sendCommandMessage(command: Command, options?: CommandOptions): ProtocolMessage {
  const message = createMessage(MessageType.SEND_COMMAND_MESSAGE);
  message.sendCommandMessage = options === undefined ? { command } : { command, options };
  return message;
}

/** Seeks to an absolute position, in seconds. */
export function seekToPositionMessage(seconds: number): ProtocolMessage {
  return sendCommandMessage(Command.SeekToPlaybackPosition, { playbackPosition: seconds });
}

export function changeRepeatModeMessage(repeatMode: RepeatMode): ProtocolMessage {
  return sendCommandMessage(Command.ChangeRepeatMode, { sendOptions: 0, repeatMode });
}

export function changeShuffleModeMessage(shuffleMode: ShuffleMode): ProtocolMessage {
  return sendCommandMessage(Command.ChangeShuffleMode, { sendOptions: 0, shuffleMode });
}

export interface CommandResultOptions {
  sendError?: SendError;
  handlerReturnStatus?: HandlerReturnStatus;
}

/** A device's answer to a SEND_COMMAND_MESSAGE (the fake device sends these). */
export function commandResultMessage(
  identifier: string,
  {
    sendError = SendError.NoError,
    handlerReturnStatus = HandlerReturnStatus.Success,
  }: CommandResultOptions = {},
): ProtocolMessage {
  const message = createMessage(MessageType.SEND_COMMAND_RESULT_MESSAGE, { identifier });
  message.sendCommandResultMessage = { sendError, handlerReturnStatus };
  return message;
}

/** One key press (`down`) or release of the HID key `usagePage`/`usage`. */
export function sendHidEventMessage(
  usagePage: number,
  usage: number,
  down: boolean,
): ProtocolMessage {
  const message = createMessage(MessageType.SEND_HID_EVENT_MESSAGE);
  message.sendHIDEventMessage = { hidEventData: encodeHidEvent({ usagePage, usage, down }) };
  return message;
}

export function sendButtonEventMessage(
  usagePage: number,
  usage: number,
  buttonDown: boolean,
): ProtocolMessage {
  const message = createMessage(MessageType.SEND_BUTTON_EVENT_MESSAGE);
  message.sendButtonEventMessage = { usagePage, usage, buttonDown };
  return message;
}

/** Sets the volume of one output device; `volume` runs from 0 to 1. */
export function setVolumeMessage(outputDeviceUid: string, volume: number): ProtocolMessage {
  const message = createMessage(MessageType.SET_VOLUME_MESSAGE);
  message.setVolumeMessage = { outputDeviceUID: outputDeviceUid, volume };
  return message;
}

export function getVolumeMessage(outputDeviceUid: string): ProtocolMessage {
  const message = createMessage(MessageType.GET_VOLUME_MESSAGE);
  message.getVolumeMessage = { outputDeviceUID: outputDeviceUid };
  return message;
}

export interface PlaybackQueueRequestOptions {
  /** Index in the playback queue of the item wanted (the one now playing). */
  location: number;
  /** Artwork width in pixels; -1 (pyatv's default) lets the device choose. */
  width?: number;
  /** Artwork height in pixels; default 400, as pyatv. */
  height?: number;
}

/** Asks for one playback queue item with its artwork, as pyatv's artwork request. */
export function playbackQueueRequestMessage({
  location,
  width = -1,
  height = 400,
}: PlaybackQueueRequestOptions): ProtocolMessage {
  const message = createMessage(MessageType.PLAYBACK_QUEUE_REQUEST_MESSAGE);
  message.playbackQueueRequestMessage = {
    location,
    length: 1,
    artworkWidth: width,
    artworkHeight: height,
    returnContentItemAssetsInUserCompletion: true,
  };
  return message;
}

/** How an output context request changes the set of output devices. */
export type OutputDeviceChange = "add" | "remove" | "set";

/**
 * Adds, removes or replaces output devices (speakers) of the device's audio output.
 * As pyatv, each list is sent together with its cluster-aware twin.
 */
export function modifyOutputContextMessage(
  change: OutputDeviceChange,
  outputDeviceUids: readonly string[],
): ProtocolMessage {
  const message = createMessage(MessageType.MODIFY_OUTPUT_CONTEXT_REQUEST_MESSAGE);
  const uids = [...outputDeviceUids];
  const type = ModifyOutputContextRequestType.SharedAudioPresentation;
  switch (change) {
    case "add":
      message.modifyOutputContextRequestMessage = {
        type,
        addingDevices: uids,
        clusterAwareAddingDevices: [...uids],
      };
      break;
    case "remove":
      message.modifyOutputContextRequestMessage = {
        type,
        removingDevices: uids,
        clusterAwareRemovingDevices: [...uids],
      };
      break;
    case "set":
      message.modifyOutputContextRequestMessage = {
        type,
        settingDevices: uids,
        clusterAwareSettingDevices: [...uids],
      };
      break;
  }
  return message;
}
