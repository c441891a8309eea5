/**
 * JSON as Python's `json.dumps` writes it with its defaults: ", " and ": " between items,
 * and every character beyond ASCII escaped (ensure_ascii), so a line printed here is the
 * line pyatv's atvscript prints and scripts that match its text keep working.
 */
export function pythonJson(value: unknown): string {
  return encode(value) ?? "null";
}

function encode(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "string") return asciiString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return undefined;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return encode(withJson.toJSON());
  if (Array.isArray(value)) {
    // As JSON.stringify: what has no JSON form is null inside an array.
    return `[${value.map((item) => encode(item) ?? "null").join(", ")}]`;
  }
  const members: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const encoded = encode(item);
    if (encoded !== undefined) members.push(`${asciiString(key)}: ${encoded}`);
  }
  return `{${members.join(", ")}}`;
}

/** A JSON string with non-ASCII characters as \uXXXX (surrogate pairs for the rest). */
function asciiString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
