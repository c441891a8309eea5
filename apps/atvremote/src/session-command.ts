import { setTimeout as sleep } from "node:timers/promises";
import {
  isKeyboardCommand,
  isRemoteControlCommand,
  isTouchCommand,
  LineReader,
  parseCommandCall,
  parseNumberArg,
  runKeyboardCommand,
  runRemoteControlCommand,
  runTouchCommand,
  UsageError,
} from "@atv/cli";
import {
  type AppleTV,
  AtvError,
  type FacadeAppleTV,
  NotSupportedError,
  type Storage,
} from "@atv/core";
import { completeCommand, runShell } from "./cli-shell.js";
import { isDeviceCommand, runDeviceCommand } from "./device-commands.js";
import { pushUpdatesCommand } from "./push-updates-command.js";
import { isSettingsCommand, runSettingsCommand } from "./settings-commands.js";

/** One connection to a device, and what its commands need around it. */
export interface DeviceSession {
  readonly atv: FacadeAppleTV;
  readonly device: AppleTV;
  readonly storage: Storage;
  readonly cwd: string;
  readonly write: (text: string) => void;
  /** Set while the interactive shell reads standard input: push_updates stops on its Enter. */
  lines?: LineReader;
}

const SESSION_COMMANDS = new Set(["push_updates", "delay", "cli"]);

/** Whether `name` runs on a connected device (as opposed to scan, pair, wizard, ...). */
export function isSessionCommand(name: string): boolean {
  return (
    SESSION_COMMANDS.has(name) ||
    isRemoteControlCommand(name) ||
    isDeviceCommand(name) ||
    isSettingsCommand(name) ||
    isKeyboardCommand(name) ||
    isTouchCommand(name)
  );
}

/**
 * Runs one command ("set_position=10") on the session, printing what it prints; resolves
 * to its exit code. Failures of the device are reported here, as pyatv reports them; a
 * bad command line throws UsageError.
 */
export async function runSessionCommand(session: DeviceSession, text: string): Promise<number> {
  const call = parseCommandCall(text);
  const { atv, write } = session;
  try {
    switch (call.name) {
      case "push_updates":
        return await pushUpdatesCommand(
          atv,
          write,
          session.lines ? stopOnLine(session.lines) : undefined,
        );
      case "delay": {
        const [ms] = call.args;
        if (ms === undefined) throw new UsageError("delay needs milliseconds, e.g. delay=1000");
        await sleep(parseNumberArg(ms, "delay", { min: 0 }));
        return 0;
      }
      case "cli":
        return await shell(session);
    }
    if (isDeviceCommand(call.name)) {
      const result = await runDeviceCommand({ atv, cwd: session.cwd }, call);
      if (result.output) write(`${result.output}\n`);
      return result.code;
    }
    if (isSettingsCommand(call.name)) {
      const settings = await session.storage.getSettings(session.device);
      const output = await runSettingsCommand(session.storage, settings, call);
      if (output) write(`${output}\n`);
      return 0;
    }
    if (isKeyboardCommand(call.name)) {
      const output = await runKeyboardCommand(atv.keyboard, call);
      if (output !== undefined) write(`${output}\n`);
      return 0;
    }
    if (isTouchCommand(call.name)) {
      await runTouchCommand(atv.touch, call);
      return 0;
    }
    if (isRemoteControlCommand(call.name)) {
      await runRemoteControlCommand(atv.remoteControl, call);
      return 0;
    }
    process.stderr.write(`Unknown command: ${call.name}\n`);
    return 1;
  } catch (error) {
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

async function shell(session: DeviceSession): Promise<number> {
  const lines = new LineReader({ completer: completeCommand, historySize: 100 });
  session.lines = lines;
  try {
    return await runShell(lines, (text) => runSessionCommand(session, text), session.write);
  } finally {
    session.lines = undefined;
    lines.close();
  }
}

/** In the shell, push updates stop on the next line read (Enter), or when interrupted. */
function stopOnLine(lines: LineReader): (signal: AbortSignal) => Promise<void> {
  return (signal) =>
    new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      void lines.question("").then(done);
    });
}
