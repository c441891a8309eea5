// The vocabulary (enums, errors, configurations) is part of core's public surface, so
// users need one import: `import { scan, Protocol } from "@atv/core"`.
export * from "@atv/interface";
export { BUILT_IN_PROTOCOLS, selectProtocols } from "./protocols.js";
export { DEFAULT_SCAN_TIMEOUT, type ScanOptions, scan } from "./scan/scan.js";
