export { AIRPORT_SERVICE_TYPE, RAOP_SERVICE_TYPE, raopScanPlugin, splitRaopName } from "./scan.js";
