export { isMrpSupportedBuild, MRP_SERVICE_TYPE, mrpScanPlugin } from "./scan.js";
