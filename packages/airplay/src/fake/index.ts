export {
  AirPlayPairingServer,
  type AirPlayPairingServerOptions,
  PairingStore,
} from "../auth/server.js";
export {
  type AirPlayFakeIdentity,
  type AirPlayPairingMode,
  airplayAnnouncement,
  applyAccessFlags,
  formatFlags,
  type ReceiverGeneration,
  receiverGeneration,
} from "./announcement.js";
export { CHANNEL_ACCEPT_TIMEOUT, ChannelListener } from "./channel-listener.js";
export { type FakeAirPlayActivity, FakeControlConnection } from "./control-connection.js";
export {
  FakeAirPlayDevice,
  type FakeAirPlayDeviceOptions,
  type FakeAirPlayEvent,
  IDLE_TIMEOUT,
  MAX_CONNECTIONS,
} from "./device.js";
export { FakeEventChannel, MAX_ANSWERS } from "./event-sender.js";
export {
  FakePlayback,
  type FakePlaybackEvent,
  type FakePlaybackOptions,
  type FakePlaybackStatus,
  type FakePlayRequest,
} from "./playback.js";
export {
  type FakeAirPlayPairing,
  FakeAirPlayPairingServer,
  RecordedPairingStore,
} from "./recorded-pairings.js";
