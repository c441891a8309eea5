// The Range request header (RFC 9110 section 14), as far as a media file server needs it:
// one range of bytes. A device's player seeks by asking for ranges ("bytes=1000-" or
// "bytes=0-1"); several ranges at once would need a multipart answer, which the RFC lets
// a server skip by sending the whole file instead (section 14.2).

/** Which part of a file to send. */
export type RangeDecision =
  /** No usable Range header: send everything (200). */
  | { readonly kind: "full" }
  /** Send bytes `start` to `end`, both inclusive (206). */
  | { readonly kind: "partial"; readonly start: number; readonly end: number }
  /** The range lies outside the file (416). */
  | { readonly kind: "unsatisfiable" };

const FULL: RangeDecision = { kind: "full" };
const UNSATISFIABLE: RangeDecision = { kind: "unsatisfiable" };

// One range-spec: "first-last", "first-" or "-suffix" (digits only, no spaces inside).
const RANGE_SPEC = /^(\d*)-(\d*)$/;

/**
 * Decides what to send for a Range header and a file of `size` bytes. A header that is
 * not for bytes, is malformed or asks for several ranges is ignored (the whole file is
 * sent), as RFC 9110 section 14.2 allows.
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return FULL;
  const equals = header.indexOf("=");
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return FULL;
  const specs = header.slice(equals + 1).split(",");
  if (specs.length !== 1) return FULL;
  const match = RANGE_SPEC.exec(specs[0]!.trim());
  if (!match) return FULL;
  const [, firstText = "", lastText = ""] = match;
  if (firstText === "" && lastText === "") return FULL;

  if (firstText === "") {
    // "-n": the last n bytes; "-0" (nothing) cannot be satisfied.
    const suffix = Number(lastText);
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const first = Number(firstText);
  if (lastText === "") {
    return first < size ? { kind: "partial", start: first, end: size - 1 } : UNSATISFIABLE;
  }
  const last = Number(lastText);
  // last < first is invalid syntax (section 14.1.1): ignore the header.
  if (last < first) return FULL;
  if (first >= size) return UNSATISFIABLE;
  return { kind: "partial", start: first, end: Math.min(last, size - 1) };
}
