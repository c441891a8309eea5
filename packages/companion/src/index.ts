// @atv/companion: the Companion link (tvOS 15+: apps, power, keyboard, touch): its wire
// format, pairing, verify and an encrypted session with apps; the fake device is at
// "@atv/companion/fake".
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
export { CompanionPairingHandler, type CompanionPairingOptions } from "./client/pairing-handler.js";
export {
  type CompanionEventListener,
  CompanionProtocol,
  type CompanionProtocolOptions,
  DEFAULT_REQUEST_TIMEOUT,
  type RequestOptions,
} from "./client/protocol.js";
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
