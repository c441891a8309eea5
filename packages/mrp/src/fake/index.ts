export { type MrpFakeIdentity, mrpAnnouncement, type ServiceAnnouncement } from "./announcement.js";
