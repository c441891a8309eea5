export {
  ARTWORK_CACHE_LIMIT,
  type ArtworkFetch,
  type ArtworkRequester,
  artworkFromResponse,
  artworkIdOf,
  artworkUrls,
  DEFAULT_ARTWORK_FETCH_TIMEOUT,
  DEFAULT_ARTWORK_WIDTH,
  formatArtworkTemplate,
  MAX_ARTWORK_BYTES,
  MrpArtwork,
  type MrpArtworkOptions,
  requestedArtworkSize,
} from "./artwork.js";
export {
  AUDIO_CHANGE_TIMEOUT,
  type AudioProtocol,
  MrpAudio,
  type MrpAudioOptions,
  VOLUME_STEP,
  type VolumeKeys,
} from "./audio.js";
export {
  MRP_READ_KEY_INFO,
  MRP_SESSION_SALT,
  MRP_WRITE_KEY_INFO,
  parseMrpCredentials,
} from "./auth.js";
export {
  type ConnectMrpOptions,
  connectMrp,
  DEFAULT_CONNECT_TIMEOUT,
  type MrpClient,
  type PairMrpOptions,
  pairMrp,
  type StartMrpClientOptions,
  startMrpClient,
} from "./client.js";
export { MrpCommandError } from "./command.js";
export {
  MrpConnection,
  type MrpConnectionHandler,
  type MrpConnectionOptions,
  type MrpConnectOptions,
} from "./connection.js";
export { MrpFeatures, type VolumeControlState } from "./features.js";
export {
  DEFAULT_MAX_FRAME_LENGTH,
  encodeFrame,
  encodeVarint,
  FrameDecoder,
  type FrameDecoderOptions,
} from "./framing.js";
export { HID_KEYS, type HidKey, type HidKeyName, HOLD_DURATION, hidKeyName } from "./hid-keys.js";
export { buildPlaying, MrpMetadata, type MrpMetadataOptions } from "./metadata.js";
export { MrpPairingHandler, type MrpPairingOptions } from "./pairing.js";
export {
  DEFAULT_PLAYER_ID,
  type MessageSource,
  NowPlayingClientState,
  PlayerState,
  PlayerStateManager,
} from "./player-state.js";
export { mrpPlugin, mrpSession } from "./plugin.js";
export {
  MrpPower,
  type MrpPowerOptions,
  POWER_OFF_MENU_DELAY,
  POWER_STATE_TIMEOUT,
  type PowerKeys,
  type PowerProtocol,
  powerStateOf,
} from "./power.js";
export {
  Command,
  ConnectionState,
  ContentMediaSubType,
  ContentMediaType,
  DeviceClass,
  ErrorCode,
  HandlerReturnStatus,
  MessageType,
  PlaybackState,
  RepeatMode,
  SendError,
  ShuffleMode,
} from "./protobuf/generated/enums.js";
export {
  decodeHidEvent,
  encodeHidEvent,
  HID_EVENT_DATA_LENGTH,
  type HidEvent,
} from "./protobuf/hid-event.js";
export {
  type ClientUpdatesOptions,
  type CommandResultOptions,
  type CreateMessageOptions,
  type CryptoPairingOptions,
  changeRepeatModeMessage,
  changeShuffleModeMessage,
  clientUpdatesConfigMessage,
  commandResultMessage,
  createMessage,
  cryptoPairingMessage,
  type DeviceInfoOptions,
  decodeProtocolMessage,
  deviceInfoMessage,
  encodeProtocolMessage,
  genericMessage,
  getKeyboardSessionMessage,
  getVolumeMessage,
  modifyOutputContextMessage,
  type OutputDeviceChange,
  type PlaybackQueueRequestOptions,
  playbackQueueRequestMessage,
  seekToPositionMessage,
  sendButtonEventMessage,
  sendCommandMessage,
  sendHidEventMessage,
  setConnectionStateMessage,
  setVolumeMessage,
  wakeDeviceMessage,
} from "./protobuf/messages.js";
export {
  messageTypeName,
  PAYLOAD_FIELDS,
  type PayloadField,
  type PayloadMessageType,
  type PayloadOf,
  payloadFieldOf,
  payloadOf,
} from "./protobuf/payloads.js";
export type {
  AvOutputDeviceDescriptor,
  ClientUpdatesConfigMessage,
  CommandInfo,
  CommandOptions,
  ContentItem,
  ContentItemMetadata,
  CryptoPairingMessage,
  DeviceInfoMessage,
  NowPlayingClient,
  NowPlayingPlayer,
  PlaybackQueue,
  PlayerPath,
  ProtocolMessage,
  SendCommandMessage,
  SendCommandResultMessage,
  SetDefaultSupportedCommandsMessage,
  SetStateMessage,
  SupportedCommands,
  UpdateContentItemMessage,
} from "./protobuf/types.js";
export {
  checkErrorCode,
  DEFAULT_CLIENT_NAME,
  DEFAULT_REQUEST_TIMEOUT,
  HEARTBEAT_INTERVAL,
  MrpProtocol,
  type MrpProtocolOptions,
  type MrpStartOptions,
  type RequestOptions,
} from "./protocol.js";
export { MrpPushUpdater, type MrpPushUpdaterOptions, type PlayingSource } from "./push-updater.js";
export { DEFAULT_SKIP_INTERVAL, MrpRemoteControl } from "./remote-control.js";
export { isMrpSupportedBuild, MRP_SERVICE_TYPE, mrpScanPlugin } from "./scan.js";
export { StreamTransport, type StreamTransportOptions } from "./stream-transport.js";
export type { MrpTransport, MrpTransportReceiver } from "./transport.js";
