export { type RaopFakeIdentity, raopAnnouncement } from "./announcement.js";
