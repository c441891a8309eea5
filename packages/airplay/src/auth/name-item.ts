// The Name item pyatv adds to pair-setup M5 (auth/hap_srp.py step3): the OPACK encoding of
// {"name": <display name>}, under which the device lists the paired controller. Only
// this one shape is needed here, so only OPACK's dictionary and string forms are written
// (byte values from pyatv's support/opack.py).

import type { TlvInput } from "@atv/hap";
import { TlvType } from "@atv/hap";

const encoder = new TextEncoder();

/** OPACK string: short forms carry the length in the tag, longer ones a little-endian size. */
function opackString(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const n = bytes.length;
  let header: number[];
  if (n <= 0x20) header = [0x40 + n];
  else if (n <= 0xff) header = [0x61, n];
  else if (n <= 0xffff) header = [0x62, n & 0xff, n >> 8];
  else if (n <= 0xffffff) header = [0x63, n & 0xff, (n >> 8) & 0xff, n >> 16];
  else header = [0x64, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

/** OPACK bytes of {"name": name}, exactly as pyatv packs it. */
export function encodeDisplayName(name: string): Uint8Array {
  const key = opackString("name");
  // pyatv's packer replaces a repeat of an earlier multi-byte object with a back
  // reference (0xA0 + index); the key "name" is object 0, so a value equal to it is A0.
  const value = name === "name" ? Uint8Array.of(0xa0) : opackString(name);
  const out = new Uint8Array(1 + key.length + value.length);
  out[0] = 0xe1; // a dictionary of one entry
  out.set(key, 1);
  out.set(value, 1 + key.length);
  return out;
}

/** The TLV Name item for M5, or none for an empty name (pyatv adds it only `if name`). */
export function displayNameItems(name: string | undefined): TlvInput[] {
  return name ? [[TlvType.Name, encodeDisplayName(name)]] : [];
}
