import { readFileSync } from "node:fs";
import { CommandError, ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeMessage,
  encodeMessage,
  encodeRequest,
  MessageType,
  responseError,
} from "./message.js";
import { encodeOpack, OpackInt, type OpackIntSize, type OpackValue } from "./opack.js";

// biome-ignore lint/suspicious/noExplicitAny: vector files are untyped JSON
type Json = any;

const vectors: Json = JSON.parse(
  readFileSync(new URL("../../../../shared/vectors/companion.json", import.meta.url), "utf8"),
);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));

/** The typed values companion.json uses (a subset of opack.json's). */
function fromTyped(typed: Json): OpackValue {
  switch (typed.type) {
    case "str":
      return typed.value;
    case "int":
      return typed.size === undefined
        ? Number(typed.value)
        : new OpackInt(BigInt(typed.value), typed.size as OpackIntSize);
    case "bytes":
      return unhex(typed.hex);
    case "dict":
      return new Map(typed.entries.map(([k, v]: Json) => [fromTyped(k), fromTyped(v)]));
    default:
      throw new Error(`unexpected vector type ${typed.type}`);
  }
}

const withMessages = (vectors.vectors as Json[]).filter((v) => v.message !== undefined);

describe("companion message vectors", () => {
  it("MessageType matches pyatv", () => {
    expect(MessageType).toEqual({ Event: 1, Request: 2, Response: 3 });
  });

  for (const [index, vector] of withMessages.entries()) {
    it(`#${index}: encodeRequest gives pyatv's bytes, _x last`, () => {
      const message = fromTyped(vector.message) as Map<OpackValue, OpackValue>;
      expect([...message.keys()]).toEqual(["_i", "_t", "_c", "_x"]);
      expect(message.get("_t")).toBe(MessageType.Request);
      const packed = encodeRequest(
        message.get("_i") as string,
        message.get("_c") as OpackValue,
        vector.xid,
      );
      expect(hex(packed)).toBe(vector.opack_hex);

      const decoded = decodeMessage(packed);
      expect(decoded.identifier).toBe(message.get("_i"));
      expect(decoded.type).toBe(MessageType.Request);
      expect(decoded.xid).toBe(vector.xid);
      expect(decoded.error).toBeUndefined();
      expect(hex(encodeOpack(decoded.content as OpackValue))).toBe(
        hex(encodeOpack(message.get("_c") as OpackValue)),
      );
    });
  }
});

describe("decodeMessage", () => {
  it("reads an event with no _x", () => {
    const payload = encodeMessage({
      identifier: "_iMC",
      type: MessageType.Event,
      content: { _mcF: 1 },
    });
    const message = decodeMessage(payload);
    expect(message.identifier).toBe("_iMC");
    expect(message.type).toBe(MessageType.Event);
    expect(message.xid).toBeUndefined();
    expect(message.content).toEqual(new Map([["_mcF", 1]]));
    expect(responseError(message)).toBeUndefined();
  });

  it("turns an error response into a CommandError with the device's text", () => {
    // As pyatv's fake device answers: _ec, _ed, _em beside _t = 3 and the request's _x.
    const payload = encodeOpack(
      new Map<OpackValue, OpackValue>([
        ["_ec", 1],
        ["_ed", "RPErrorDomain"],
        ["_em", "No request handler"],
        ["_t", 3],
        ["_x", 4660],
      ]),
    );
    const message = decodeMessage(payload);
    expect(message.type).toBe(MessageType.Response);
    expect(message.xid).toBe(4660);
    expect(message.error).toEqual({
      code: 1,
      domain: "RPErrorDomain",
      message: "No request handler",
    });
    const error = responseError(message);
    expect(error).toBeInstanceOf(CommandError);
    expect(error?.message).toContain("No request handler");
    expect(error?.message).toContain("RPErrorDomain 1");
  });

  it("refuses non-dicts, wrong field types, trailing bytes", () => {
    for (const bad of [[1], "x", null]) {
      expect(() => decodeMessage(encodeOpack(bad as OpackValue))).toThrow(ProtocolError);
    }
    const badDicts: Record<string, OpackValue>[] = [
      { _i: 1 },
      { _t: "2" },
      { _x: 1.5 },
      { _em: 3 },
      { _ec: "e" },
      { _t: 2n ** 60n },
    ];
    for (const dict of badDicts) {
      expect(() => decodeMessage(encodeOpack(dict))).toThrow(ProtocolError);
    }
    expect(() => decodeMessage(unhex("e009"))).toThrow(ProtocolError);
    expect(() => encodeRequest("_x", {}, -1)).toThrow(RangeError);
  });

  it("random and mutated payloads decode or throw ProtocolError", () => {
    const valid = withMessages.map((v) => unhex(v.opack_hex));
    const mutated = fc
      .tuple(
        fc.constantFrom(...valid),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        fc.boolean(),
      )
      .map(([bytes, at, byte, cut, insert]) => {
        const copy = bytes.slice();
        const i = at % copy.length;
        if (!insert) copy[i] = byte;
        const changed = insert
          ? Uint8Array.from([...copy.subarray(0, i), byte, ...copy.subarray(i)])
          : copy;
        return changed.subarray(0, cut % (changed.length + 1) || changed.length);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), mutated), (payload) => {
        try {
          const message = decodeMessage(payload);
          expect(message.dict).toBeInstanceOf(Map);
          responseError(message);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
