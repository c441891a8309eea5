// @atv/companion: the Companion link (tvOS 15+: apps, power, keyboard, touch). Its wire
// format is here now; the client and the fake device come next.
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
export {
  COMPANION_SERVICE_TYPE,
  CompanionFlag,
  companionFlags,
  companionPairingRequirement,
  companionScanPlugin,
} from "./scan.js";
