import { readLine } from "@atv/cli";
import { pair, protocolStr } from "@atv/core";
import { findDevice } from "./find-device.js";
import type { RemoteOptions } from "./options.js";

/** pyatv's `atvremote pair`: exit 0 paired, 1 no protocol or device, 3 pairing failed. */
export async function pairCommand(options: RemoteOptions): Promise<number> {
  if (options.protocol === undefined) {
    process.stderr.write("No protocol specified\n");
    return 1;
  }
  const device = await findDevice(options);
  if (!device) return 1;
  const pairing = pair(device, options.protocol, { name: options.remoteName });
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
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Pairing with ${protocolStr(options.protocol)} failed: ${reason}\n`);
    return 3;
  } finally {
    await pairing.close();
  }
}
