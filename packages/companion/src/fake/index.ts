export {
  type CompanionFakeIdentity,
  companionAnnouncement,
} from "./announcement.js";
