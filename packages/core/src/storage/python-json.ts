// pyatv writes its file with Python's `json.dumps(data)` (pyatv/storage/file_storage.py):
// ", " and ": " as separators and every non-ASCII character escaped (ensure_ascii). Writing
// the same bytes keeps a file that both libraries use free of churn.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

// Only inside strings, since JSON's own syntax is ASCII.
const NOT_ASCII = /[\u007f-\uffff]/g;

const escapeChar = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `value` as Python's `json.dumps(value)` prints it. JSON.stringify does the work: it
 * escapes quotes, backslashes, control characters and lone surrogates as Python does (in
 * lower-case hex), and indented it puts ": " after keys and a line break after each
 * comma, which no string holds raw; the breaks then become Python's ", ". Python also
 * escapes DEL and everything not ASCII.
 */
export function stringifyLikePython(value: Json): string {
  return JSON.stringify(value, null, 1)
    .replace(/,\n */g, ", ")
    .replace(/\n */g, "")
    .replace(NOT_ASCII, escapeChar);
}
