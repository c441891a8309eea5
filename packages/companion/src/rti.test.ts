import { ProtocolError } from "@atv/interface";
import {
  decodePlist,
  encodeKeyedArchive,
  encodePlist,
  type PlistInput,
  PlistUid,
} from "@atv/plist";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, mutatedFrom } from "../../../scripts/byte-mutations.js";
import {
  decodeRtiSession,
  decodeRtiTextOperations,
  encodeRtiClearText,
  encodeRtiInputText,
  encodeRtiSession,
} from "./rti.js";

const SESSION = new TextEncoder().encode("0123456789abcdef");

// Written by CPython 3.11's plistlib: the _tiD of pyatv's fake device (rti_encoded_data,
// tests/fake_device/companion.py) with session b"0123456789abcdef" and its INITIAL_RTI_TEXT.
const PYATV_FAKE_SESSION =
  "62706c6973743030d2010203085424746f7058246f626a65637473d2040506075b73657373696f6e55554944" +
  "5d646f63756d656e74537461746580018002a5090a0b0e1155246e756c6c4f10103031323334353637383961" +
  "6263646566d10c0d55646f6353748003d10f105f1012636f6e746578744265666f7265496e70757480045f10" +
  "1c46616b6520436f6d70616e696f6e204b6579626f6172642054657874080d121b202c3a3c3e444a5d606668" +
  "6b808200000000000001010000000000000012000000000000000000000000000000a1";
// plistlib's bytes of pyatv's get_rti_input_text_payload(SESSION, "Hello").
const PYATV_INPUT_HELLO =
  "62706c6973743030d4010203040506070a582476657273696f6e592461726368697665725424746f7058246f" +
  "626a6563747312000186a05f10105254494b657965644172636869766572d108095e746578744f7065726174" +
  "696f6e738001a80b0c1317181e222555246e756c6cd30d0e0f1011125e6b6579626f6172644f757470757456" +
  "24636c6173735f101174617267657453657373696f6e55554944800280078005d2140e15165d696e73657274" +
  "696f6e54657874800380045548656c6c6fd2191a1b1c5a24636c6173736e616d655824636c61737365735f10" +
  "1054494b6579626f6172644f7574707574a21b1d584e534f626a656374d21f0e20215c4e532e757569646279" +
  "7465734f1010303132333435363738396162636465668006d2191a2324564e5355554944a2231dd2191a2627" +
  "5f1011525449546578744f7065726174696f6e73a2261d00080011001a0024002900320037004a004d005c00" +
  "5e0067006d00740083008a009e00a000a200a400a900b700b900bb00c100c600d100da00ed00f000f900fe01" +
  "0b011e01200125012c012f01340148000000000000020100000000000000280000000000000000000000000000" +
  "014b";

const uid = (value: number): PlistUid => new PlistUid(value);

