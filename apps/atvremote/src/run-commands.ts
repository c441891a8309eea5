import {
  LineReader,
  type OpenedStorage,
  openStorage,
  parseCommandCall,
  streamLogger,
} from "@atv/cli";
import { type AppleTV, connect, enumName, PowerState, type Storage } from "@atv/core";
import { formatCommandList, helpCommand } from "./command-catalog.js";
import { findDevice } from "./find-device.js";
import type { RemoteOptions } from "./options.js";
import { pairCommand } from "./pair-command.js";
import { scanCommand } from "./scan-command.js";
import { type DeviceSession, isSessionCommand, runSessionCommand } from "./session-command.js";
import { wizardCommand } from "./wizard-command.js";

const write = (text: string) => void process.stdout.write(text);

/**
 * pyatv spells "all features" and "help for pair" as two words (`features all`, `help
 * pair`); the second word becomes the first's argument.
 */
function withSecondWords(commands: readonly string[]): string[] {
  const result: string[] = [];
  for (const command of commands) {
    const previous = result.at(-1);
    if (command === "all" && previous === "features") result[result.length - 1] = "features=all";
    else if (previous === "help") result[result.length - 1] = `help=${command}`;
    else result.push(command);
  }
  return result;
}

/**
 * Loads the storage, runs the commands and saves the storage, whatever happened (as
 * pyatv). Global commands need no connection; the others run, in order, on the device
 * found, over one connection.
 */
export async function runCommands(options: RemoteOptions): Promise<number> {
  const opened = await openStorage(options.storage);
  try {
    return await dispatch(options, opened);
  } finally {
    await opened.storage.save();
  }
}

async function dispatch(options: RemoteOptions, opened: OpenedStorage): Promise<number> {
  const commands = withSecondWords(options.commands);
  const first = parseCommandCall(commands[0] ?? "");
  switch (first.name) {
    case "scan":
      return scanCommand(options, opened.storage);
    case "pair":
      return pairCommand(options, opened);
    case "wizard": {
      const lines = new LineReader();
      try {
        return await wizardCommand(options, opened, lines);
      } finally {
        lines.close();
      }
    }
    case "commands":
      write(formatCommandList());
      return 0;
    case "help": {
      const { output, code } = helpCommand(first.args.join(","));
      (code === 0 ? process.stdout : process.stderr).write(output);
      return code;
    }
  }

  for (const text of commands) {
    const { name } = parseCommandCall(text);
    if (!isSessionCommand(name)) {
      process.stderr.write(`Unknown command: ${name}\n`);
      return 1;
    }
  }
  const device = await findDevice(options, opened.storage);
  if (!device) return 1;
  const atv = await connectStoring(device, opened.storage, options);
  // pyatv's atvremote tells of power changes while its commands run.
  atv.power.listener = {
    powerstateUpdate: (_, state) =>
      write(`New power state: ${enumName(PowerState, state) ?? "Unknown"}\n`),
  };
  const session: DeviceSession = {
    atv,
    device,
    storage: opened.storage,
    cwd: process.cwd(),
    write,
  };
  try {
    for (const text of commands) {
      const code = await runSessionCommand(session, text);
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    await atv.close();
  }
}

/**
 * Connects with the stored settings. Credentials and passwords given on the command line
 * go into the storage first, so they win over stored ones and are kept (pyatv's way of
 * importing them), unless the connection fails: then the stored ones are put back, so a
 * mistyped value is not kept.
 */
async function connectStoring(device: AppleTV, storage: Storage, options: RemoteOptions) {
  const connectOptions = {
    storage,
    logger: options.debug ? streamLogger("atv.connect") : undefined,
  };
  const given = options.credentials.size > 0 || options.passwords.size > 0;
  if (!given || device.identifier === undefined) return connect(device, connectOptions);
  const settings = await storage.getSettings(device);
  const before = structuredClone(settings.protocols);
  await storage.updateSettings(device);
  try {
    return await connect(device, connectOptions);
  } catch (error) {
    settings.protocols = before;
    throw error;
  }
}
