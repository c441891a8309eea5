import { parseArgs } from "node:util";
import { isIPv4, parseIntInRange, UsageError } from "@atv/cli";

export const PROFILES = ["tvos14", "tvos17", "atv3"] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface FakeOptions {
  help: boolean;
  version: boolean;
  address: string;
  mdnsPort: number;
  name: string | undefined;
  pin: string;
  profile: ProfileName;
}

export const USAGE = `usage: atvfake [-h] [--version] [--address ADDRESS] [--mdns-port PORT] [--name NAME]
               [--pin PIN] [--profile {${PROFILES.join(",")}}]`;

export const HELP = `${USAGE}

Runs a simulated Apple TV on this machine: its services, announced over mDNS.
Prints one JSON line when it is ready; SIGINT or SIGTERM stops it.

options:
  -h, --help         show this help message and exit
  --version          version of atvfake
  --address ADDRESS  address to serve and announce on (default: 127.0.0.1); on a
                     loopback address it answers unicast queries only
  --mdns-port PORT   mDNS port to answer on (default: 5353; 0 picks a free one)
  --name NAME        device name (default: the profile's)
  --pin PIN          PIN the device asks for when pairing (default: 1111)
  --profile PROFILE  device to simulate: ${PROFILES.join(", ")} (default: tvos14)
`;

export function parseFakeOptions(argv: readonly string[]): FakeOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
        address: { type: "string" },
        "mdns-port": { type: "string" },
        name: { type: "string" },
        pin: { type: "string" },
        profile: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const text = (key: string) => {
    const value = values[key];
    return typeof value === "string" ? value : undefined;
  };
  const address = text("address") ?? "127.0.0.1";
  if (!isIPv4(address))
    throw new UsageError(`argument --address: invalid IPv4 address '${address}'`);
  const pin = text("pin") ?? "1111";
  if (!/^\d{1,4}$/.test(pin)) throw new UsageError("argument --pin: must be 1 to 4 digits");
  const profile = text("profile") ?? "tvos14";
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(
      `argument --profile: invalid choice: '${profile}' (choose from ${PROFILES.join(", ")})`,
    );
  }
  const mdnsPort = text("mdns-port");
  return {
    help: values.help === true,
    version: values.version === true,
    address,
    mdnsPort: mdnsPort === undefined ? 5353 : parseIntInRange("--mdns-port", mdnsPort, 0, 65536),
    name: text("name"),
    pin,
    profile: profile as ProfileName,
  };
}
