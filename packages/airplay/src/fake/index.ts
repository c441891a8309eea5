export {
  type AirPlayFakeIdentity,
  type AirPlayPairingMode,
  airplayAnnouncement,
  applyAccessFlags,
  formatFlags,
  type ReceiverGeneration,
  receiverGeneration,
  type ServiceAnnouncement,
} from "./announcement.js";
