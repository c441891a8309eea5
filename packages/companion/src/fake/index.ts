export {
  type CompanionFakeIdentity,
  companionAnnouncement,
  type ServiceAnnouncement,
} from "./announcement.js";
