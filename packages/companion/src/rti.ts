// Remote text input (RTI): the keyed archives carried as `_tiD` by `_tiStart` answers,
// `_tiStarted` events and `_tiC` text operations. Paths and payloads after pyatv's
// protocols/companion/api.py (text_input_command), plist_payloads/rti_text_operations.py
// and tests/fake_device/companion.py (rti_encoded_data, handle__tic) (MIT).

import { ProtocolError } from "@atv/interface";
import {
  type ArchiveValue,
  encodeKeyedArchive,
  type PlistValue,
  plistTypeName,
  readArchiveProperties,
} from "@atv/plist";

/** The device's text-input session (the `_tiD` of a `_tiStart` answer or `_tiStarted` event). */
export interface RtiSession {
  readonly sessionUuid: Uint8Array;
  readonly text: string | undefined;
}

/** What a `_tiC` event asks of the device (`_tiD`), as the device reads it. */
export interface RtiTextOperations {
  readonly sessionUuid: Uint8Array | undefined;
  readonly textToAssert: string | undefined;
  readonly insertionText: string | undefined;
}

// The session identifier goes back to the device as the bytes of an NSUUID, which are 16.
const SESSION_UUID_LENGTH = 16;
// RTI archives name their archiver so (pyatv's payloads).
const RTI_ARCHIVER = "RTIKeyedArchiver";

/**
 * Reads a device's session: its identifier (`sessionUUID`) and the text before the cursor
 * (`documentState.docSt.contextBeforeInput`, undefined when absent). Anything but a keyed
 * archive with a 16-byte `sessionUUID`, or a text that is not a string, is a ProtocolError.
 */
export function decodeRtiSession(tiD: Uint8Array): RtiSession {
  const [sessionUuid, text] = readArchiveProperties(
    tiD,
    ["sessionUUID"],
    ["documentState", "docSt", "contextBeforeInput"],
  );
  if (!(sessionUuid instanceof Uint8Array) || sessionUuid.length !== SESSION_UUID_LENGTH) {
    invalid("session", `sessionUUID is not ${SESSION_UUID_LENGTH} bytes of data`, sessionUuid);
  }
  return { sessionUuid, text: optionalString(text, "session", "contextBeforeInput") };
}

/**
 * A session as a device sends it, laid out as pyatv's fake device writes it: the
 * identifier as plain data, the text three objects down, no classes.
 */
export function encodeRtiSession(session: RtiSession): Uint8Array {
  checkSessionUuid(session.sessionUuid);
  const docSt: ArchiveValue =
    session.text === undefined ? {} : { fields: { contextBeforeInput: session.text } };
  return encodeKeyedArchive({
    sessionUUID: session.sessionUuid,
    documentState: { fields: { docSt } },
  });
}

/**
 * The `_tiD` that clears the text of session `sessionUuid`: pyatv's
 * get_rti_clear_text_payload, object for object (fields listed in the order that numbers
 * them as pyatv does).
 */
export function encodeRtiClearText(sessionUuid: Uint8Array): Uint8Array {
  checkSessionUuid(sessionUuid);
  return encodeKeyedArchive(
    {
      textOperations: {
        className: "RTITextOperations",
        fields: {
          keyboardOutput: { className: "TIKeyboardOutput" },
          textToAssert: "",
          targetSessionUUID: nsuuid(sessionUuid),
        },
      },
    },
    { archiver: RTI_ARCHIVER },
  );
}

/** The `_tiD` that types `text` into session `sessionUuid`: pyatv's get_rti_input_text_payload. */
export function encodeRtiInputText(sessionUuid: Uint8Array, text: string): Uint8Array {
  checkSessionUuid(sessionUuid);
  if (typeof text !== "string") throw new TypeError("RTI input text must be a string");
  return encodeKeyedArchive(
    {
      textOperations: {
        className: "RTITextOperations",
        fields: {
          keyboardOutput: { className: "TIKeyboardOutput", fields: { insertionText: text } },
          targetSessionUUID: nsuuid(sessionUuid),
        },
      },
    },
    { archiver: RTI_ARCHIVER },
  );
}

/**
 * Reads a `_tiC`'s text operations along the paths pyatv's fake device reads. A value
 * that is there but of the wrong type is a ProtocolError, as is anything not an archive.
 */
export function decodeRtiTextOperations(tiD: Uint8Array): RtiTextOperations {
  const [sessionUuid, textToAssert, insertionText] = readArchiveProperties(
    tiD,
    ["textOperations", "targetSessionUUID", "NS.uuidbytes"],
    ["textOperations", "textToAssert"],
    ["textOperations", "keyboardOutput", "insertionText"],
  );
  if (sessionUuid !== undefined && !(sessionUuid instanceof Uint8Array)) {
    invalid("text operations", "targetSessionUUID is not data", sessionUuid);
  }
  return {
    sessionUuid,
    textToAssert: optionalString(textToAssert, "text operations", "textToAssert"),
    insertionText: optionalString(insertionText, "text operations", "insertionText"),
  };
}

function nsuuid(bytes: Uint8Array): ArchiveValue {
  // NSUUID archives its bytes in place (encodeBytes:length:forKey:), not as an object.
  return { className: "NSUUID", inline: { "NS.uuidbytes": bytes } };
}

function checkSessionUuid(sessionUuid: Uint8Array): void {
  if (!(sessionUuid instanceof Uint8Array) || sessionUuid.length !== SESSION_UUID_LENGTH) {
    throw new RangeError(`an RTI session UUID is ${SESSION_UUID_LENGTH} bytes`);
  }
}

function optionalString(
  value: PlistValue | undefined,
  archive: string,
  key: string,
): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  return invalid(archive, `${key} is not a string`, value);
}

function invalid(archive: string, reason: string, got: PlistValue | undefined): never {
  const described = got instanceof Uint8Array ? `${got.length} bytes of data` : plistTypeName(got);
  throw new ProtocolError(`invalid RTI ${archive}: ${reason} (got ${described})`);
}
