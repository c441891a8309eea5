export {
  type DmapFakeIdentity,
  dmapAnnouncements,
} from "./announcement.js";
