// Artwork a fake device can show: the smallest PNG there is (one blue pixel), so tests
// and atvfake need no image files.

const HEX =
  "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63d00838010001e401411882f0a70000000049454e44ae426082";

/** A valid 1×1 PNG; a copy, so callers may keep it. */
export function tinyPng(): Uint8Array {
  return Uint8Array.from(Buffer.from(HEX, "hex"));
}
