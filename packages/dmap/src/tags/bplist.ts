// Binary plist payloads (ceSD, pyatv's read_bplist), read and written with @atv/plist.
import { decodePlist, encodePlist, type PlistInput } from "@atv/plist";

// A decoded plist does not always encode back to the same bytes (object order, integer
// widths, shared objects), so the bytes each decoded node came from are kept, keyed by the
// node itself: a node built anew (or spread into a new object) is encoded from its value.
const sourceBytes = new WeakMap<object, Uint8Array>();

/** Decodes a plist payload; a broken plist throws whatever @atv/plist throws. */
export function readBplist(payload: Uint8Array): unknown {
  return decodePlist(payload);
}

/** Remembers that `node` was decoded from `payload`. */
export function rememberBplistSource(node: object, payload: Uint8Array): void {
  // A copy: the caller may reuse the buffer it decoded from.
  sourceBytes.set(node, new Uint8Array(payload));
}

/** The payload to write for a bplist node. */
export function bplistBytes(node: { readonly value: unknown }): Uint8Array {
  return sourceBytes.get(node) ?? encodePlist(node.value as PlistInput);
}
