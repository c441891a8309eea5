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

/** atvremote's options: pyatv's atvremote options, plus --mdns-port. */
export interface RemoteOptions {
  commands: string[];
  help: boolean;
  version: boolean;
  id: string[] | undefined;
  name: string | undefined;
  address: string | undefined;
  protocol: Protocol | undefined;
  port: number;
  /** Seconds, as pyatv's -t takes it. */
  scanTimeout: number;
  scanHosts: string[] | undefined;
  scanProtocols: Protocol[] | undefined;
  mdnsPort: number | undefined;
  manual: boolean;
  pin: string | undefined;
  remoteName: string;
  /** DMAP: the pairing GUID to pair as (16 hex digits); random by default. */
  pairingGuid: string | undefined;
  serviceProperties: string | undefined;
  credentials: Map<Protocol, string>;
  passwords: Map<Protocol, string>;
  verbose: boolean;
  debug: boolean;
  mdnsDebug: boolean;
  storage: StorageChoice;
}

const PASSWORD_PROTOCOLS = ["airplay", "raop"] as const;

export const USAGE = `usage: atvremote [-h] [--storage {file,none}] [--storage-filename STORAGE_FILENAME]
                 [--version] [-i ID] [-n NAME] [--address ADDRESS]
                 [--protocol PROTOCOL] [--port PORT] [-t TIMEOUT] [-s SCAN_HOSTS]
                 [--scan-protocols SCAN_PROTOCOLS] [--mdns-port PORT] [-m]
                 [--service-properties PROPERTIES] [-p PIN] [--remote-name NAME]
                 [--pairing-guid PAIRING_GUID]
                 [--PROTOCOL-credentials CREDENTIALS] [--airplay-password PASSWORD]
                 [--raop-password PASSWORD] [-v] [--debug] [--mdns-debug]
                 command [command ...]`;

export const HELP = `${USAGE}

positional arguments:
  command               commands, help, ...

options:
  -h, --help            show this help message and exit
  --version             version of atvremote
  -i ID, --id ID        device identifier (several separated by commas)
  -n NAME, --name NAME  apple tv name
  --address ADDRESS     device ip address or hostname
  --protocol PROTOCOL   protocol to use (values: ${PROTOCOL_NAMES.join(", ")})
  --port PORT           port when connecting (default: 0)
  -t TIMEOUT, --scan-timeout TIMEOUT
                        timeout when scanning, in seconds (default: 3)
  -s SCAN_HOSTS, --scan-hosts SCAN_HOSTS
                        scan specific hosts (IPv4 addresses separated by commas)
  --scan-protocols SCAN_PROTOCOLS
                        scan for specific protocols (separated by commas)
  --mdns-port PORT      mDNS port to send queries to (default: 5353)
  -m, --manual          use manual device details
  --service-properties PROPERTIES
                        manual MDNS properties

${STORAGE_HELP}

pairing:
  --remote-name NAME    remote pairing name (default: atv)
  -p PIN, --pin PIN     pairing pin code
  --pairing-guid PAIRING_GUID
                        pairing guid (16 chars hex)

credentials:
${CREDENTIALS_HELP}

passwords:
${PASSWORD_PROTOCOLS.map((p) => `  --${p}-password PASSWORD\n                        password for ${p}`).join("\n")}

debugging:
  -v, --verbose         increase output verbosity
  --debug               print debug information
  --mdns-debug          print mdns debug data
`;

const OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  id: { type: "string", short: "i" },
  name: { type: "string", short: "n" },
  address: { type: "string" },
  protocol: { type: "string" },
  port: { type: "string" },
  "scan-timeout": { type: "string", short: "t" },
  "scan-hosts": { type: "string", short: "s" },
  "scan-protocols": { type: "string" },
  "mdns-port": { type: "string" },
  manual: { type: "boolean", short: "m" },
  "service-properties": { type: "string" },
  pin: { type: "string", short: "p" },
  "remote-name": { type: "string" },
  "pairing-guid": { type: "string" },
  verbose: { type: "boolean", short: "v" },
  debug: { type: "boolean" },
  "mdns-debug": { type: "boolean" },
  ...STORAGE_OPTIONS,
  ...CREDENTIAL_OPTIONS,
  ...Object.fromEntries(PASSWORD_PROTOCOLS.map((p) => [`${p}-password`, { type: "string" }])),
};

export function parseRemoteOptions(argv: readonly string[]): RemoteOptions {
  const cmd = parseCommandLine(argv, OPTIONS);
  const help = cmd.flag("help");
  const version = cmd.flag("version");
  if (!help && !version && cmd.positionals.length === 0) {
    throw new UsageError("the following arguments are required: command");
  }
  if (cmd.text("service-properties") !== undefined && !cmd.flag("manual")) {
    throw new UsageError("--service-properties only allowed with --manual");
  }
  const passwords = new Map<Protocol, string>();
  for (const p of PASSWORD_PROTOCOLS) {
    const value = cmd.text(`${p}-password`);
    if (value !== undefined) passwords.set(parseProtocol(p), value);
  }
  return {
    commands: [...cmd.positionals],
    help,
    version,
    id: cmd.text("id")?.split(","),
    name: cmd.text("name"),
    address: cmd.text("address"),
    protocol: cmd.value("protocol", parseProtocol),
    port: cmd.value("port", (v) => parseIntInRange("--port", v, 0, 65535)) ?? 0,
    scanTimeout:
      cmd.value("scan-timeout", (v) => parseIntInRange("-t/--scan-timeout", v, 1, 100)) ?? 3,
    scanHosts: cmd.value("scan-hosts", parseHosts),
    scanProtocols: cmd.value("scan-protocols", parseProtocols),
    mdnsPort: cmd.value("mdns-port", (v) => parseIntInRange("--mdns-port", v, 1, 65536)),
    manual: cmd.flag("manual"),
    // A number, as pyatv's type check takes it; kept as typed, so a PIN's leading zeros stay.
    pin: cmd.value("pin", (v) => {
      parseIntInRange("-p/--pin", v, 0, 9999);
      return v.trim();
    }),
    remoteName: cmd.text("remote-name") ?? "atv",
    pairingGuid: cmd.text("pairing-guid"),
    serviceProperties: cmd.text("service-properties"),
    credentials: readCredentials(cmd),
    passwords,
    verbose: cmd.flag("verbose"),
    debug: cmd.flag("debug"),
    mdnsDebug: cmd.flag("mdns-debug"),
    storage: readStorageChoice(cmd),
  };
}
