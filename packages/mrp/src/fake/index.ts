export { type MrpFakeIdentity, mrpAnnouncement } from "./announcement.js";
export {
  crc32,
  type RgbColor,
  solidPng,
  TINY_JPEG,
  TINY_JPEG_SIZE,
} from "./artwork-images.js";
export { DOUBLE_TAP_WINDOW, HOLD_THRESHOLD } from "./button-tracker.js";
export {
  FAKE_IDLE_TIMEOUT,
  FAKE_MAX_CONNECTIONS,
  FakeMrpDevice,
  type FakeMrpDeviceOptions,
} from "./device.js";
export {
  exampleMusicState,
  exampleVideoState,
  FAKE_APP_BUNDLE_ID,
  FAKE_APP_NAME,
  FAKE_PLAYER_ID,
  FakeNowPlaying,
  type FakePlayingState,
  nowPlayingClientMessage,
  playbackQueueResponseMessage,
  setStateMessage,
} from "./now-playing.js";
export {
  applyCommand,
  DEFAULT_SKIP_INTERVAL,
  type FakePlayQueue,
  hasItem,
  isPlaying,
  type PlayerOutcome,
  positionAt,
  supportedCommandsOf,
} from "./player.js";
export { FakeMrpConnection, type FakeMrpDeviceConfig } from "./service.js";
export {
  FAKE_MAX_OUTPUT_DEVICES,
  FAKE_MAX_RECORDED,
  type FakeButtonAction,
  type FakeCommandFailure,
  type FakeMrpButton,
  type FakeMrpCommand,
  type FakeMrpEvent,
  FakeMrpState,
  type FakeOutputDeviceChange,
} from "./state.js";
export {
  type FakeArtworkOptions,
  FakeMrpUseCases,
  type FakeVolumeControlOptions,
} from "./use-cases.js";
export {
  FAKE_VOLUME_STEP,
  type FakeVolumeControl,
  steppedVolume,
  volumeCapabilitiesDidChangeMessage,
  volumeControlAvailabilityMessage,
  volumeDidChangeMessage,
} from "./volume.js";
