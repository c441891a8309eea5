import { parseArgs } from "node:util";
import {
  PROTOCOL_NAMES,
  parseHosts,
  parseIntInRange,
  parseProtocol,
  parseProtocols,
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
  serviceProperties: string | undefined;
  credentials: Map<Protocol, string>;
  passwords: Map<Protocol, string>;
  verbose: boolean;
  debug: boolean;
  mdnsDebug: boolean;
}

const PASSWORD_PROTOCOLS = ["airplay", "raop"] as const;

export const USAGE = `usage: atvremote [-h] [--version] [-i ID] [-n NAME] [--address ADDRESS]
                 [--protocol PROTOCOL] [--port PORT] [-t TIMEOUT] [-s SCAN_HOSTS]
                 [--scan-protocols SCAN_PROTOCOLS] [--mdns-port PORT] [-m]
                 [--service-properties PROPERTIES] [-p PIN] [--remote-name NAME]
                 [--PROTOCOL-credentials CREDENTIALS] [--airplay-password PASSWORD]
                 [--raop-password PASSWORD] [-v] [--debug] [--mdns-debug]
                 command [command ...]`;

export const HELP = `${USAGE}

positional arguments:
  command               commands, e.g. scan

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

pairing:
  --remote-name NAME    remote pairing name (default: atv)
  -p PIN, --pin PIN     pairing pin code

credentials:
${PROTOCOL_NAMES.map((p) => `  --${p}-credentials CREDENTIALS\n                        credentials for ${p}`).join("\n")}

passwords:
${PASSWORD_PROTOCOLS.map((p) => `  --${p}-password PASSWORD\n                        password for ${p}`).join("\n")}

debugging:
  -v, --verbose         increase output verbosity
  --debug               print debug information
  --mdns-debug          print mdns debug data
`;

type OptionSpec = { type: "string" | "boolean"; short?: string };

const OPTIONS: Record<string, OptionSpec> = {
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
  storage: { type: "string" },
  "storage-filename": { type: "string" },
  verbose: { type: "boolean", short: "v" },
  debug: { type: "boolean" },
  "mdns-debug": { type: "boolean" },
  // atvscript's option, accepted here too so one command line works for both.
  output: { type: "string" },
  ...Object.fromEntries(PROTOCOL_NAMES.map((p) => [`${p}-credentials`, { type: "string" }])),
  ...Object.fromEntries(PASSWORD_PROTOCOLS.map((p) => [`${p}-password`, { type: "string" }])),
};

export function parseRemoteOptions(argv: readonly string[]): RemoteOptions {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const text = (key: string) => {
    const value = values[key];
    return typeof value === "string" ? value : undefined;
  };
  const flag = (key: string) => values[key] === true;
  const map = (key: string, parse: (v: string) => number) => {
    const value = text(key);
    return value === undefined ? undefined : parse(value);
  };

  const help = flag("help");
  const version = flag("version");
  if (!help && !version && parsed.positionals.length === 0) {
    throw new UsageError("the following arguments are required: command");
  }
  if (text("service-properties") !== undefined && !flag("manual")) {
    throw new UsageError("--service-properties only allowed with --manual");
  }

  const credentials = new Map<Protocol, string>();
  for (const p of PROTOCOL_NAMES) {
    const value = text(`${p}-credentials`);
    if (value !== undefined) credentials.set(parseProtocol(p), value);
  }
  const passwords = new Map<Protocol, string>();
  for (const p of PASSWORD_PROTOCOLS) {
    const value = text(`${p}-password`);
    if (value !== undefined) passwords.set(parseProtocol(p), value);
  }

  const protocolText = text("protocol");
  const hostsText = text("scan-hosts");
  const scanProtocolsText = text("scan-protocols");
  return {
    commands: parsed.positionals,
    help,
    version,
    id: text("id")?.split(","),
    name: text("name"),
    address: text("address"),
    protocol: protocolText === undefined ? undefined : parseProtocol(protocolText),
    port: map("port", (v) => parseIntInRange("--port", v, 0, 65535)) ?? 0,
    scanTimeout: map("scan-timeout", (v) => parseIntInRange("-t/--scan-timeout", v, 1, 100)) ?? 3,
    scanHosts: hostsText === undefined ? undefined : parseHosts(hostsText),
    scanProtocols: scanProtocolsText === undefined ? undefined : parseProtocols(scanProtocolsText),
    mdnsPort: map("mdns-port", (v) => parseIntInRange("--mdns-port", v, 1, 65536)),
    manual: flag("manual"),
    pin: text("pin"),
    remoteName: text("remote-name") ?? "atv",
    serviceProperties: text("service-properties"),
    credentials,
    passwords,
    verbose: flag("verbose"),
    debug: flag("debug"),
    mdnsDebug: flag("mdns-debug"),
  };
}
