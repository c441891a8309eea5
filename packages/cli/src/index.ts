export {
  type NumberArgOptions,
  parseBooleanArg,
  parseEnumArg,
  parseNumberArg,
} from "./command-args.js";
export {
  type CommandLine,
  type OptionSpecs,
  optionLabel,
  parseCommandLine,
} from "./command-line.js";
export {
  type CompileCacheOptions,
  type CompileCacheUse,
  compileCacheDir,
  compileCacheVariant,
  launchBundle,
  markRunIncomplete,
  runWithCompileCache,
} from "./compile-cache.js";
export { CREDENTIAL_OPTIONS, CREDENTIALS_HELP, readCredentials } from "./credential-options.js";
export { streamLogger } from "./debug-logger.js";
export { isKeyboardCommand, runKeyboardCommand } from "./keyboard-commands.js";
export { LineReader, type LineReaderOptions } from "./line-reader.js";
export { type OpenedStorage, openStorage } from "./open-storage.js";
export {
  PROTOCOL_NAMES,
  type ProtocolName,
  parseHosts,
  parseIntInRange,
  parseProtocol,
  parseProtocols,
  protocolName,
} from "./option-values.js";
export { exitWhenDone } from "./process-exit.js";
export { pythonJson } from "./python-json.js";
export { readLine } from "./read-line.js";
export {
  type CommandCall,
  isRemoteControlCommand,
  parseCommandCall,
  REMOTE_CONTROL_COMMANDS,
  runRemoteControlCommand,
} from "./remote-commands.js";
export { localIsoTimestamp, type ScriptOutputInit, scriptOutput } from "./script-output.js";
export { writeStandardOutput } from "./standard-output.js";
export {
  readStorageChoice,
  STORAGE_HELP,
  STORAGE_OPTIONS,
  STORAGE_USAGE,
  type StorageChoice,
} from "./storage-options.js";
export { isTouchCommand, runTouchCommand } from "./touch-commands.js";
export { USAGE_EXIT_CODE, UsageError } from "./usage-error.js";
export { waitForLine } from "./wait-for-line.js";
