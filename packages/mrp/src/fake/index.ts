export { type MrpFakeIdentity, mrpAnnouncement } from "./announcement.js";
