// The hidEventData of a SEND_HID_EVENT_MESSAGE: a raw IOHIDEvent keyboard event.
// Only usage page, usage and the key-down flag vary; pyatv sends the rest as fixed
// bytes that devices accept (pyatv/protocols/mrp/messages.py, send_hid_event), and so
// do we. The first eight bytes are a mach absolute time the device does not check.

const PREFIX = hex(
  "438922cf08020000" + "0000000000000000010000000000000002000000200000000300000001000000000000",
);
const SUFFIX = hex("0000000000000001000000");
const FIELDS_LENGTH = 6;

/** Total length of the event data: prefix, three 16-bit fields, suffix. */
export const HID_EVENT_DATA_LENGTH = PREFIX.length + FIELDS_LENGTH + SUFFIX.length;

export interface HidEvent {
  usagePage: number;
  usage: number;
  /** True for a press, false for a release. */
  down: boolean;
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "hex"));
}

function checkUint16(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`HID ${name} must be an integer from 0 to 65535, got ${value}`);
  }
}

/** Event data for one key press or release. */
export function encodeHidEvent({ usagePage, usage, down }: HidEvent): Uint8Array {
  checkUint16("usage page", usagePage);
  checkUint16("usage", usage);
  const data = new Uint8Array(HID_EVENT_DATA_LENGTH);
  data.set(PREFIX, 0);
  const view = new DataView(data.buffer);
  view.setUint16(PREFIX.length, usagePage);
  view.setUint16(PREFIX.length + 2, usage);
  view.setUint16(PREFIX.length + 4, down ? 1 : 0);
  data.set(SUFFIX, PREFIX.length + FIELDS_LENGTH);
  return data;
}

/**
 * Reads usage page, usage and key state back from event data in the layout above
 * (what a fake device needs); undefined when the data is too short to hold them.
 * The other bytes are not checked, as pyatv's fake device does not check them.
 */
export function decodeHidEvent(data: Uint8Array): HidEvent | undefined {
  if (data.length < PREFIX.length + FIELDS_LENGTH) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    usagePage: view.getUint16(PREFIX.length),
    usage: view.getUint16(PREFIX.length + 2),
    down: view.getUint16(PREFIX.length + 4) !== 0,
  };
}
