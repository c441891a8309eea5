import {
  isKeyboardCommand,
  isRemoteControlCommand,
  isTouchCommand,
  parseCommandCall,
  runKeyboardCommand,
  runRemoteControlCommand,
  runTouchCommand,
  streamLogger,
  UsageError,
} from "@atv/cli";
import { AtvError, connect, enumName, NotSupportedError, PowerState } from "@atv/core";
import { isDeviceCommand, runDeviceCommand } from "./device-commands.js";
import { findDevice } from "./find-device.js";
import type { RemoteOptions } from "./options.js";
import { pairCommand } from "./pair-command.js";
import { pushUpdatesCommand } from "./push-updates-command.js";
import { scanCommand } from "./scan-command.js";

const PUSH_UPDATES = "push_updates";

/** pyatv spells "all features" as two words, `features all`; also accept `features=all`. */
function withFeaturesAll(commands: readonly string[]): string[] {
  const result: string[] = [];
  for (const command of commands) {
    if (command === "all" && result.at(-1) === "features")
      result[result.length - 1] = "features=all";
    else result.push(command);
  }
  return result;
}

function isKnownCommand(name: string): boolean {
  return (
    name === PUSH_UPDATES ||
    isRemoteControlCommand(name) ||
    isDeviceCommand(name) ||
    isKeyboardCommand(name) ||
    isTouchCommand(name)
  );
}

/** Global commands need no connection; the others run, in order, on the device found. */
export async function runCommands(options: RemoteOptions): Promise<number> {
  const [first] = options.commands;
  if (first === "scan") return scanCommand(options);
  if (first === "pair") return pairCommand(options);

  const commands = withFeaturesAll(options.commands);
  for (const text of commands) {
    const { name } = parseCommandCall(text);
    if (!isKnownCommand(name)) {
      process.stderr.write(`Unknown command: ${name}\n`);
      return 1;
    }
  }
  const device = await findDevice(options);
  if (!device) return 1;
  const atv = await connect(device, {
    logger: options.debug ? streamLogger("atv.connect") : undefined,
  });
  // pyatv's atvremote tells of power changes while its commands run.
  atv.power.listener = {
    powerstateUpdate: (_, state) =>
      process.stdout.write(`New power state: ${enumName(PowerState, state) ?? "Unknown"}\n`),
  };
  try {
    for (const text of commands) {
      const call = parseCommandCall(text);
      try {
        if (call.name === PUSH_UPDATES) {
          const code = await pushUpdatesCommand(atv, (text) => process.stdout.write(text));
          if (code !== 0) return code;
          continue;
        }
        if (isDeviceCommand(call.name)) {
          const result = await runDeviceCommand({ atv, cwd: process.cwd() }, call);
          if (result.output) process.stdout.write(`${result.output}\n`);
          if (result.code !== 0) return result.code;
          continue;
        }
        if (isKeyboardCommand(call.name)) {
          const output = await runKeyboardCommand(atv.keyboard, call);
          if (output !== undefined) process.stdout.write(`${output}\n`);
          continue;
        }
        if (isTouchCommand(call.name)) {
          await runTouchCommand(atv.touch, call);
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
