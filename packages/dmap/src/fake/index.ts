export {
  type DmapFakeIdentity,
  dmapAnnouncements,
  type ServiceAnnouncement,
} from "./announcement.js";
