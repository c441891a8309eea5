// The touch commands of pyatv's atvremote (its TouchGestures interface), shared by
// atvremote and atvscript: swipe=startX,startY,endX,endY,ms, action=x,y,mode, click=action.

import { InputAction, TouchAction, type TouchGestures } from "@atv/interface";
import { parseEnumArg, parseNumberArg } from "./command-args.js";
import type { CommandCall } from "./remote-commands.js";
import { UsageError } from "./usage-error.js";

/** The touchpad pyatv uses is 1000 × 1000. */
const TOUCHPAD_SIZE = 1000;

const USAGE: Readonly<Record<string, string>> = {
  swipe: "swipe=START_X,START_Y,END_X,END_Y,DURATION_MS (coordinates 0-1000)",
  action: "action=X,Y,MODE (coordinates 0-1000; MODE 1 press, 3 hold, 4 release, 5 click)",
  click: "click=ACTION (0 single tap, 1 double tap, 2 hold)",
};

export function isTouchCommand(name: string): boolean {
  return Object.hasOwn(USAGE, name);
}

export async function runTouchCommand(touch: TouchGestures, call: CommandCall): Promise<void> {
  const usage = USAGE[call.name];
  if (usage === undefined) throw new UsageError(`unknown command: ${call.name}`);
  const args = call.args;
  const expected = { swipe: 5, action: 3, click: 1 }[call.name as "swipe" | "action" | "click"];
  if (args.length !== expected) throw new UsageError(`usage: ${usage}`);
  const coordinate = (text: string) => {
    const value = parseNumberArg(text, call.name, { min: 0 });
    if (value > TOUCHPAD_SIZE) {
      throw new UsageError(`${call.name}: ${text} is off the touchpad (0-${TOUCHPAD_SIZE})`);
    }
    return value;
  };
  switch (call.name) {
    case "swipe": {
      const [startX, startY, endX, endY] = args.slice(0, 4).map(coordinate) as [
        number,
        number,
        number,
        number,
      ];
      const duration = parseNumberArg(args[4] as string, call.name, { min: 0 });
      return touch.swipe(startX, startY, endX, endY, duration);
    }
    case "action": {
      const [x, y] = args.slice(0, 2).map(coordinate) as [number, number];
      return touch.action(x, y, parseEnumArg(TouchAction, args[2] as string, call.name));
    }
    default:
      return touch.click(parseEnumArg(InputAction, args[0] as string, call.name));
  }
}