describe("RTI sessions", () => {
  it("reads the session pyatv's fake device sends", () => {
    expect(decodeRtiSession(fromHex(PYATV_FAKE_SESSION))).toEqual({
      sessionUuid: SESSION,
      text: "Fake Companion Keyboard Text",
    });
  });

  it("writes a session laid out as pyatv's fake device writes it", () => {
    const written = decodePlist(encodeRtiSession({ sessionUuid: SESSION, text: "abc" }));
    expect(written).toEqual({
      $version: 100000,
      $archiver: "NSKeyedArchiver",
      $top: { sessionUUID: uid(1), documentState: uid(2) },
      $objects: ["$null", SESSION, { docSt: uid(3) }, { contextBeforeInput: uid(4) }, "abc"],
    });
  });

  it("round-trips sessions, with and without text", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.option(fc.string({ unit: "grapheme" }), { nil: undefined }),
        (sessionUuid, text) => {
          expect(decodeRtiSession(encodeRtiSession({ sessionUuid, text }))).toEqual({
            sessionUuid,
            text,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses sessions without a 16-byte sessionUUID or with a text not a string", () => {
    const archive = (sessionUUID: PlistInput, text: PlistInput = "t"): Uint8Array =>
      encodePlist({
        $top: { sessionUUID: uid(1), documentState: uid(2) },
        $objects: ["$null", sessionUUID, { docSt: uid(3) }, { contextBeforeInput: uid(4) }, text],
      });
    const cases: [Uint8Array, RegExp][] = [
      [archive(new Uint8Array(15)), /sessionUUID is not 16 bytes of data \(got 15 bytes of data\)/],
      [archive("0123456789abcdef"), /sessionUUID is not 16 bytes of data \(got string\)/],
      [archive(SESSION, 5), /contextBeforeInput is not a string \(got integer\)/],
      [archive(SESSION, { a: 1 }), /contextBeforeInput is not a string \(got dictionary\)/],
      [
        encodeKeyedArchive({ documentState: "x" }),
        /sessionUUID is not 16 bytes of data \(got nothing\)/,
      ],
    ];
    for (const [bytes, reason] of cases) {
      expect(() => decodeRtiSession(bytes)).toThrow(ProtocolError);
      expect(() => decodeRtiSession(bytes)).toThrow(reason);
    }
    expect(() => decodeRtiSession(encodePlist({ a: 1 }))).toThrow(/invalid keyed archive/);
  });

  it("refuses to write a session UUID that is not 16 bytes", () => {
    expect(() => encodeRtiSession({ sessionUuid: new Uint8Array(4), text: "" })).toThrow(
      RangeError,
    );
    expect(() => encodeRtiClearText(new Uint8Array(17))).toThrow(RangeError);
    expect(() => encodeRtiInputText(new Uint8Array(0), "a")).toThrow(RangeError);
  });
});

describe("RTI text operations", () => {
  it("writes pyatv's input-text payload and reads it as pyatv's fake device does", () => {
    const written = encodeRtiInputText(SESSION, "Hello");
    expect(decodePlist(written)).toEqual(decodePlist(fromHex(PYATV_INPUT_HELLO)));
    expect(decodeRtiTextOperations(fromHex(PYATV_INPUT_HELLO))).toEqual({
      sessionUuid: SESSION,
      textToAssert: undefined,
      insertionText: "Hello",
    });
  });

  it("writes a clear-text payload that asserts the empty text", () => {
    expect(decodeRtiTextOperations(encodeRtiClearText(SESSION))).toEqual({
      sessionUuid: SESSION,
      textToAssert: "",
      insertionText: undefined,
    });
    const objects = (decodePlist(encodeRtiClearText(SESSION)) as { $objects: unknown[] }).$objects;
    expect(objects).toHaveLength(8);
    expect(objects[4]).toBe("");
  });

  it("round-trips any text and session", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.string({ unit: "binary" }),
        (session, text) => {
          expect(decodeRtiTextOperations(encodeRtiInputText(session, text))).toEqual({
            sessionUuid: session,
            textToAssert: undefined,
            insertionText: text,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads nothing from an archive without text operations", () => {
    expect(decodeRtiTextOperations(encodeKeyedArchive({ other: "x" }))).toEqual({
      sessionUuid: undefined,
      textToAssert: undefined,
      insertionText: undefined,
    });
  });

  it("refuses values of the wrong type", () => {
    const ops = (fields: Record<string, string | number | Uint8Array>): Uint8Array =>
      encodeKeyedArchive({
        textOperations: {
          fields: {
            keyboardOutput: {
              fields: "insertionText" in fields ? { insertionText: fields.insertionText } : {},
            },
            ...("textToAssert" in fields ? { textToAssert: fields.textToAssert } : {}),
            targetSessionUUID:
              "uuid" in fields
                ? { inline: { "NS.uuidbytes": fields.uuid as PlistInput } }
                : { inline: { "NS.uuidbytes": SESSION } },
          },
        },
      });
    expect(() => decodeRtiTextOperations(ops({ uuid: "abc" }))).toThrow(
      /invalid RTI text operations: targetSessionUUID is not data \(got string\)/,
    );
    expect(() => decodeRtiTextOperations(ops({ textToAssert: 1 }))).toThrow(
      /textToAssert is not a string \(got integer\)/,
    );
    expect(() => decodeRtiTextOperations(ops({ insertionText: SESSION }))).toThrow(
      /insertionText is not a string \(got 16 bytes of data\)/,
    );
    expect(() => decodeRtiTextOperations(ops({ insertionText: 2 }))).toThrow(ProtocolError);
  });
});

function decodedOrRefused(decode: (bytes: Uint8Array) => unknown) {
  return (bytes: Uint8Array): void => {
    try {
      decode(bytes);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
    }
  };
}

describe("RTI decoders on bad input", () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc
      .uint8Array({ maxLength: 200 })
      .map((rest) => Uint8Array.from([...Buffer.from("bplist00"), ...rest])),
  );
  const seeds = [
    fromHex(PYATV_FAKE_SESSION),
    fromHex(PYATV_INPUT_HELLO),
    encodeRtiSession({ sessionUuid: SESSION, text: "héllo" }),
    encodeRtiSession({ sessionUuid: SESSION, text: undefined }),
    encodeRtiClearText(SESSION),
    encodeRtiInputText(SESSION, "text ☃"),
  ];

  it("random bytes decode or fail with ProtocolError", () => {
    fc.assert(fc.property(bytes, decodedOrRefused(decodeRtiSession)), { numRuns: 2000 });
    fc.assert(fc.property(bytes, decodedOrRefused(decodeRtiTextOperations)), { numRuns: 2000 });
  });

  it("mutated payloads decode or fail with ProtocolError", () => {
    fc.assert(fc.property(mutatedFrom(seeds), decodedOrRefused(decodeRtiSession)), {
      numRuns: 3000,
    });
    fc.assert(fc.property(mutatedFrom(seeds), decodedOrRefused(decodeRtiTextOperations)), {
      numRuns: 3000,
    });
  });
});
