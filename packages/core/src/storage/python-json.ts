// pyatv writes its file with Python's `json.dumps(data)` (pyatv/storage/file_storage.py):
// ", " and ": " as separators and every non-ASCII character escaped (ensure_ascii). Writing
// the same bytes keeps a file that both libraries use free of churn.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

// Only inside strings, since JSON's own syntax is ASCII.
const NOT_ASCII = /[\u007f-\uffff]/g;
const HAS_NOT_ASCII = /[\u007f-\uffff]/;
// Printable ASCII but `"` and `\`: what both print as it is. Nearly every string in a
// settings file is such (identifiers, hex credentials, names).
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const escapeChar = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * A string as Python prints it: JSON.stringify escapes quotes, backslashes, control
 * characters and lone surrogates as Python does (in lower-case hex); Python also escapes
 * DEL and everything not ASCII.
 */
function quote(text: string): string {
  if (VERBATIM.test(text)) return `"${text}"`;
  const quoted = JSON.stringify(text);
  return HAS_NOT_ASCII.test(quoted) ? quoted.replace(NOT_ASCII, escapeChar) : quoted;
}

/**
 * `value` as Python's `json.dumps(value)` prints it. Written out directly, by string
 * concatenation, rather than by re-spacing JSON.stringify's indented output: that took
 * ~4 ms for a 1,000-device file, this ~1 ms, as long as JSON.stringify's compact output.
 */
export function stringifyLikePython(value: Json): string {
  if (typeof value === "string") return quote(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ", ";
      out += stringifyLikePython(value[i] as Json);
    }
    return `${out}]`;
  }
  let out = "{";
  let first = true;
  for (const key in value) {
    const item = value[key];
    // As JSON.stringify: a key without a value is left out.
    if (item === undefined) continue;
    if (!first) out += ", ";
    first = false;
    out += `${quote(key)}: ${stringifyLikePython(item)}`;
  }
  return `${out}}`;
}
