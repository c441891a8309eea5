import { UsageError } from "@atv/cli";
import { AppleTV, PlainProperties, Service, type Storage, scan } from "@atv/core";
import type { RemoteOptions } from "./options.js";
import { scanOptions } from "./scan-command.js";

/**
 * The device to work with, as pyatv's atvremote finds it: by scan (filtered by --id or
 * --name; exactly one must match) or, with --manual, from --address/--port/--protocol/--id.
 * The scan puts what `storage` keeps for it on its services; credentials and passwords
 * from the command line go over those.
 */
export async function findDevice(
  options: RemoteOptions,
  storage: Storage,
): Promise<AppleTV | undefined> {
  const device = options.manual ? manualDevice(options) : await scannedDevice(options, storage);
  if (!device) return undefined;
  for (const [protocol, credentials] of options.credentials) {
    // An empty value unsets stored credentials (as pyatv's atvremote does).
    const service = device.getService(protocol);
    if (service) service.credentials = credentials === "" ? undefined : credentials;
  }
  for (const [protocol, password] of options.passwords) {
    const service = device.getService(protocol);
    if (service) service.password = password === "" ? undefined : password;
  }
  return device;
}

async function scannedDevice(
  options: RemoteOptions,
  storage: Storage,
): Promise<AppleTV | undefined> {
  const found = await scan({
    ...scanOptions(options),
    identifier: options.name ? undefined : options.id,
    storage,
  });
  const devices = options.name ? found.filter((d) => d.name === options.name) : found;
  if (found.length === 0) {
    process.stderr.write("Could not find any Apple TV on current network\n");
    return undefined;
  }
  if (devices.length === 0) {
    // pyatv fails here with an IndexError; say what was found instead.
    process.stderr.write(`Could not find a device named "${options.name}"; found:\n`);
    for (const d of found) process.stderr.write(` - ${d.name} (${d.address})\n`);
    return undefined;
  }
  if (devices.length > 1) {
    process.stderr.write("Found more than one Apple TV; specify one using --id\n");
    for (const d of devices) process.stderr.write(`${d}\n\n`);
    return undefined;
  }
  return devices[0];
}

function manualDevice(options: RemoteOptions): AppleTV {
  if (options.address === undefined || options.port === 0 || options.protocol === undefined) {
    throw new UsageError("You must specify address, port and protocol in manual mode");
  }
  if (options.id && options.id.length > 1) {
    throw new UsageError("--manual only supports one identifier to --id");
  }
  const device = new AppleTV({ address: options.address, name: options.name ?? options.address });
  device.addService(
    new Service({
      identifier: options.id?.[0],
      protocol: options.protocol,
      port: options.port,
      properties: new PlainProperties(serviceProperties(options.serviceProperties)),
    }),
  );
  return device;
}

/**
 * pyatv's --service-properties: "Xkey1=value1Xkey2=value2", where the first character X
 * separates the pairs (e.g. ":Name=Den:SystemBuildVersion=18M60").
 */
export function serviceProperties(text: string | undefined): Record<string, string> {
  if (!text) return {};
  const separator = text.charAt(0);
  const out: Record<string, string> = {};
  for (const pair of text.slice(1).split(separator)) {
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
