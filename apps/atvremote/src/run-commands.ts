import { streamLogger } from "@atv/cli";
import { scan } from "@atv/core";
import type { AppleTV } from "@atv/interface";
import type { RemoteOptions } from "./options.js";

/** Global commands need no device; everything else runs against the device found. */
export async function runCommands(options: RemoteOptions): Promise<number> {
  const [command] = options.commands;
  if (command === "scan") return scanCommand(options);
  process.stderr.write(`atvremote: unknown command: ${command}\n`);
  return 1;
}

async function scanCommand(options: RemoteOptions): Promise<number> {
  const devices = await scan({
    hosts: options.scanHosts,
    timeout: options.scanTimeout * 1000,
    protocol: options.scanProtocols,
    identifier: options.id,
    mdnsPort: options.mdnsPort,
    logger: options.debug || options.mdnsDebug ? streamLogger("atv.scan") : undefined,
  });
  process.stdout.write(formatScanResults(devices));
  return 0;
}

/** pyatv's scan layout: a header, then each device followed by a blank line. */
export function formatScanResults(devices: readonly AppleTV[]): string {
  return `Scan Results\n${"=".repeat(40)}\n${devices.map((d) => `${d}\n\n`).join("")}`;
}
