import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TlvErrorCode, TlvType, tlvErrorName } from "./tlv-types.js";
import { decodeTlv, encodeTlv, type TlvEntry, type TlvInput } from "./tlv8.js";

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("encodeTlv", () => {
  // Vectors from pyatv's tests/auth/test_hap_tlv8.py.
  it("writes a single item", () => {
    expect(encodeTlv([[10, ascii("123")]])).toEqual(hex("0a03313233"));
  });

  it("writes items in order", () => {
    expect(
      encodeTlv([
        [1, ascii("111")],
        [4, ascii("222")],
      ]),
    ).toEqual(hex("0103313131" + "0403323232"));
  });

  it("fragments a value over 255 bytes", () => {
    const value = new Uint8Array(256).fill(0x31);
    const expected = new Uint8Array([0x02, 0xff, ...value.subarray(0, 255), 0x02, 0x01, 0x31]);
    expect(encodeTlv([[2, value]])).toEqual(expected);
  });

  it("writes an empty value as one zero-length item", () => {
    expect(encodeTlv([[TlvType.Proof, new Uint8Array(0)]])).toEqual(hex("0400"));
  });

  it("writes numbers as minimal little-endian integers", () => {
    expect(
      encodeTlv([
        [TlvType.State, 1],
        [TlvType.Method, 0],
        [TlvType.BackOff, 0x0102],
      ]),
    ).toEqual(hex("060101" + "000100" + "08020201"));
  });

  it("puts a separator between consecutive items of one type", () => {
    expect(
      encodeTlv([
        [TlvType.Identifier, ascii("a")],
        [TlvType.Identifier, ascii("b")],
      ]),
    ).toEqual(hex("010161" + "ff00" + "010162"));
  });

  it("rejects a type that is not a byte, a negative number, and a separator with a value", () => {
    expect(() => encodeTlv([[256, ascii("x")]])).toThrow(RangeError);
    expect(() => encodeTlv([[1, -1]])).toThrow(RangeError);
    expect(() => encodeTlv([[TlvType.Separator, ascii("x")]])).toThrow(RangeError);
  });
});

describe("decodeTlv", () => {
  it("reads items in order", () => {
    const items = decodeTlv(hex("01033131310403323232"));
    expect(items.entries).toEqual([
      [1, ascii("111")],
      [4, ascii("222")],
    ]);
    expect(items.get(4)).toEqual(ascii("222"));
    expect(items.has(2)).toBe(false);
    expect(items.get(2)).toBeUndefined();
  });

  it("joins fragments of a long value", () => {
    const encoded = new Uint8Array([
      0x02,
      0xff,
      ...new Uint8Array(255).fill(0x31),
      0x02,
      0x01,
      0x31,
    ]);
    expect(decodeTlv(encoded).get(2)).toEqual(new Uint8Array(256).fill(0x31));
  });

  it("keeps repeated types apart at separators", () => {
    const items = decodeTlv(hex("010161ff00010162ff00010163"));
    expect(items.getAll(TlvType.Identifier)).toEqual([ascii("a"), ascii("b"), ascii("c")]);
    expect(items.get(TlvType.Identifier)).toEqual(ascii("a"));
    expect(items.entries.filter(([type]) => type === TlvType.Separator)).toHaveLength(2);
  });

  it("reads little-endian integers", () => {
    const items = decodeTlv(hex("060102" + "08020201" + "0400"));
    expect(items.getInteger(TlvType.State)).toBe(2);
    expect(items.getInteger(TlvType.BackOff)).toBe(0x0102);
    expect(items.getInteger(TlvType.Error)).toBeUndefined();
    expect(() => items.getInteger(TlvType.Proof)).toThrow(ProtocolError);
  });

  it("reads empty input as no items", () => {
    expect(decodeTlv(new Uint8Array(0)).entries).toEqual([]);
  });

  it("rejects a cut-off header", () => {
    expect(() => decodeTlv(hex("060101" + "07"))).toThrow(ProtocolError);
  });

  it("rejects a value longer than the input", () => {
    expect(() => decodeTlv(hex("0605010203"))).toThrow(/claims 5 bytes, 3 remain/);
  });
});

describe("tlvErrorName", () => {
  it("names known codes and shows unknown ones in hex", () => {
    expect(tlvErrorName(TlvErrorCode.Authentication)).toBe("Authentication");
    expect(tlvErrorName(0xab)).toBe("0xab");
  });
});

const inputArbitrary = fc.array(
  fc.tuple(
    fc.oneof(fc.integer({ min: 0, max: 0xfe }), fc.constantFrom(1, 2, 3)),
    fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ minLength: 250, maxLength: 800 }),
      fc.integer({ min: 0, max: 2 ** 40 }),
    ),
  ),
  { maxLength: 12 },
);

function normalise(inputs: readonly TlvInput[]): TlvEntry[] {
  const out: TlvEntry[] = [];
  for (const [type, value] of inputs) {
    if (out.at(-1)?.[0] === type) out.push([TlvType.Separator, new Uint8Array(0)]);
    out.push([type, typeof value === "number" ? encodeTlv([[0, value]]).subarray(2) : value]);
  }
  return out;
}

describe("TLV8 properties", () => {
  it("decodes what it encodes", () => {
    fc.assert(
      fc.property(inputArbitrary, (inputs) => {
        expect(decodeTlv(encodeTlv(inputs)).entries).toEqual(normalise(inputs));
      }),
    );
  });

  it("re-encodes decoded input to the same bytes", () => {
    fc.assert(
      fc.property(inputArbitrary, (inputs) => {
        const encoded = encodeTlv(inputs);
        expect(encodeTlv(decodeTlv(encoded).entries)).toEqual(encoded);
      }),
    );
  });

  it("never throws anything but ProtocolError on random or mutated input", () => {
    const mutated = inputArbitrary.chain((inputs) => {
      const encoded = encodeTlv(inputs);
      return fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.nat()).map(([position, byte, cut]) => {
        const copy = encoded.slice(0, encoded.length - (cut % (encoded.length + 1)));
        if (copy.length > 0) copy[position % copy.length] = byte;
        return copy;
      });
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated), (data) => {
        try {
          const items = decodeTlv(data);
          for (const [type] of items.entries) {
            try {
              items.getInteger(type);
            } catch (error) {
              expect(error).toBeInstanceOf(ProtocolError);
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
