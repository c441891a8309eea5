import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, mutatedFrom } from "../../../scripts/byte-mutations.js";
import { type ArchiveValue, encodeKeyedArchive, readArchiveProperties } from "./keyed-archive.js";
import { decodePlist, encodePlist, PlistUid, type PlistValue } from "./plist.js";

const SESSION = new TextEncoder().encode("0123456789abcdef");

// Written by CPython 3.11's plistlib running pyatv's get_rti_clear_text_payload(SESSION)
// and get_rti_input_text_payload(SESSION, "Hello") (plist_payloads/rti_text_operations.py).
const PYATV_CLEAR =
  "62706c6973743030d4010203040506070a582476657273696f6e592461726368697665725424746f7058246f" +
  "626a6563747312000186a05f10105254494b657965644172636869766572d108095e746578744f7065726174" +
  "696f6e738001a80b0c15171d1e222555246e756c6cd40d0e0f10111213145624636c6173735f101174617267" +
  "657453657373696f6e555549445e6b6579626f6172644f75747075745c74657874546f417373657274800780" +
  "0580028004d10d168003d218191a1b5a24636c6173736e616d655824636c61737365735f101054494b657962" +
  "6f6172644f7574707574a21a1c584e534f626a65637450d21f0d20215c4e532e7575696462797465734f1010" +
  "303132333435363738396162636465668006d218192324564e5355554944a2231cd2181926275f1011525449" +
  "546578744f7065726174696f6e73a2261c00080011001a0024002900320037004a004d005c005e0067006d00" +
  "76007d009100a000ad00af00b100b300b500b800ba00bf00ca00d300e600e900f200f300f801050118011a01" +
  "1f01260129012e01420000000000000201000000000000002800000000000000000000000000000145";
const PYATV_INPUT =
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
const classDict = (name: string): PlistValue => ({
  $classname: name,
  $classes: [name, "NSObject"],
});

/** The dictionary pyatv's get_rti_clear_text_payload builds, with $objects in its order. */
function pyatvClearText(session: Uint8Array): PlistValue {
  return {
    $version: 100000,
    $archiver: "RTIKeyedArchiver",
    $top: { textOperations: uid(1) },
    $objects: [
      "$null",
      { $class: uid(7), targetSessionUUID: uid(5), keyboardOutput: uid(2), textToAssert: uid(4) },
      { $class: uid(3) },
      classDict("TIKeyboardOutput"),
      "",
      { "NS.uuidbytes": session, $class: uid(6) },
      classDict("NSUUID"),
      classDict("RTITextOperations"),
    ],
  };
}

/** The dictionary pyatv's get_rti_input_text_payload builds. */
function pyatvInputText(session: Uint8Array, text: string): PlistValue {
  return {
    $version: 100000,
    $archiver: "RTIKeyedArchiver",
    $top: { textOperations: uid(1) },
    $objects: [
      "$null",
      { keyboardOutput: uid(2), $class: uid(7), targetSessionUUID: uid(5) },
      { insertionText: uid(3), $class: uid(4) },
      text,
      classDict("TIKeyboardOutput"),
      { "NS.uuidbytes": session, $class: uid(6) },
      classDict("NSUUID"),
      classDict("RTITextOperations"),
    ],
  };
}

const nsuuid = (bytes: Uint8Array): ArchiveValue => ({
  className: "NSUUID",
  inline: { "NS.uuidbytes": bytes },
});

function clearTextArchive(session: Uint8Array): Uint8Array {
  return encodeKeyedArchive(
    {
      textOperations: {
        className: "RTITextOperations",
        fields: {
          keyboardOutput: { className: "TIKeyboardOutput" },
          textToAssert: "",
          targetSessionUUID: nsuuid(session),
        },
      },
    },
    { archiver: "RTIKeyedArchiver" },
  );
}

function inputTextArchive(session: Uint8Array, text: string): Uint8Array {
  return encodeKeyedArchive(
    {
      textOperations: {
        className: "RTITextOperations",
        fields: {
          keyboardOutput: { className: "TIKeyboardOutput", fields: { insertionText: text } },
          targetSessionUUID: nsuuid(session),
        },
      },
    },
    { archiver: "RTIKeyedArchiver" },
  );
}

