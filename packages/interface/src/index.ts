export { AnswerWaiters, type AnswerWaitOptions } from "./answer-waiters.js";
export type { Apps, UserAccount, UserAccounts } from "./api/apps.js";
export type {
  Audio,
  AudioListener,
  OutputDevice,
  SetVolumeOptions,
} from "./api/audio.js";
export type { AbortOptions, StateProducer } from "./api/common.js";
export type { DeviceListener, PairingHandler } from "./api/device.js";
export type { FeatureInfo, Features } from "./api/features.js";
export type {
  Keyboard,
  KeyboardListener,
  TouchGestures,
} from "./api/keyboard.js";
export type {
  App,
  ArtworkInfo,
  ArtworkOptions,
  Metadata,
  Playing,
} from "./api/metadata.js";
export type { Power, PowerListener, PowerOptions } from "./api/power.js";
export type { PushListener, PushUpdater } from "./api/push-updates.js";
export type { RemoteControl } from "./api/remote-control.js";
export type { Storage } from "./api/storage.js";
export type {
  MediaMetadata,
  PlayUrlOptions,
  Stream,
  StreamFileOptions,
  StreamSource,
} from "./api/stream.js";
export { AppleTV, type AppleTVInit } from "./config.js";
export {
  DeviceModel,
  DeviceState,
  enumFromName,
  enumName,
  enumValues,
  FeatureName,
  FeatureState,
  InputAction,
  isEnumValue,
  KeyboardFocusState,
  MediaType,
  type NumericEnum,
  OperatingSystem,
  PairingRequirement,
  PowerState,
  Protocol,
  RepeatState,
  ShuffleState,
  TouchAction,
} from "./const.js";
export {
  deviceStateStr,
  mediaTypeStr,
  modelStr,
  operatingSystemStr,
  protocolStr,
  repeatStr,
  shuffleStr,
} from "./convert.js";
export { type Deadline, deadline } from "./deadline.js";
export { DeviceInfo, type DeviceInfoFields, modelFields } from "./device-info.js";
export {
  BUILD_VERSIONS,
  INTERNAL_NAMES,
  lookupInternalName,
  lookupModel,
  lookupOs,
  lookupVersion,
  MODEL_IDENTIFIERS,
} from "./device-models.js";
export {
  AtvError,
  AuthenticationError,
  BackOffError,
  BlockedStateError,
  CommandError,
  ConnectionFailedError,
  ConnectionLostError,
  DeviceIdMissingError,
  HttpError,
  InvalidConfigError,
  InvalidCredentialsError,
  InvalidDmapDataError,
  InvalidResponseError,
  InvalidStateError,
  NoAsyncListenerError,
  NoCredentialsError,
  NonLocalSubnetError,
  NoServiceError,
  NotSupportedError,
  OperationTimeoutError,
  PairingError,
  PlaybackError,
  ProtocolError,
  SettingsError,
  UnknownMediaKindError,
  UnknownPlayStateError,
  UnsupportedProtocolError,
} from "./errors.js";
export { collectFeatures, featuresInState } from "./features.js";
export { homeDirectory } from "./home-directory.js";
export { type Logger, silentLogger } from "./logger.js";
export { LruCache } from "./lru-cache.js";
export {
  createPlaying,
  type PlayingInit,
  playingEquals,
  playingHash,
  playingStr,
} from "./playing.js";
export { PlayingSubscriber } from "./playing-subscriber.js";
export type {
  ConnectOptions,
  PairOptions,
  ProtocolPlugin,
  ProtocolSession,
} from "./protocol-plugin.js";
export type {
  ProtocolScanPlugin,
  ScanResult,
  ServiceTypeHandler,
  ZeroconfResponse,
  ZeroconfService,
} from "./scan-plugin.js";
export { PlainProperties, Service, type ServiceInit, type ServiceProperties } from "./service.js";
export {
  type AirPlaySettings,
  AirPlayVersion,
  type CompanionSettings,
  DEFAULT_INFO_SETTINGS,
  type DmapSettings,
  type InfoSettings,
  type MrpSettings,
  MrpTunnel,
  type ProtocolSettings,
  type RaopSettings,
  type Settings,
} from "./settings.js";
export { type TcpConnectOptions, tcpConnect } from "./tcp-connect.js";
export { tcpListen } from "./tcp-listen.js";
