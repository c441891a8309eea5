import type { OpenedStorage } from "@atv/cli";
import { readLine } from "@atv/cli";
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
  const pairing = pair(device, options.protocol, { name: options.remoteName, storage });
  try {
    await pairing.begin();
    if (pairing.deviceProvidesPin) {
      // Beyond pyatv: --pin answers for scripts; otherwise ask, as pyatv does.
      const pin = options.pin ?? (await readLine("Enter PIN on screen: "));
      if (pin === undefined) throw new Error("no PIN was entered");
      pairing.pin(pin);
    } else {
      const pin = options.pin ?? "1234";
      pairing.pin(pin);
      process.stdout.write(
        `Use pin ${pin} to pair with "${options.remoteName}" (press ENTER to stop)\n`,
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

/** Where pairing left the credentials (pyatv's docs: "saves settings and credentials"). */
export function savedTo(file: string): string {
  return `Settings and credentials were saved to ${file}\n`;
}
