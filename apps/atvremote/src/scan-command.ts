import { streamLogger } from "@atv/cli";
import { type AppleTV, type ScanOptions, type Storage, scan } from "@atv/core";
import type { RemoteOptions } from "./options.js";

export function scanOptions(options: RemoteOptions): ScanOptions {
  return {
    hosts: options.scanHosts,
    timeout: options.scanTimeout * 1000,
    protocol: options.scanProtocols,
    mdnsPort: options.mdnsPort,
    logger: options.debug || options.mdnsDebug ? streamLogger("atv.scan") : undefined,
  };
}

export async function scanCommand(options: RemoteOptions, storage: Storage): Promise<number> {
  const devices = await scan({ ...scanOptions(options), identifier: options.id, storage });
  process.stdout.write(formatScanResults(devices));
  return 0;
}

/** pyatv's scan layout: a header, then each device followed by a blank line. */
export function formatScanResults(devices: readonly AppleTV[]): string {
  return `Scan Results\n${"=".repeat(40)}\n${devices.map((d) => `${d}\n\n`).join("")}`;
}
