const HEX = "0123456789ABCDEF";

/**
 * A random upper-case UUID (version 4), as pyatv's `str(uuid.uuid4()).upper()`, for MRP's
 * message and client identifiers. They only tell messages and clients apart; nothing
 * depends on their being unpredictable, so Math.random serves, and a command over a
 * plain MRP connection never loads node:crypto (~4 ms of a cold start).
 */
export function uniqueIdentifier(): string {
  let text = "";
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      text += "-";
    } else if (i === 14) {
      text += "4";
    } else {
      const nibble = (Math.random() * 16) | 0;
      // The variant: 10xx in the first digit of the fourth group.
      text += HEX[i === 19 ? 8 | (nibble & 3) : nibble];
    }
  }
  return text;
}
