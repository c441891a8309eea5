import type { OpenedStorage } from "@atv/cli";
import { readLine } from "@atv/cli";
import type { AppleTV, PairDeviceOptions, Storage } from "@atv/core";
import { pair, protocolStr } from "@atv/core";
import { findDevice } from "./find-device.js";
import type { RemoteOptions } from "./options.js";

/**
 * pyatv's `atvremote pair`: exit 0 paired, 1 no protocol, 2 no device, 3 pairing failed.
 * The credentials are saved to the storage at once, and the file named.
 */
export async function pairCommand(options: RemoteOptions, opened: OpenedStorage): Promise<number> {
  if (options.protocol === undefined) {
    process.stderr.write("No protocol specified\n");
    return 1;
  }
  const { storage } = opened;
  const device = await findDevice(options, storage);
  if (!device) return 2;
  const pairing = pair(device, options.protocol, pairOptions(options, device, storage));
  try {
    await pairing.begin();
    if (pairing.deviceProvidesPin) {
      // Beyond pyatv: --pin answers for scripts; otherwise ask, as pyatv does.
      const pin = options.pin ?? (await readLine("Enter PIN on screen: "));
      if (pin === undefined) throw new Error("no PIN was entered");
      pairing.pin(pin);
    } else {
      // As pyatv: without --pin the remote accepts whatever PIN the user types.
      if (options.pin !== undefined) pairing.pin(options.pin);
      const pin = options.pin === undefined ? "any pin" : `pin ${options.pin}`;
      process.stdout.write(
        `Use ${pin} to pair with "${options.remoteName}" (press ENTER to stop)\n`,
      );
      await readLine("");
    }
    await pairing.finish();
    if (!pairing.hasPaired) {
      process.stdout.write("Pairing failed!\n");
      return 3;
    }
    process.stdout.write("Pairing seems to have succeeded, yey!\n");
    process.stdout.write(`You may now use these credentials: ${pairing.service.credentials}\n`);
    await storage.updateSettings(device);
    await storage.save();
    if (opened.file !== undefined) process.stdout.write(savedTo(opened.file));
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Pairing with ${protocolStr(options.protocol)} failed: ${reason}\n`);
    return 3;
  } finally {
    await pairing.close();
  }
}

/** How `pair` and `wizard` pair with `device`. */
export function pairOptions(
  options: RemoteOptions,
  device: AppleTV,
  storage: Storage,
): PairDeviceOptions {
  return {
    name: options.remoteName,
    storage,
    ...(options.pairingGuid !== undefined ? { pairingGuid: options.pairingGuid } : {}),
    // A DMAP remote announces itself to the responder the scan asked (a fake, a test),
    // else by multicast as pyatv does.
    ...(options.mdnsPort !== undefined
      ? { announceTo: [{ address: device.address, port: options.mdnsPort }] }
      : {}),
  };
}

/** Where pairing left the credentials (pyatv's docs: "saves settings and credentials"). */
export function savedTo(file: string): string {
  return `Settings and credentials were saved to ${file}\n`;
}
