import { PlainProperties } from "@atv/interface";

const EQUALS = 0x3d;
const SPACE = 0x20;
const MAX_STRING_BYTES = 255;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");
const utf8 = new TextEncoder();

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((b) => b < 0x80);
}

/**
 * Devices put non-breaking spaces in names (as UTF-8 C2 A0, and some as 00 A0); pyatv
 * turns both into plain spaces before decoding (core/mdns.py, decode_value).
 */
function replaceNonBreakingSpaces(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b === 0xc2 || b === 0x00) && bytes[i + 1] === 0xa0) {
      out.push(SPACE);
      i++;
    } else {
      out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** A TXT value as text: UTF-8 where valid, else decoded with replacement characters. */
export function decodeTxtValue(raw: Uint8Array): string {
  const cleaned = replaceNonBreakingSpaces(raw);
  try {
    return strictUtf8.decode(cleaned);
  } catch {
    return lenientUtf8.decode(cleaned);
  }
}

/**
 * Decodes the strings of a DNS-SD TXT record (RFC 6763 §6) into properties. Keys are
 * ASCII and case-insensitive; a string without "=" is a boolean key with an empty value;
 * strings with an empty or non-ASCII key are skipped; the first occurrence of a key wins
 * (§6.4). Raw value bytes are kept next to the text.
 */
export function decodeTxt(strings: readonly Uint8Array[]): PlainProperties {
  const entries: { key: string; value: string; raw: Uint8Array }[] = [];
  const seen = new Set<string>();
  for (const chunk of strings) {
    const split = chunk.indexOf(EQUALS);
    const keyBytes = split === -1 ? chunk : chunk.subarray(0, split);
    if (keyBytes.length === 0 || !isAscii(keyBytes)) continue;
    const key = String.fromCharCode(...keyBytes);
    if (seen.has(key.toLowerCase())) continue;
    seen.add(key.toLowerCase());
    const raw = split === -1 ? new Uint8Array(0) : chunk.slice(split + 1);
    entries.push({ key, value: decodeTxtValue(raw), raw });
  }
  return PlainProperties.fromEntries(entries);
}

/**
 * Encodes properties as TXT strings "key=value". Throws RangeError for a string over
 * 255 bytes, which a TXT string cannot hold. No properties give the single empty string
 * an empty TXT record must carry (RFC 6763 §6.1).
 */
export function encodeTxt(properties: Readonly<Record<string, string | Uint8Array>>): Uint8Array[] {
  const strings: Uint8Array[] = [];
  for (const [key, value] of Object.entries(properties)) {
    const keyBytes = utf8.encode(key);
    const valueBytes = typeof value === "string" ? utf8.encode(value) : value;
    const chunk = new Uint8Array(keyBytes.length + 1 + valueBytes.length);
    chunk.set(keyBytes, 0);
    chunk[keyBytes.length] = EQUALS;
    chunk.set(valueBytes, keyBytes.length + 1);
    if (chunk.length > MAX_STRING_BYTES) {
      throw new RangeError(`TXT entry "${key}" is ${chunk.length} bytes, over 255`);
    }
    strings.push(chunk);
  }
  return strings.length > 0 ? strings : [new Uint8Array(0)];
}
