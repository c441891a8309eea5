// @atv/companion: the Companion link (tvOS 15+): its wire format, pairing, verify and an
// encrypted session with apps, accounts, power, buttons, volume, keyboard and touch; the
// fake device is at "@atv/companion/fake".

export { CompanionUserAccounts } from "./client/accounts.js";
export { CompanionAudio, VOLUME_UPDATE_TIMEOUT } from "./client/audio.js";
export {
  COMPANION_INPUT_INFO,
  COMPANION_OUTPUT_INFO,
  COMPANION_SESSION_SALT,
  CompanionPairSetup,
  type CompanionPairSetupOptions,
  parseCompanionCredentials,
  verifyCredentials,
} from "./client/auth.js";
export {
  type CompanionApp,
  type CompanionClient,
  type CompanionClientInfo,
  type ConnectCompanionOptions,
  connectCompanion,
  DEFAULT_CONNECT_TIMEOUT,
} from "./client/client.js";
export {
  CompanionConnection,
  type CompanionConnectionHandler,
  type CompanionConnectionOptions,
  type CompanionConnectOptions,
} from "./client/connection.js";
export { CompanionFeatures, MEDIA_CONTROL_MAP, SUPPORTED_FEATURES } from "./client/features.js";
export { HidCommand, MediaControlCommand } from "./client/hid.js";
export { EventInterests } from "./client/interest.js";
export { CompanionKeyboard } from "./client/keyboard.js";
export { CompanionPairingHandler, type CompanionPairingOptions } from "./client/pairing-handler.js";
export { CompanionPower, POWER_STATE_TIMEOUT } from "./client/power.js";
export {
  type CompanionEventListener,
  CompanionProtocol,
  type CompanionProtocolOptions,
  DEFAULT_REQUEST_TIMEOUT,
  type RequestOptions,
} from "./client/protocol.js";
export { CompanionRemoteControl } from "./client/remote-control.js";
export { CompanionTouch, TOUCHPAD_HEIGHT, TOUCHPAD_WIDTH } from "./client/touch.js";
export { MediaControlFlags, SystemStatus } from "./device-status.js";
export {
  AUTH_TAG_LENGTH,
  CompanionCipher,
  type CompanionFrame,
  encodeFrame,
  encodeFrameHeader,
  FRAME_HEADER_LENGTH,
  FrameDecoder,
  type FrameDecoderOptions,
  FrameType,
  MAX_FRAME_PAYLOAD_LENGTH,
} from "./frame.js";
export {
  type CompanionErrorInfo,
  type CompanionMessage,
  decodeMessage,
  encodeMessage,
  encodeRequest,
  MessageType,
  responseError,
} from "./message.js";
export {
  decodeOpack,
  decodeOpackPrefix,
  encodeOpack,
  type OpackDecodeOptions,
  type OpackDict,
  type OpackEncodable,
  OpackFloat,
  OpackInt,
  type OpackIntSize,
  OpackUuid,
  type OpackValue,
  opackInteger,
} from "./opack.js";
export { companionPlugin } from "./plugin.js";
export {
  decodeRtiSession,
  decodeRtiTextOperations,
  encodeRtiClearText,
  encodeRtiInputText,
  encodeRtiSession,
  type RtiSession,
  type RtiTextOperations,
} from "./rti.js";
export {
  COMPANION_SERVICE_TYPE,
  CompanionFlag,
  companionFlags,
  companionPairingRequirement,
  companionScanPlugin,
} from "./scan.js";
