// For fuzz tests of message handlers: messages as a garbled connection could deliver
// them, the wire form of valid ones with some bytes overwritten.

import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { decodeProtocolMessage, encodeProtocolMessage } from "../protobuf/messages.js";
import type { ProtocolMessage } from "../protobuf/types.js";

/** The wire form of one of `messages` with up to eight bytes overwritten. */
export function mutatedWireForm(messages: readonly ProtocolMessage[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.constantFrom(...messages.map(encodeProtocolMessage)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    )
    .map(([bytes, mutations]) => {
      const mutated = Uint8Array.from(bytes);
      for (const [at, value] of mutations) mutated[at % mutated.length] = value;
      return mutated;
    });
}

/**
 * The message `bytes` decode to, or undefined where decoding refuses them with
 * ProtocolError (as MrpProtocol would drop them); any other error is thrown on.
 */
export function decodedOrRefused(bytes: Uint8Array): ProtocolMessage | undefined {
  try {
    return decodeProtocolMessage(bytes);
  } catch (error) {
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
}
