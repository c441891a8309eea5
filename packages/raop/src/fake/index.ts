export {
  type RaopAnnouncementOptions,
  type RaopFakeIdentity,
  raopAnnouncement,
  raopVersionOf,
} from "./announcement.js";
export { DIGEST_REALM, digestChallenge, digestResponse } from "./digest-auth.js";
export { EVENT_ACCEPT_TIMEOUT, FakeRaopEventChannel } from "./event-channel.js";
export type {
  FakeRaopEndReason,
  FakeRaopEvent,
  FakeRaopFormat,
  FakeRaopMetadata,
  FakeRaopProgress,
  FakeRaopStream,
  FakeRaopVersion,
} from "./events.js";
export { trimTrailingSilence } from "./pcm-assembler.js";
export {
  DEFAULT_PIN,
  FakeRaopReceiver,
  type FakeRaopReceiverOptions,
  IDLE_TIMEOUT,
  INITIAL_VOLUME,
  MAX_CONNECTIONS,
  MAX_EVENTS,
  MAX_PCM_BYTES,
  MAX_STREAMS,
} from "./receiver.js";
