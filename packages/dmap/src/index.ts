export { connectDmap, DmapClient, type DmapConnectOptions } from "./client/client.js";
export { buildPlaying } from "./client/playing.js";
export {
  DEFAULT_DMAP_PAIRING_TIMEOUT,
  DmapPairingHandler,
  type DmapPairingOptions,
  dmapCredentials,
  dmapPairingCode,
  TOUCH_REMOTE_SERVICE_TYPE,
} from "./pairing/index.js";
export { dmapPlugin, dmapSession } from "./plugin.js";
export {
  DMAP_SERVICE_TYPE,
  dmapScanPlugin,
  HOMESHARING_SERVICE_TYPE,
  HSCP_SERVICE_TYPE,
} from "./scan.js";
export {
  type DmapNode,
  type DmapType,
  type DmapValue,
  decodeDmap,
  dmapTag,
  encodeDmap,
  first,
  firstNode,
  lookupTag,
  prettyDmap,
} from "./tags/index.js";
