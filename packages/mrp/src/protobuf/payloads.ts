// Which ProtocolMessage extension carries the payload of each message type. The type
// numbers and the extension field numbers differ, so the pairing has to be listed;
// it follows pyatv's extension lookup (pyatv/protocols/mrp/protobuf/__init__.py).

import { MessageType } from "./generated/enums.js";
import type { ProtocolMessage } from "./types.js";

/** Keys of ProtocolMessage that hold a payload (the extension fields). */
export type PayloadField = Exclude<
  keyof ProtocolMessage,
  | "type"
  | "identifier"
  | "authenticationToken"
  | "errorCode"
  | "timestamp"
  | "errorDescription"
  | "uniqueIdentifier"
  | "$unknowns"
>;

export const PAYLOAD_FIELDS = {
  [MessageType.SEND_COMMAND_MESSAGE]: "sendCommandMessage",
  [MessageType.SEND_COMMAND_RESULT_MESSAGE]: "sendCommandResultMessage",
  [MessageType.SET_STATE_MESSAGE]: "setStateMessage",
  [MessageType.SET_ARTWORK_MESSAGE]: "setArtworkMessage",
  [MessageType.SEND_HID_EVENT_MESSAGE]: "sendHIDEventMessage",
  [MessageType.NOTIFICATION_MESSAGE]: "notificationMessage",
  [MessageType.DEVICE_INFO_MESSAGE]: "deviceInfoMessage",
  [MessageType.CLIENT_UPDATES_CONFIG_MESSAGE]: "clientUpdatesConfigMessage",
  [MessageType.VOLUME_CONTROL_AVAILABILITY_MESSAGE]: "volumeControlAvailabilityMessage",
  [MessageType.KEYBOARD_MESSAGE]: "keyboardMessage",
  [MessageType.GET_KEYBOARD_SESSION_MESSAGE]: "getKeyboardSessionMessage",
  [MessageType.TEXT_INPUT_MESSAGE]: "textInputMessage",
  [MessageType.PLAYBACK_QUEUE_REQUEST_MESSAGE]: "playbackQueueRequestMessage",
  [MessageType.TRANSACTION_MESSAGE]: "transactionMessage",
  [MessageType.CRYPTO_PAIRING_MESSAGE]: "cryptoPairingMessage",
  // An update reuses the device information payload.
  [MessageType.DEVICE_INFO_UPDATE_MESSAGE]: "deviceInfoMessage",
  [MessageType.SET_CONNECTION_STATE_MESSAGE]: "setConnectionStateMessage",
  [MessageType.SEND_BUTTON_EVENT_MESSAGE]: "sendButtonEventMessage",
  [MessageType.WAKE_DEVICE_MESSAGE]: "wakeDeviceMessage",
  [MessageType.GENERIC_MESSAGE]: "genericMessage",
  [MessageType.SET_NOW_PLAYING_CLIENT_MESSAGE]: "setNowPlayingClientMessage",
  [MessageType.SET_NOW_PLAYING_PLAYER_MESSAGE]: "setNowPlayingPlayerMessage",
  [MessageType.MODIFY_OUTPUT_CONTEXT_REQUEST_MESSAGE]: "modifyOutputContextRequestMessage",
  [MessageType.GET_VOLUME_MESSAGE]: "getVolumeMessage",
  [MessageType.GET_VOLUME_RESULT_MESSAGE]: "getVolumeResultMessage",
  [MessageType.SET_VOLUME_MESSAGE]: "setVolumeMessage",
  [MessageType.VOLUME_DID_CHANGE_MESSAGE]: "volumeDidChangeMessage",
  [MessageType.REMOVE_CLIENT_MESSAGE]: "removeClientMessage",
  [MessageType.REMOVE_PLAYER_MESSAGE]: "removePlayerMessage",
  [MessageType.UPDATE_CLIENT_MESSAGE]: "updateClientMessage",
  [MessageType.UPDATE_CONTENT_ITEM_MESSAGE]: "updateContentItemMessage",
  [MessageType.UPDATE_CONTENT_ITEM_ARTWORK_MESSAGE]: "updateContentItemArtworkMessage",
  [MessageType.UPDATE_PLAYER_MESSAGE]: "updatePlayerMessage",
  [MessageType.VOLUME_CONTROL_CAPABILITIES_DID_CHANGE_MESSAGE]:
    "volumeControlCapabilitiesDidChangeMessage",
  [MessageType.UPDATE_OUTPUT_DEVICE_MESSAGE]: "updateOutputDeviceMessage",
  [MessageType.REMOVE_OUTPUT_DEVICES_MESSAGE]: "removeOutputDevicesMessage",
  [MessageType.SET_DEFAULT_SUPPORTED_COMMANDS_MESSAGE]: "setDefaultSupportedCommandsMessage",
  [MessageType.UPDATE_END_POINTS_MESSAGE]: "updateEndPointsMessage",
  [MessageType.REMOVE_ENDPOINTS_MESSAGE]: "removeEndpointsMessage",
  [MessageType.PLAYER_CLIENT_PROPERTIES_MESSAGE]: "playerClientPropertiesMessage",
  [MessageType.ORIGIN_CLIENT_PROPERTIES_MESSAGE]: "originClientPropertiesMessage",
  [MessageType.AUDIO_FADE_MESSAGE]: "audioFadeMessage",
  [MessageType.AUDIO_FADE_RESPONSE_MESSAGE]: "audioFadeResponseMessage",
  [MessageType.CONFIGURE_CONNECTION_MESSAGE]: "configureConnectionMessage",
} as const satisfies Partial<Record<MessageType, PayloadField>>;

/** Message types whose payload this package can decode. */
export type PayloadMessageType = keyof typeof PAYLOAD_FIELDS;

/** The payload type carried by messages of type `T`. */
export type PayloadOf<T extends PayloadMessageType> = NonNullable<
  ProtocolMessage[(typeof PAYLOAD_FIELDS)[T]]
>;

/** The extension field that carries the payload of a message type, if known. */
export function payloadFieldOf(type: number): PayloadField | undefined {
  return Object.hasOwn(PAYLOAD_FIELDS, type)
    ? PAYLOAD_FIELDS[type as PayloadMessageType]
    : undefined;
}

/**
 * The payload of `message` when it is of type `type`, else undefined (a message of
 * another type, or one whose payload is missing).
 */
export function payloadOf<T extends PayloadMessageType>(
  message: ProtocolMessage,
  type: T,
): PayloadOf<T> | undefined {
  if (message.type !== type) return undefined;
  const payload = message[PAYLOAD_FIELDS[type]];
  return (payload ?? undefined) as PayloadOf<T> | undefined;
}

const TYPE_NAMES = new Map<number, string>(
  Object.entries(MessageType).map(([name, value]) => [value, name]),
);

/** The protobuf name of a message type ("SET_STATE_MESSAGE"), for logs and errors. */
export function messageTypeName(type: number | null | undefined): string {
  return (type != null && TYPE_NAMES.get(type)) || `UNKNOWN_TYPE_${type ?? "none"}`;
}
