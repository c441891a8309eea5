export {
  DMAP_SERVICE_TYPE,
  dmapScanPlugin,
  HOMESHARING_SERVICE_TYPE,
  HSCP_SERVICE_TYPE,
} from "./scan.js";
