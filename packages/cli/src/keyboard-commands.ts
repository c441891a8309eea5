// The keyboard commands of pyatv's atvremote (its Keyboard interface by snake_case name),
// shared by atvremote and atvscript.

import { enumName, type Keyboard, KeyboardFocusState } from "@atv/interface";
import type { CommandCall } from "./remote-commands.js";
import { UsageError } from "./usage-error.js";

type KeyboardCommand = (keyboard: Keyboard, text: string) => Promise<string | undefined>;

const KEYBOARD_COMMANDS: Readonly<Record<string, KeyboardCommand>> = {
  // A property in pyatv; printed as its enum member, "KeyboardFocusState.Focused".
  text_focus_state: async (keyboard) =>
    `KeyboardFocusState.${enumName(KeyboardFocusState, keyboard.textFocusState) ?? "Unknown"}`,
  text_get: (keyboard) => keyboard.textGet(),
  text_clear: async (keyboard) => {
    await keyboard.textClear();
    return undefined;
  },
  text_append: async (keyboard, text) => {
    await keyboard.textAppend(text);
    return undefined;
  },
  text_set: async (keyboard, text) => {
    await keyboard.textSet(text);
    return undefined;
  },
};

const TAKES_TEXT = new Set(["text_append", "text_set"]);

export function isKeyboardCommand(name: string): boolean {
  return Object.hasOwn(KEYBOARD_COMMANDS, name);
}

/**
 * Runs a keyboard command; resolves to what it prints (the text for text_get, nothing
 * when no keyboard is shown). Commas split arguments, so the text is joined back: pyatv
 * would fail on `text_set=a,b`, atv types "a,b".
 */
export async function runKeyboardCommand(
  keyboard: Keyboard,
  call: CommandCall,
): Promise<string | undefined> {
  const command = KEYBOARD_COMMANDS[call.name];
  if (command === undefined) throw new UsageError(`unknown command: ${call.name}`);
  const text = call.args.join(",");
  if (TAKES_TEXT.has(call.name) && call.args.length === 0) {
    throw new UsageError(`${call.name} needs the text to type, e.g. ${call.name}=hello`);
  }
  return command(keyboard, text);
}
