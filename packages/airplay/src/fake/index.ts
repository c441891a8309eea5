export {
  type AirPlayFakeIdentity,
  type AirPlayPairingMode,
  airplayAnnouncement,
  applyAccessFlags,
  formatFlags,
  type ReceiverGeneration,
  receiverGeneration,
} from "./announcement.js";
