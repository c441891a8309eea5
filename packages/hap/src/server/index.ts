// The device side of HAP pairing, for fake devices and proxies.

export { type SrpServerOptions, SrpServerSession } from "../srp.js";
export {
  type PairedClient,
  PairSetupServer,
  type PairSetupServerOptions,
} from "./pair-setup-server.js";
export { PairVerifyServer, type PairVerifyServerOptions } from "./pair-verify-server.js";
