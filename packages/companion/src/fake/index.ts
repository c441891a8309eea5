export {
  type CompanionFakeIdentity,
  companionAnnouncement,
} from "./announcement.js";
export { FakeCompanionDevice, type FakeCompanionDeviceOptions } from "./device.js";
export { COMPANION_CLIENT_KEY_INFO, COMPANION_SERVER_KEY_INFO } from "./pairing.js";
export { FAKE_ERROR_CODE, FAKE_ERROR_DOMAIN, NO_REQUEST_HANDLER_CODE } from "./requests.js";
export {
  FAKE_INSTALLED_APPS,
  FAKE_MAX_RECORDED,
  FAKE_MAX_TEXT_LENGTH,
  FAKE_USER_ACCOUNTS,
  type FakeButtonState,
  type FakeCompanionEvent,
  type FakeCompanionSession,
  FakeCompanionState,
  type FakeTouch,
} from "./state.js";
