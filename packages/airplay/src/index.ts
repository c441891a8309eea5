export {
  AirPlayStatusFlag,
  getPairingRequirement,
  isPasswordRequired,
  statusFlags,
  updateServiceDetails,
} from "./access.js";
export {
  AirPlayFeature,
  AirPlayMajorVersion,
  detectAirPlayVersion,
  hasFeature,
  parseFeatures,
} from "./features.js";
export { AIRPLAY_SERVICE_TYPE, airplayScanPlugin } from "./scan.js";
