// What a remote's controlpromptentry says (the cmbe string): a key by name, or one point
// of a swipe on the remote's touch pad. Pure. Formats per pyatv's DmapRemoteControl:
// "select", "menu", "topmenu" (with cmcc 0), and for arrows seven or so
// "touchDown|touchMove|touchUp&time=N&point=X,Y" strings (with cmcc 0x30).

export type DmapPromptInput =
  | { readonly kind: "key"; readonly name: string }
  | {
      readonly kind: "touch";
      readonly phase: "down" | "move" | "up";
      readonly time: number;
      readonly x: number;
      readonly y: number;
    }
  | { readonly kind: "unknown" };

/** Keys sent by name, and the CLI's names for them. */
const KEYS: ReadonlyMap<string, string> = new Map([
  ["select", "select"],
  ["menu", "menu"],
  ["topmenu", "top_menu"],
]);

/** A swipe shorter than this on both axes is a tap, which selects. */
const TAP_DISTANCE = 10;

const TOUCH = /^touch(Down|Move|Up)&time=(\d{1,9})&point=(-?\d{1,6}),(-?\d{1,6})$/;

export function parsePrompt(cmbe: string): DmapPromptInput {
  const key = KEYS.get(cmbe);
  if (key !== undefined) return { kind: "key", name: key };
  const touch = TOUCH.exec(cmbe);
  if (touch === null) return { kind: "unknown" };
  const [, phase = "", time = "0", x = "0", y = "0"] = touch;
  return {
    kind: "touch",
    phase: phase.toLowerCase() as "down" | "move" | "up",
    time: Number(time),
    x: Number(x),
    y: Number(y),
  };
}

/**
 * The arrow a swipe from `start` to `end` means (y grows downwards, as on the touch pad);
 * a tap selects.
 */
export function swipeKey(
  start: { readonly x: number; readonly y: number },
  end: { readonly x: number; readonly y: number },
): string {
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  if (Math.abs(dx) < TAP_DISTANCE && Math.abs(dy) < TAP_DISTANCE) return "select";
  if (Math.abs(dy) >= Math.abs(dx)) return dy < 0 ? "up" : "down";
  return dx < 0 ? "left" : "right";
}
