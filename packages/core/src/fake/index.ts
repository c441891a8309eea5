// Images for tests that give the fake artwork.
export { solidPng, TINY_JPEG } from "@atv/mrp/fake";
export {
  FakeAppleTV,
  type FakeAppleTVOptions,
  type FakeDeviceEvent,
  type FakeServiceInfo,
} from "./fake-apple-tv.js";
export { FAKE_PROFILES, type FakeIdentity, type FakeProfile, fakeIdentity } from "./profiles.js";
