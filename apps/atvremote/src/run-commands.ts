import {
  isRemoteControlCommand,
  parseCommandCall,
  runRemoteControlCommand,
  streamLogger,
  UsageError,
} from "@atv/cli";
import { AtvError, connect, NotSupportedError } from "@atv/core";
import { findDevice } from "./find-device.js";
import { isNowPlayingCommand, runNowPlayingCommand } from "./now-playing-commands.js";
import type { RemoteOptions } from "./options.js";
import { pairCommand } from "./pair-command.js";
import { pushUpdatesCommand } from "./push-updates-command.js";
import { scanCommand } from "./scan-command.js";

const PUSH_UPDATES = "push_updates";

/** Global commands need no connection; the others run, in order, on the device found. */
export async function runCommands(options: RemoteOptions): Promise<number> {
  const [first] = options.commands;
  if (first === "scan") return scanCommand(options);
  if (first === "pair") return pairCommand(options);

  for (const text of options.commands) {
    const { name } = parseCommandCall(text);
    if (!isRemoteControlCommand(name) && !isNowPlayingCommand(name) && name !== PUSH_UPDATES) {
      process.stderr.write(`Unknown command: ${name}\n`);
      return 1;
    }
  }
  const device = await findDevice(options);
  if (!device) return 1;
  const atv = await connect(device, {
    logger: options.debug ? streamLogger("atv.connect") : undefined,
  });
  try {
    for (const text of options.commands) {
      const call = parseCommandCall(text);
      try {
        if (call.name === PUSH_UPDATES) {
          const code = await pushUpdatesCommand(atv, (text) => process.stdout.write(text));
          if (code !== 0) return code;
          continue;
        }
        if (isNowPlayingCommand(call.name)) {
          const text = await runNowPlayingCommand(atv, call.name);
          if (text) process.stdout.write(`${text}\n`);
          continue;
        }
        await runRemoteControlCommand(atv.remoteControl, call);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        if (error instanceof NotSupportedError) {
          process.stderr.write(`Command '${call.name}' is not supported by device\n`);
          return 1;
        }
        if (error instanceof AtvError) {
          process.stderr.write(`Command '${call.name}' failed: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
    }
    return 0;
  } finally {
    await atv.close();
  }
}