describe("encodeKeyedArchive known answers", () => {
  it("writes pyatv's RTI clear-text payload, $objects in pyatv's order", () => {
    const written = decodePlist(clearTextArchive(SESSION));
    expect(written).toEqual(pyatvClearText(SESSION));
    // And plistlib's bytes of that payload read as the same dictionary.
    expect(decodePlist(fromHex(PYATV_CLEAR))).toEqual(written);
  });

  it("writes pyatv's RTI input-text payload, $objects in pyatv's order", () => {
    const written = decodePlist(inputTextArchive(SESSION, "Hello"));
    expect(written).toEqual(pyatvInputText(SESSION, "Hello"));
    expect(decodePlist(fromHex(PYATV_INPUT))).toEqual(written);
  });

  it("defaults to NSKeyedArchiver and writes one class dictionary per class", () => {
    const archive = decodePlist(
      encodeKeyedArchive({
        a: { className: "Thing", fields: { n: 5 } },
        b: { className: "Thing", fields: { yes: true } },
        c: { className: "Thing", classes: ["Thing", "Base", "NSObject"] },
      }),
    );
    expect(archive).toEqual({
      $version: 100000,
      $archiver: "NSKeyedArchiver",
      $top: { a: uid(1), b: uid(4), c: uid(6) },
      $objects: [
        "$null",
        { n: uid(2), $class: uid(3) },
        5,
        classDict("Thing"),
        { yes: uid(5), $class: uid(3) },
        true,
        { $class: uid(7) },
        { $classname: "Thing", $classes: ["Thing", "Base", "NSObject"] },
      ],
    });
  });

  it("refuses field names that clash, cycles and values a plist cannot hold", () => {
    expect(() => encodeKeyedArchive({ a: { fields: { $class: 1 } } })).toThrow(RangeError);
    expect(() => encodeKeyedArchive({ a: { inline: { $class: 1 } } })).toThrow(RangeError);
    expect(() => encodeKeyedArchive({ a: { inline: { x: 1 }, fields: { x: 2 } } })).toThrow(
      RangeError,
    );
    const cyclic: { fields: Record<string, ArchiveValue> } = { fields: {} };
    cyclic.fields.self = cyclic;
    expect(() => encodeKeyedArchive({ a: cyclic })).toThrow(TypeError);
    expect(() => encodeKeyedArchive({ a: null as unknown as ArchiveValue })).toThrow(TypeError);
    expect(() => encodeKeyedArchive({ a: undefined as unknown as ArchiveValue })).toThrow(
      TypeError,
    );
  });
});

