import type { AbortOptions, InputAction, TouchAction, TouchGestures } from "@atv/interface";
import type { Relayer } from "./relayer.js";

/** Touch gestures, from the highest-priority protocol that has them (Companion). */
export function facadeTouch(relayer: Relayer): TouchGestures {
  return {
    swipe(startX, startY, endX, endY, durationMs, opts?: AbortOptions): Promise<void> {
      const swipe = relayer.relay("touch", "swipe") as TouchGestures["swipe"];
      return swipe(startX, startY, endX, endY, durationMs, opts);
    },
    action(x: number, y: number, mode: TouchAction, opts?: AbortOptions): Promise<void> {
      const action = relayer.relay("touch", "action") as TouchGestures["action"];
      return action(x, y, mode, opts);
    },
    click(action: InputAction, opts?: AbortOptions): Promise<void> {
      const click = relayer.relay("touch", "click") as TouchGestures["click"];
      return click(action, opts);
    },
  };
}
