export {
  FakeAppleTV,
  type FakeAppleTVOptions,
  type FakeDeviceEvent,
  type FakeServiceInfo,
} from "./fake-apple-tv.js";
export { FAKE_PROFILES, type FakeIdentity, type FakeProfile, fakeIdentity } from "./profiles.js";
