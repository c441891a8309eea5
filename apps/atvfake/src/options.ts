import { isIPv4 } from "node:net";
import {
  type CommandLine,
  type OptionSpecs,
  parseCommandLine,
  parseIntInRange,
  UsageError,
} from "@atv/cli";
import { FAKE_PROFILES, type FakeProfile } from "@atv/core/fake";
import { Protocol } from "@atv/interface";

export interface FakeOptions {
  help: boolean;
  version: boolean;
  address: string;
  mdnsPort: number;
  /** A fixed port per protocol's server; those not given take any free port. */
  ports: Partial<Record<Protocol, number>>;
  name: string | undefined;
  pin: string;
  profile: FakeProfile;
  requirePairing: boolean;
  static: boolean;
  /** Where it keeps its paired clients; undefined: the default for its identity. */
  stateFile: string | undefined;
}

export const USAGE = `usage: atvfake [-h] [--version] [--address ADDRESS] [--mdns-port PORT]
               [--mrp-port PORT] [--airplay-port PORT] [--companion-port PORT]
               [--raop-port PORT] [--dmap-port PORT] [--name NAME] [--pin PIN]
               [--profile {${FAKE_PROFILES.join(",")}}] [--require-pairing] [--static]
               [--state-file PATH]`;

export const HELP = `${USAGE}

Runs a simulated Apple TV on this machine: its services, announced over mDNS.
Prints one JSON line when it is ready and one per command or button it receives;
What it plays changes every 3 seconds: a video, a song, nothing (unless --static).
SIGINT or SIGTERM stops it.

options:
  -h, --help         show this help message and exit
  --version          version of atvfake
  --address ADDRESS  address to serve and announce on (default: 127.0.0.1); on a
                     loopback address it answers unicast queries only
  --mdns-port PORT   mDNS port to answer on (default: 5353; 0 picks a free one)
  --mrp-port PORT, --airplay-port PORT, --companion-port PORT, --raop-port PORT,
  --dmap-port PORT   port of that protocol's server (default: 0, a free one); fixed
                     ports bring a restarted fake back where clients found it
  --name NAME        device name (default: the profile's)
  --pin PIN          PIN the device asks for when pairing (default: 1111)
  --profile PROFILE  device to simulate: ${FAKE_PROFILES.join(", ")} (default: tvos17)
  --require-pairing  refuse unpaired (unencrypted) MRP sessions, as few devices do
  --state-file PATH  file that keeps the clients paired with it across restarts
                     (default: $XDG_STATE_HOME/atvfake/<MAC>.json, else
                     ~/.local/state/atvfake/<MAC>.json)
  --static           keep playing the example video instead of cycling through
                     video, music and nothing playing
`;

const OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  address: { type: "string" },
  "mdns-port": { type: "string" },
  "mrp-port": { type: "string" },
  "airplay-port": { type: "string" },
  "companion-port": { type: "string" },
  "raop-port": { type: "string" },
  "dmap-port": { type: "string" },
  name: { type: "string" },
  pin: { type: "string" },
  profile: { type: "string" },
  "require-pairing": { type: "boolean" },
  static: { type: "boolean" },
  "state-file": { type: "string" },
};

export function parseFakeOptions(argv: readonly string[]): FakeOptions {
  const cmd = parseCommandLine(argv, OPTIONS, { allowPositionals: false });
  const address = cmd.text("address") ?? "127.0.0.1";
  if (!isIPv4(address)) {
    throw new UsageError(`argument --address: invalid IPv4 address '${address}'`);
  }
  const pin = cmd.text("pin") ?? "1111";
  if (!/^\d{1,4}$/.test(pin)) throw new UsageError("argument --pin: must be 1 to 4 digits");
  const profile = cmd.text("profile") ?? "tvos17";
  if (!isFakeProfile(profile)) {
    throw new UsageError(
      `argument --profile: invalid choice: '${profile}' (choose from ${FAKE_PROFILES.join(", ")})`,
    );
  }
  return {
    help: cmd.flag("help"),
    version: cmd.flag("version"),
    address,
    mdnsPort: cmd.value("mdns-port", (v) => parseIntInRange("--mdns-port", v, 0, 65536)) ?? 5353,
    ports: protocolPorts(cmd),
    name: cmd.text("name"),
    pin,
    profile,
    requirePairing: cmd.flag("require-pairing"),
    static: cmd.flag("static"),
    stateFile: cmd.text("state-file"),
  };
}

/** The options that fix a protocol's port. */
const PORT_OPTIONS = [
  ["mrp-port", Protocol.MRP],
  ["airplay-port", Protocol.AirPlay],
  ["companion-port", Protocol.Companion],
  ["raop-port", Protocol.RAOP],
  ["dmap-port", Protocol.DMAP],
] as const;

function protocolPorts(cmd: CommandLine): Partial<Record<Protocol, number>> {
  const ports: Partial<Record<Protocol, number>> = {};
  for (const [option, protocol] of PORT_OPTIONS) {
    const port = cmd.value(option, (v) => parseIntInRange(`--${option}`, v, 0, 65536));
    if (port !== undefined) ports[protocol] = port;
  }
  return ports;
}

function isFakeProfile(name: string): name is FakeProfile {
  return (FAKE_PROFILES as readonly string[]).includes(name);
}
