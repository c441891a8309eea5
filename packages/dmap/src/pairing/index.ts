// DMAP pairing, the remote's side: the public surface of this folder.
export { answerPairRequest, PAIRING_ANSWER_DEVICE_TYPE, pairingAnswer } from "./pair-request.js";
export {
  dmapCredentials,
  dmapPairingCode,
  formatPairingGuid,
  formatPin,
  randomPairingGuid,
} from "./pairing-code.js";
export {
  DEFAULT_DMAP_PAIRING_TIMEOUT,
  DmapPairingHandler,
  type DmapPairingOptions,
} from "./pairing-handler.js";
export { DmapPairingServer, type DmapPairingServerOptions } from "./pairing-server.js";
export {
  type AnnounceTarget,
  TouchRemoteAnnouncer,
  type TouchRemoteAnnouncerOptions,
} from "./touch-remote-announcer.js";
export {
  TOUCH_REMOTE_SERVICE_TYPE,
  touchRemoteProperties,
  touchRemoteRecords,
} from "./touch-remote-records.js";
