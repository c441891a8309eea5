export {
  COMPANION_SERVICE_TYPE,
  CompanionFlag,
  companionFlags,
  companionPairingRequirement,
  companionScanPlugin,
} from "./scan.js";
