// HID usage page and usage of each remote key MRP sends (pyatv's protocols/mrp/__init__.py,
// after https://github.com/Daij-Djan/DDHidLib/blob/master/usb_hid_usages.txt). Names are
// pyatv's command names, as the CLIs spell them.

export interface HidKey {
  readonly usagePage: number;
  readonly usage: number;
}

export const HID_KEYS = {
  up: { usagePage: 1, usage: 0x8c },
  down: { usagePage: 1, usage: 0x8d },
  left: { usagePage: 1, usage: 0x8b },
  right: { usagePage: 1, usage: 0x8a },
  stop: { usagePage: 12, usage: 0xb7 },
  next: { usagePage: 12, usage: 0xb5 },
  previous: { usagePage: 12, usage: 0xb6 },
  select: { usagePage: 1, usage: 0x89 },
  menu: { usagePage: 1, usage: 0x86 },
  top_menu: { usagePage: 12, usage: 0x60 },
  home: { usagePage: 12, usage: 0x40 },
  suspend: { usagePage: 1, usage: 0x82 },
  wakeup: { usagePage: 1, usage: 0x83 },
  volume_up: { usagePage: 12, usage: 0xe9 },
  volume_down: { usagePage: 12, usage: 0xea },
} as const satisfies Record<string, HidKey>;

export type HidKeyName = keyof typeof HID_KEYS;

/** How long a key is held down for InputAction.Hold (pyatv: one second). */
export const HOLD_DURATION = 1000;

const NAMES = new Map<number, HidKeyName>(
  (Object.entries(HID_KEYS) as [HidKeyName, HidKey][]).map(([name, key]) => [
    key.usagePage * 0x10000 + key.usage,
    name,
  ]),
);

/** The key name of a usage page and usage, or undefined for a key MRP does not use. */
export function hidKeyName(usagePage: number, usage: number): HidKeyName | undefined {
  return NAMES.get(usagePage * 0x10000 + usage);
}
