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
}

export const USAGE = `usage: atvscript [-h] [--version] [-i ID] [--protocol PROTOCOL] [-s SCAN_HOSTS]
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

credentials:
${PROTOCOL_NAMES.map((p) => `  --${p}-credentials CREDENTIALS\n                        credentials for ${p}`).join("\n")}
`;

type OptionSpec = { type: "string" | "boolean"; short?: string };

const OPTIONS: Record<string, OptionSpec> = {
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
  storage: { type: "string" },
  "storage-filename": { type: "string" },
  ...Object.fromEntries(PROTOCOL_NAMES.map((p) => [`${p}-credentials`, { type: "string" }])),
};

export function parseScriptOptions(argv: readonly string[]): ScriptOptions {
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
  const help = values.help === true;
  const version = values.version === true;
  if (!help && !version && parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length === 0
        ? "the following arguments are required: command"
        : `unrecognized arguments: ${parsed.positionals.slice(1).join(" ")}`,
    );
  }
  const output = text("output");
  if (output !== undefined && output !== "json") {
    throw new UsageError("Valid formats are: json");
  }
  const credentials = new Map<Protocol, string>();
  for (const p of PROTOCOL_NAMES) {
    const value = text(`${p}-credentials`);
    if (value !== undefined) credentials.set(parseProtocol(p), value);
  }
  const protocolText = text("protocol");
  const hostsText = text("scan-hosts");
  const scanProtocolsText = text("scan-protocols");
  const timeoutText = text("scan-timeout");
  const mdnsPortText = text("mdns-port");
  return {
    command: parsed.positionals[0],
    help,
    version,
    id: text("id")?.split(","),
    protocol: protocolText === undefined ? undefined : parseProtocol(protocolText),
    scanHosts: hostsText === undefined ? undefined : parseHosts(hostsText),
    scanProtocols: scanProtocolsText === undefined ? undefined : parseProtocols(scanProtocolsText),
    scanTimeout:
      timeoutText === undefined ? 5 : parseIntInRange("-t/--scan-timeout", timeoutText, 1, 100),
    mdnsPort:
      mdnsPortText === undefined
        ? undefined
        : parseIntInRange("--mdns-port", mdnsPortText, 1, 65536),
    debug: values.debug === true,
    credentials,
  };
}
