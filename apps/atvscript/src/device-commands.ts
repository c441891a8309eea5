// Commands atvscript runs beyond pyatv's (which has only playing, push_updates and the
// remote-control buttons): keyboard, touch, power, apps, accounts and streaming, each answered with
// one JSON object in pyatv's shape ({"result": "success", ...values}).

import {
  type CommandCall,
  isKeyboardCommand,
  isTouchCommand,
  runKeyboardCommand,
  runTouchCommand,
  UsageError,
} from "@atv/cli";
import { enumName, type FacadeAppleTV, KeyboardFocusState, PowerState } from "@atv/core";

type Values = Record<string, unknown>;
type ScriptCommand = (atv: FacadeAppleTV, call: CommandCall) => Promise<Values>;

const SCRIPT_COMMANDS: Readonly<Record<string, ScriptCommand>> = {
  power_state: async (atv) => ({ power_state: lowerName(PowerState, atv.power.powerState) }),
  turn_on: async (atv, call) => {
    await atv.power.turnOn();
    return { command: call.name };
  },
  turn_off: async (atv, call) => {
    await atv.power.turnOff();
    return { command: call.name };
  },
  // Audio streamed over RAOP from a file, an http(s) URL or "-" (standard input); the
  // answer comes when it has been played.
  stream_file: async (atv, call) => {
    const source = call.args.join(",");
    if (source === "") {
      throw new UsageError("stream_file needs a file, a URL or - for standard input");
    }
    await atv.stream.streamFile(source);
    return { command: call.name };
  },
  app_list: async (atv) => ({
    apps: (await atv.apps.appList()).map((app) => ({
      name: app.name ?? null,
      identifier: app.identifier,
    })),
  }),
  launch_app: async (atv, call) => {
    const target = call.args.join(",");
    if (target === "") throw new UsageError("launch_app needs a bundle id or a URL");
    await atv.apps.launchApp(target);
    return { command: call.name };
  },
  account_list: async (atv) => ({
    accounts: (await atv.userAccounts.accountList()).map((account) => ({
      name: account.name,
      identifier: account.identifier,
    })),
  }),
  switch_account: async (atv, call) => {
    const [id] = call.args;
    if (id === undefined || id === "") throw new UsageError("switch_account needs an account id");
    await atv.userAccounts.switchAccount(id);
    return { command: call.name };
  },
};

export function isScriptDeviceCommand(name: string): boolean {
  return Object.hasOwn(SCRIPT_COMMANDS, name) || isKeyboardCommand(name) || isTouchCommand(name);
}

/** Runs one of the commands above; resolves to the values of its JSON line. */
export async function runScriptDeviceCommand(
  atv: FacadeAppleTV,
  call: CommandCall,
): Promise<Values> {
  if (isKeyboardCommand(call.name)) {
    if (call.name === "text_focus_state") {
      return { focus_state: lowerName(KeyboardFocusState, atv.keyboard.textFocusState) };
    }
    const text = await runKeyboardCommand(atv.keyboard, call);
    // text_get answers null when no keyboard is shown, as pyatv's API returns None.
    return call.name === "text_get" ? { text: text ?? null } : { command: call.name };
  }
  if (isTouchCommand(call.name)) {
    await runTouchCommand(atv.touch, call);
    return { command: call.name };
  }
  const command = SCRIPT_COMMANDS[call.name];
  if (command === undefined) throw new UsageError(`unknown command: ${call.name}`);
  return command(atv, call);
}

/** pyatv's lower-case member name ("on", "focused"), "unknown" for anything else. */
export function lowerName(e: Readonly<Record<string, number>>, value: number): string {
  return (enumName(e, value) ?? "Unknown").toLowerCase();
}
