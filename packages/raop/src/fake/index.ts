export { type RaopFakeIdentity, raopAnnouncement } from "./announcement.js";
export { DIGEST_REALM, digestChallenge, digestResponse } from "./digest-auth.js";
export type {
  FakeRaopEndReason,
  FakeRaopEvent,
  FakeRaopFormat,
  FakeRaopMetadata,
  FakeRaopProgress,
  FakeRaopStream,
} from "./events.js";
export { trimTrailingSilence } from "./pcm-assembler.js";
export {
  FakeRaopReceiver,
  type FakeRaopReceiverOptions,
  IDLE_TIMEOUT,
  INITIAL_VOLUME,
  MAX_CONNECTIONS,
  MAX_EVENTS,
  MAX_PCM_BYTES,
  MAX_STREAMS,
} from "./receiver.js";