describe("readArchiveProperties", () => {
  it("reads what pyatv's device side reads from its payloads", () => {
    const paths = [
      ["textOperations", "targetSessionUUID", "NS.uuidbytes"],
      ["textOperations", "textToAssert"],
      ["textOperations", "keyboardOutput", "insertionText"],
    ];
    expect(readArchiveProperties(fromHex(PYATV_CLEAR), ...paths)).toEqual([SESSION, "", undefined]);
    expect(readArchiveProperties(fromHex(PYATV_INPUT), ...paths)).toEqual([
      SESSION,
      undefined,
      "Hello",
    ]);
    expect(readArchiveProperties(inputTextArchive(SESSION, "Hi"), ...paths)).toEqual([
      SESSION,
      undefined,
      "Hi",
    ]);
  });

  it("gives the dictionary at the end of a path with its UIDs as they are", () => {
    const [ops, top] = readArchiveProperties(clearTextArchive(SESSION), ["textOperations"], []);
    expect(ops).toEqual({
      $class: uid(7),
      targetSessionUUID: uid(5),
      keyboardOutput: uid(2),
      textToAssert: uid(4),
    });
    expect(top).toEqual({ textOperations: uid(1) });
  });

  it("reads undefined for missing keys, UIDs out of range, nil and steps into non-dictionaries", () => {
    const archive = encodePlist({
      $top: { a: uid(1), far: uid(99), nil: uid(0), raw: "text", list: uid(2) },
      $objects: ["$null", { b: "inline", c: uid(0) }, [1, 2]],
    });
    expect(
      readArchiveProperties(
        archive,
        ["a", "b"],
        ["a", "missing"],
        ["far"],
        ["nil"],
        ["a", "c"],
        ["raw"],
        ["raw", "length"],
        ["a", "b", "length"],
        ["list", "0"],
        ["toString"],
        ["__proto__"],
      ),
    ).toEqual([
      "inline",
      undefined,
      undefined,
      undefined,
      undefined,
      "text",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("refuses input that is not a keyed archive", () => {
    const cases: [Uint8Array, RegExp][] = [
      [encodePlist([1]), /root is not a dictionary \(got array\)/],
      [encodePlist({ $objects: [] }), /\$top is not a dictionary \(got nothing\)/],
      [encodePlist({ $top: [], $objects: [] }), /\$top is not a dictionary \(got array\)/],
      [encodePlist({ $top: {} }), /\$objects is not an array \(got nothing\)/],
      [encodePlist({ $top: {}, $objects: uid(1) }), /\$objects is not an array \(got UID\)/],
    ];
    for (const [bytes, reason] of cases) {
      expect(() => readArchiveProperties(bytes, ["a"])).toThrow(ProtocolError);
      expect(() => readArchiveProperties(bytes, ["a"])).toThrow(reason);
      expect(() => readArchiveProperties(bytes)).toThrow(/^invalid keyed archive: /);
    }
    expect(() => readArchiveProperties(new Uint8Array(10), ["a"])).toThrow(
      /^invalid binary plist: /,
    );
  });
});

const field = fc.string({ maxLength: 6 }).filter((k) => k !== "$class" && k !== "__proto__");
const archiveValue: fc.Arbitrary<ArchiveValue> = fc.letrec<{ value: ArchiveValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.uint8Array({ maxLength: 20 }),
    fc.record(
      {
        className: fc.constantFrom("A", "B", "C"),
        fields: fc.dictionary(field, tie("value"), { maxKeys: 4 }),
      },
      { requiredKeys: ["fields"] },
    ),
  ),
})).value;

/** What reading `value` back along `path` gives, worked out from the value itself. */
function expectedAt(value: ArchiveValue, path: readonly string[]): unknown {
  let element: ArchiveValue | undefined = value;
  for (const key of path) {
    if (typeof element !== "object" || element instanceof Uint8Array) return undefined;
    const fields: Readonly<Record<string, ArchiveValue>> = element.fields ?? {};
    element = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (element === undefined) return undefined;
  }
  return element;
}

function readOrRefused(bytes: Uint8Array): void {
  try {
    const values = readArchiveProperties(bytes, ["a"], ["a", "b"], [], ["$class", "x"]);
    expect(values).toHaveLength(4);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    expect(error.message).toMatch(/^invalid (keyed archive|binary plist): /);
  }
}

describe("keyed archive properties", () => {
  it("reads back every leaf the writer wrote, along its path", () => {
    fc.assert(
      fc.property(archiveValue, fc.array(field, { maxLength: 3 }), (value, path) => {
        const [read] = readArchiveProperties(encodeKeyedArchive({ top: value }), ["top", ...path]);
        const expected = expectedAt(value, path);
        if (
          expected === undefined ||
          (typeof expected === "object" && !ArrayBuffer.isView(expected))
        ) {
          // An object reads as its dictionary of UIDs; only its presence is checked here.
          expect(read === undefined).toBe(expected === undefined);
        } else {
          expect(read).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("random bytes are read or refused with ProtocolError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .uint8Array({ maxLength: 200 })
            .map((rest) => Uint8Array.from([...Buffer.from("bplist00"), ...rest])),
        ),
        readOrRefused,
      ),
      { numRuns: 3000 },
    );
  });

  it("mutated archives are read or refused with ProtocolError", () => {
    const seeds = [
      fromHex(PYATV_CLEAR),
      fromHex(PYATV_INPUT),
      clearTextArchive(SESSION),
      inputTextArchive(SESSION, "héllo ☃"),
      ...fc
        .sample(archiveValue, { numRuns: 20, seed: 7 })
        .map((value) => encodeKeyedArchive({ a: value, b: value })),
    ];
    fc.assert(fc.property(mutatedFrom(seeds), readOrRefused), { numRuns: 5000 });
  });
});
