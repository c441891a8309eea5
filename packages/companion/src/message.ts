// Companion messages: OPACK dictionaries with `_i` (identifier), `_t` (type), `_c` (content)
// and `_x` (transaction id). Facts from pyatv's pyatv/protocols/companion/protocol.py (MIT):
// `MessageType`, `send_opack` (adds `_x` last), `_exchange_generic_opack` (`_em` = failure);
// the `_ec`/`_ed`/`_em` error triple is what pyatv's fake device (tests/fake_device/
// companion.py) answers with.

import { CommandError, ProtocolError } from "@atv/interface";
import {
  decodeOpack,
  encodeOpack,
  type OpackDecodeOptions,
  type OpackDict,
  type OpackEncodable,
  type OpackValue,
  opackInteger,
} from "./opack.js";

/** `_t` values (pyatv `MessageType`). */
export const MessageType = {
  Event: 1,
  Request: 2,
  Response: 3,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The error a device put in a response: `_ec` code, `_ed` domain, `_em` message. */
export interface CompanionErrorInfo {
  readonly code?: number | bigint;
  readonly domain?: string;
  readonly message?: string;
}

/** A decoded message. A field is absent when its key is; `dict` is the whole dictionary. */
export interface CompanionMessage {
  readonly identifier?: string;
  /** The raw `_t`; see `MessageType` for the known ones. */
  readonly type?: number;
  readonly content?: OpackValue;
  readonly xid?: number | bigint;
  readonly error?: CompanionErrorInfo;
  readonly dict: OpackDict;
}

/**
 * The OPACK payload of a request: `_i`, `_t` = 2, `_c`, then `_x` last, as pyatv's
 * `send_opack` appends it to the dict.
 */
export function encodeRequest(
  identifier: string,
  content: OpackEncodable,
  xid: number,
): Uint8Array {
  return encodeMessage({ identifier, type: MessageType.Request, content, xid });
}

/** The OPACK payload of any message; keys in the order `_i`, `_t`, `_c`, `_x`. */
export function encodeMessage(message: {
  readonly identifier?: string;
  readonly type: number;
  readonly content?: OpackEncodable;
  readonly xid?: number;
}): Uint8Array {
  const dict = new Map<OpackEncodable, OpackEncodable>();
  if (message.identifier !== undefined) dict.set("_i", message.identifier);
  dict.set("_t", message.type);
  if (message.content !== undefined) dict.set("_c", message.content);
  if (message.xid !== undefined) {
    if (!Number.isSafeInteger(message.xid) || message.xid < 0) {
      throw new RangeError(`XID ${message.xid} is not a non-negative integer`);
    }
    dict.set("_x", message.xid);
  }
  return encodeOpack(dict);
}

/**
 * Decodes and checks a message payload: it must be one OPACK dictionary whose `_i`, `_em`
 * and `_ed` are strings and `_t`, `_x` and `_ec` integers when present. Anything else is a
 * ProtocolError.
 */
export function decodeMessage(payload: Uint8Array, options?: OpackDecodeOptions): CompanionMessage {
  const dict = decodeOpack(payload, options);
  if (!(dict instanceof Map)) throw new ProtocolError("Companion message is not a dictionary");

  const identifier = optionalString(dict, "_i");
  const type = optionalInteger(dict, "_t");
  const xid = optionalInteger(dict, "_x");
  const code = optionalInteger(dict, "_ec");
  const domain = optionalString(dict, "_ed");
  const text = optionalString(dict, "_em");
  if (type !== undefined && typeof type !== "number") {
    throw new ProtocolError(`Companion message type ${type} is out of range`);
  }
  const error =
    code === undefined && domain === undefined && text === undefined
      ? undefined
      : {
          ...(code !== undefined && { code }),
          ...(domain !== undefined && { domain }),
          ...(text !== undefined && { message: text }),
        };
  return {
    ...(identifier !== undefined && { identifier }),
    ...(type !== undefined && { type }),
    ...(dict.has("_c") && { content: dict.get("_c") as OpackValue }),
    ...(xid !== undefined && { xid }),
    ...(error !== undefined && { error }),
    dict,
  };
}

/**
 * The CommandError a response carries, or undefined if it carries none. pyatv raises
 * ProtocolError("Command failed: <_em>") when `_em` is present; we raise CommandError with
 * the device's text for any of `_ec`/`_ed`/`_em`.
 */
export function responseError(message: CompanionMessage): CommandError | undefined {
  const error = message.error;
  if (error === undefined) return undefined;
  const where = [error.domain, error.code].filter((part) => part !== undefined).join(" ");
  const text = error.message ?? "no message";
  const command = message.identifier === undefined ? "Command" : `Command ${message.identifier}`;
  return new CommandError(`${command} failed: ${text}${where ? ` (${where})` : ""}`);
}

function optionalString(dict: OpackDict, key: string): string | undefined {
  if (!dict.has(key)) return undefined;
  const value = dict.get(key);
  if (typeof value !== "string")
    throw new ProtocolError(`Companion message ${key} is not a string`);
  return value;
}

function optionalInteger(dict: OpackDict, key: string): number | bigint | undefined {
  if (!dict.has(key)) return undefined;
  const value = opackInteger(dict.get(key));
  if (value === undefined) throw new ProtocolError(`Companion message ${key} is not an integer`);
  return value;
}
