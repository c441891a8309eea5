import {
  CREDENTIAL_OPTIONS,
  CREDENTIALS_HELP,
  type OptionSpecs,
  PROTOCOL_NAMES,
  parseCommandLine,
  parseHosts,
  parseIntInRange,
  parseProtocol,
  parseProtocols,
  readCredentials,
  readStorageChoice,
  STORAGE_HELP,
  STORAGE_OPTIONS,
  type StorageChoice,
  UsageError,
} from "@atv/cli";
import type { Protocol } from "@atv/interface";

/** atvscript's options: pyatv's atvscript options, plus --mdns-port and -t. */
export interface ScriptOptions {
  command: string | undefined;
  help: boolean;
  version: boolean;
  id: string[] | undefined;
  protocol: Protocol | undefined;
  scanHosts: string[] | undefined;
  scanProtocols: Protocol[] | undefined;
  /** Seconds. */
  scanTimeout: number;
  mdnsPort: number | undefined;
  debug: boolean;
  credentials: Map<Protocol, string>;
  storage: StorageChoice;
}

export const USAGE = `usage: atvscript [-h] [--storage {file,none}] [--storage-filename STORAGE_FILENAME]
                 [--version] [-i ID] [--protocol PROTOCOL] [-s SCAN_HOSTS]
                 [--scan-protocols SCAN_PROTOCOLS] [-t TIMEOUT] [--mdns-port PORT]
                 [--output OUTPUT] [--debug] [--PROTOCOL-credentials CREDENTIALS]
                 command`;

export const HELP = `${USAGE}

positional arguments:
  command               command to run, e.g. scan

options:
  -h, --help            show this help message and exit
  --version             version of atvscript
  -i ID, --id ID        device identifier
  --protocol PROTOCOL   protocol to use (values: ${PROTOCOL_NAMES.join(", ")})
  -s SCAN_HOSTS, --scan-hosts SCAN_HOSTS
                        scan specific hosts (IPv4 addresses separated by commas)
  --scan-protocols SCAN_PROTOCOLS
                        scan for specific protocols (separated by commas)
  -t TIMEOUT, --scan-timeout TIMEOUT
                        timeout when scanning, in seconds (default: 5)
  --mdns-port PORT      mDNS port to send queries to (default: 5353)
  --output OUTPUT       output format (values: json) (default: json)
  --debug               save debug log to atvscript.log

${STORAGE_HELP}

credentials:
${CREDENTIALS_HELP}
`;

const OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  id: { type: "string", short: "i" },
  protocol: { type: "string" },
  "scan-hosts": { type: "string", short: "s" },
  "scan-protocols": { type: "string" },
  "scan-timeout": { type: "string", short: "t" },
  "mdns-port": { type: "string" },
  output: { type: "string" },
  debug: { type: "boolean" },
  ...STORAGE_OPTIONS,
  ...CREDENTIAL_OPTIONS,
};

export function parseScriptOptions(argv: readonly string[]): ScriptOptions {
  const cmd = parseCommandLine(argv, OPTIONS);
  const help = cmd.flag("help");
  const version = cmd.flag("version");
  if (!help && !version && cmd.positionals.length !== 1) {
    throw new UsageError(
      cmd.positionals.length === 0
        ? "the following arguments are required: command"
        : `unrecognized arguments: ${cmd.positionals.slice(1).join(" ")}`,
    );
  }
  const output = cmd.text("output");
  if (output !== undefined && output !== "json") {
    throw new UsageError("Valid formats are: json");
  }
  return {
    command: cmd.positionals[0],
    help,
    version,
    id: cmd.text("id")?.split(","),
    protocol: cmd.value("protocol", parseProtocol),
    scanHosts: cmd.value("scan-hosts", parseHosts),
    scanProtocols: cmd.value("scan-protocols", parseProtocols),
    scanTimeout:
      cmd.value("scan-timeout", (v) => parseIntInRange("-t/--scan-timeout", v, 1, 100)) ?? 5,
    mdnsPort: cmd.value("mdns-port", (v) => parseIntInRange("--mdns-port", v, 1, 65536)),
    debug: cmd.flag("debug"),
    credentials: readCredentials(cmd),
    storage: readStorageChoice(cmd),
  };
}
