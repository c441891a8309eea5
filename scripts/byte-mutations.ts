// For fuzz tests of decoders: valid encodings with a few bytes changed, inserted, removed
// or cut off, as a garbled or hostile connection could deliver them.

import fc from "fast-check";

export type ByteEdit =
  | { readonly kind: "set"; readonly at: number; readonly value: number }
  | { readonly kind: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "delete"; readonly at: number; readonly count: number }
  | { readonly kind: "truncate"; readonly at: number };

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.nat({ max: 8 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

/** `bytes` with the edits applied in order; positions wrap around the current length. */
export function applyEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % (out.length + 1);
    switch (edit.kind) {
      case "set":
        if (out.length > 0) out[edit.at % out.length] = edit.value;
        break;
      case "insert":
        out = Uint8Array.from([...out.subarray(0, at), ...edit.bytes, ...out.subarray(at)]);
        break;
      case "delete":
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + edit.count)]);
        break;
      case "truncate":
        out = out.slice(0, at);
        break;
    }
  }
  return out;
}

/** One of `seeds` with one to six edits. */
export function mutatedFrom(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(byteEdit, { minLength: 1, maxLength: 6 }))
    .map(([seed, edits]) => applyEdits(seed, edits));
}

/** Hex to bytes, for known-answer vectors. */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Bytes to lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
