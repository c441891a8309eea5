export { type MrpFakeIdentity, mrpAnnouncement } from "./announcement.js";
export { DOUBLE_TAP_WINDOW, HOLD_THRESHOLD } from "./button-tracker.js";
export { FakeMrpDevice, type FakeMrpDeviceOptions } from "./device.js";
export {
  exampleMusicState,
  exampleVideoState,
  FAKE_APP_BUNDLE_ID,
  FAKE_APP_NAME,
  FAKE_PLAYER_ID,
  FakeNowPlaying,
  type FakePlayingState,
  nowPlayingClientMessage,
  setStateMessage,
} from "./now-playing.js";
export {
  type FakeButtonAction,
  type FakeCommandFailure,
  type FakeMrpButton,
  type FakeMrpCommand,
  type FakeMrpEvent,
  FakeMrpState,
} from "./state.js";
export { FakeMrpUseCases } from "./use-cases.js";
