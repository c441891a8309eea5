export { type MrpFakeIdentity, mrpAnnouncement } from "./announcement.js";
export { DOUBLE_TAP_WINDOW, HOLD_THRESHOLD } from "./button-tracker.js";
export { FakeMrpDevice, type FakeMrpDeviceOptions } from "./device.js";
export {
  type FakeButtonAction,
  type FakeCommandFailure,
  type FakeMrpButton,
  type FakeMrpCommand,
  type FakeMrpEvent,
  FakeMrpState,
} from "./state.js";
export { FakeMrpUseCases } from "./use-cases.js";
