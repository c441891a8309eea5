export { type DebugLogger, silentLogger, streamLogger } from "./debug-logger.js";
export {
  isIPv4,
  PROTOCOL_NAMES,
  type ProtocolName,
  parseHosts,
  parseIntInRange,
  parseProtocol,
  parseProtocols,
  protocolName,
} from "./option-values.js";
export { localIsoTimestamp, type ScriptOutputInit, scriptOutput } from "./script-output.js";
export { USAGE_EXIT_CODE, UsageError } from "./usage-error.js";
