// @atv/airplay: AirPlay pairing, encrypted RTSP, play URL and the AirPlay 2 tunnel that
// carries MRP. The fake receiver is at "@atv/airplay/fake".

export { decodePlist, encodePlist, PlistReal, type PlistValue } from "@atv/plist";
export {
  AirPlayStatusFlag,
  getPairingRequirement,
  isPasswordRequired,
  statusFlags,
  updateServiceDetails,
} from "./access.js";
export { DataStreamChannel, type DataStreamChannelOptions } from "./ap2/data-stream-channel.js";
export { EventChannel, type EventChannelOptions } from "./ap2/event-channel.js";
export {
  type ConnectMrpTunnelOptions,
  connectMrpTunnel,
  DEFAULT_TUNNEL_TIMEOUT,
  type MrpTunnelClient,
} from "./ap2/mrp-tunnel.js";
export { Ap2Session, type Ap2SessionOptions, FEEDBACK_INTERVAL } from "./ap2/session.js";
export {
  CONTROL_INPUT_INFO,
  CONTROL_OUTPUT_INFO,
  CONTROL_SALT,
  controlKeys,
  DATASTREAM_INPUT_INFO,
  DATASTREAM_OUTPUT_INFO,
  DATASTREAM_SALT,
  dataStreamKeys,
  EVENTS_READ_INFO,
  EVENTS_SALT,
  EVENTS_WRITE_INFO,
  eventsKeys,
  KeySide,
} from "./auth/keys.js";
export {
  AirPlayPairingHandler,
  type AirPlayPairingOptions,
  type PairingConnection,
  type PairingConnectionFactory,
} from "./auth/pairing-handler.js";
export {
  extractCredentials,
  hapPairVerify,
  TRANSIENT_PIN,
  transientPairVerify,
  verifyConnection,
} from "./auth/verify.js";
export {
  DATA_HEADER_LENGTH,
  type DataFrame,
  DataFrameDecoder,
  decodeMrpPayload,
  encodeDataFrame,
  encodeMrpPayload,
  replyFrame,
} from "./datastream-frame.js";
export {
  AirPlayFeature,
  AirPlayMajorVersion,
  detectAirPlayVersion,
  hasFeature,
  parseFeatures,
} from "./features.js";
export {
  encodeRequest,
  encodeResponse,
  HttpRequestParser,
  HttpResponseParser,
  reasonPhrase,
} from "./http/codec.js";
export {
  checkStatus,
  DEFAULT_REQUEST_TIMEOUT,
  HttpConnection,
  type HttpConnectOptions,
} from "./http/connection.js";
export { BPLIST_CONTENT_TYPE, RtspSession } from "./http/rtsp-session.js";
export type {
  ExchangeOptions,
  HttpExchange,
  HttpRequest,
  HttpResponse,
  OutgoingRequest,
  OutgoingResponse,
} from "./http/types.js";
export { FileServer } from "./play/file-server.js";
export { resolveMediaSource } from "./play/media-source.js";
export { type AirPlayPlayOptions, playUrl, stopPlayback } from "./play/player.js";
export { airplayPlugin, pairOverAirPlay } from "./plugin.js";
export { isRemoteControlSupported } from "./remote-control-support.js";
export { AIRPLAY_SERVICE_TYPE, airplayScanPlugin } from "./scan.js";
export { AirPlayStream, type AirPlayStreamOptions } from "./stream.js";
