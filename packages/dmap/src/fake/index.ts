export { dmapPairingCode } from "../pairing/pairing-code.js";
export { TOUCH_REMOTE_SERVICE_TYPE } from "../pairing/touch-remote-records.js";
export {
  type DmapFakeIdentity,
  dmapAnnouncements,
} from "./announcement.js";
export { tinyPng } from "./artwork.js";
export { FakeDmapDevice, type FakeDmapDeviceOptions } from "./device.js";
export {
  type AnnouncementSource,
  type DmapAnnouncement,
  FakeDmapPairingWatcher,
  type FakeDmapPairingWatcherOptions,
  pairingServiceName,
} from "./pairing-watcher.js";
export {
  DMAP_TRANSPORT_COMMANDS,
  DmapPlayStatus,
  DmapRepeat,
  type DmapTransportCommand,
  type FakeDmapItem,
  type FakeDmapPlayer,
} from "./player.js";
export {
  FAKE_MAX_PAIRED,
  FAKE_MAX_RECORDED,
  type FakeDmapButtonAction,
  type FakeDmapEvent,
  FakeDmapState,
  type FakeDmapStateOptions,
  normalizePairingGuid,
} from "./state.js";
