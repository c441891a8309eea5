import { type Answer, type DecodedPacket, decode, encode, type Packet } from "dns-packet";
import { MalformedPacketError } from "./errors.js";
import {
  frameMessage,
  HEADER_SIZE,
  type MessageFrame,
  type RecordFrame,
  RecordType,
  skipName,
  UNICAST_RESPONSE_BIT,
} from "./wire.js";

export interface DnsQuestion {
  readonly name: string;
  /** Numeric record type, e.g. RecordType.PTR. */
  readonly type: number;
  /** The unicast-response ("QU") bit of the class field (RFC 6762 §5.4). */
  readonly unicastResponse?: boolean;
}

interface RecordBase {
  readonly name: string;
  readonly ttl: number;
  /** The cache-flush bit of the class field (RFC 6762 §10.2). */
  readonly cacheFlush?: boolean;
}

export type DnsRecord =
  | (RecordBase & { readonly type: "A"; readonly address: string })
  | (RecordBase & { readonly type: "AAAA"; readonly address: string })
  | (RecordBase & { readonly type: "PTR"; readonly target: string })
  | (RecordBase & {
      readonly type: "SRV";
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: string;
    })
  | (RecordBase & { readonly type: "TXT"; readonly strings: readonly Uint8Array[] })
  /** A record of a type this package does not read; only its numeric type is kept. */
  | (RecordBase & { readonly type: "OTHER"; readonly code: number });

export interface DnsMessage {
  readonly id: number;
  /** The 16-bit flags field; bit 15 set means a response. */
  readonly flags: number;
  readonly isResponse: boolean;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

export type DecodeResult =
  | { readonly ok: true; readonly message: DnsMessage }
  | { readonly ok: false; readonly error: MalformedPacketError };

const RESPONSE_FLAG = 0x8000;
const CACHE_FLUSH_BIT = 0x8000;
const MAX_LABEL_BYTES = 63;

/** Names dns-packet spells record types with; other numbers go as "UNKNOWN_<n>". */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  [RecordType.A]: "A",
  [RecordType.PTR]: "PTR",
  [RecordType.TXT]: "TXT",
  [RecordType.AAAA]: "AAAA",
  [RecordType.SRV]: "SRV",
  [RecordType.ANY]: "ANY",
};

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `UNKNOWN_${type}`;
}

function malformed(reason: string, cause?: unknown): DecodeResult {
  return { ok: false, error: new MalformedPacketError(reason, cause ? { cause } : undefined) };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function stringField(data: unknown, key?: string): string {
  const value = key === undefined ? data : (data as Record<string, unknown> | null)?.[key];
  if (typeof value !== "string") throw new TypeError(`expected text in ${key ?? "data"}`);
  return value;
}

function numberField(data: unknown, key: string): number {
  const value = (data as Record<string, unknown> | null)?.[key];
  if (typeof value !== "number") throw new TypeError(`expected a number in ${key}`);
  return value;
}

/** dns-packet decoded as many entries as the framing found; anything else is a bug there. */
function present<T>(value: T | undefined): T {
  if (value === undefined) throw new TypeError("dns-packet decoded fewer entries than framed");
  return value;
}

function toRecord(decoded: { name: string; data?: unknown }, frame: RecordFrame): DnsRecord {
  const base = {
    name: decoded.name,
    ttl: frame.ttl,
    cacheFlush: (frame.class & CACHE_FLUSH_BIT) !== 0,
  };
  const data = decoded.data;
  switch (frame.type) {
    case RecordType.A:
      return { ...base, type: "A", address: stringField(data) };
    case RecordType.AAAA:
      return { ...base, type: "AAAA", address: stringField(data) };
    case RecordType.PTR:
      return { ...base, type: "PTR", target: stringField(data) };
    case RecordType.SRV:
      return {
        ...base,
        type: "SRV",
        priority: numberField(data, "priority"),
        weight: numberField(data, "weight"),
        port: numberField(data, "port"),
        target: stringField(data, "target"),
      };
    case RecordType.TXT: {
      if (!Array.isArray(data)) throw new TypeError("expected TXT strings");
      // Copies, so a kept record does not pin the whole datagram in memory.
      return { ...base, type: "TXT", strings: data.map((s: Uint8Array) => new Uint8Array(s)) };
    }
    default:
      return { ...base, type: "OTHER", code: frame.type };
  }
}

function toMessage(packet: DecodedPacket, frame: MessageFrame): DnsMessage {
  const records = (decoded: readonly Answer[] | undefined, frames: readonly RecordFrame[]) =>
    frames.map((f, i) => toRecord(present(decoded?.[i]), f));
  return {
    id: frame.id,
    flags: frame.flags,
    isResponse: (frame.flags & RESPONSE_FLAG) !== 0,
    questions: frame.questions.map((q, i) => ({
      name: present(packet.questions?.[i]).name,
      type: q.type,
      unicastResponse: (q.class & UNICAST_RESPONSE_BIT) !== 0,
    })),
    answers: records(packet.answers, frame.answers),
    authorities: records(packet.authorities, frame.authorities),
    additionals: records(packet.additionals, frame.additionals),
  };
}

/**
 * Decodes one DNS message. Never throws: a datagram that is not a well-formed message
 * (truncated, bad lengths, compression loops, absurd counts, over 9000 bytes) gives
 * `{ ok: false, error }` with a MalformedPacketError.
 */
export function decodeMessage(bytes: Uint8Array): DecodeResult {
  let frame: MessageFrame;
  try {
    frame = frameMessage(bytes);
  } catch (error) {
    if (error instanceof MalformedPacketError) return { ok: false, error };
    return malformed("could not frame the message", error);
  }
  // The framing checked every length, so dns-packet only decodes content here.
  let packet: DecodedPacket;
  try {
    packet = decode(withUnreadTypesOpaque(bytes, frame));
  } catch (error) {
    return malformed("dns-packet could not decode the message", error);
  }
  if (decode.bytes !== frame.end) {
    return malformed(`records end at ${decode.bytes}, expected ${frame.end}`);
  }
  try {
    return { ok: true, message: toMessage(packet, frame) };
  } catch (error) {
    return malformed("unexpected record content", error);
  }
}

const READ_TYPES: ReadonlySet<number> = new Set([
  RecordType.A,
  RecordType.AAAA,
  RecordType.PTR,
  RecordType.SRV,
  RecordType.TXT,
]);
/** A type number dns-packet has no decoder for, so it keeps the data as raw bytes. */
const OPAQUE_TYPE = 0xffff;

/**
 * dns-packet decodes some types (NSEC, OPT, SOA...) by their content and trusts it over
 * the record's length, so one odd record we do not even read would spoil the message.
 * It gets a copy in which those records are marked with a type it treats as opaque.
 */
function withUnreadTypesOpaque(bytes: Uint8Array, frame: MessageFrame): Buffer {
  const records = [...frame.answers, ...frame.authorities, ...frame.additionals];
  if (records.every((r) => READ_TYPES.has(r.type))) return asBuffer(bytes);
  const copy = Buffer.from(bytes);
  for (const record of records) {
    if (!READ_TYPES.has(record.type)) copy.writeUInt16BE(OPAQUE_TYPE, record.rdataStart - 10);
  }
  return copy;
}

function truncateLabel(label: string): string {
  let out = label;
  // Cut whole code points so a multi-byte character is never split (as pyatv does).
  while (Buffer.byteLength(out) > MAX_LABEL_BYTES) out = [...out].slice(0, -1).join("");
  return out;
}

/**
 * A name as dns-packet can encode it: NFC-normalised (RFC 6763 §4.1.3), no empty labels,
 * labels cut to 63 bytes. dns-packet writes a label's length without checking it.
 */
export function wireName(name: string): string {
  return name
    .normalize("NFC")
    .split(".")
    .filter((label) => label.length > 0)
    .map(truncateLabel)
    .join(".");
}

export interface OutgoingMessage {
  readonly id?: number;
  /** Flags other than the response bit. */
  readonly flags?: number;
  readonly isResponse: boolean;
  readonly questions?: readonly DnsQuestion[];
  readonly answers?: readonly DnsRecord[];
  readonly additionals?: readonly DnsRecord[];
}

// dns-packet's typings know neither "ANY" nor "UNKNOWN_<n>" types, which it encodes.
type WireQuestion = { name: string; type: string; class: "IN" };
type WireAnswer = {
  name: string;
  type: string;
  ttl: number;
  class: "IN";
  flush: boolean;
  data: unknown;
};

function toWireRecord(record: DnsRecord): WireAnswer | undefined {
  const base = {
    name: wireName(record.name),
    ttl: record.ttl,
    class: "IN" as const,
    flush: record.cacheFlush ?? false,
  };
  switch (record.type) {
    case "A":
    case "AAAA":
      return { ...base, type: record.type, data: record.address };
    case "PTR":
      return { ...base, type: "PTR", data: wireName(record.target) };
    case "SRV":
      return {
        ...base,
        type: "SRV",
        data: {
          priority: record.priority,
          weight: record.weight,
          port: record.port,
          target: wireName(record.target),
        },
      };
    case "TXT":
      return {
        ...base,
        type: "TXT",
        data: record.strings.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength)),
      };
    default:
      return undefined;
  }
}

/** Encodes a message with dns-packet (records of type OTHER are left out). */
export function encodeMessage(message: OutgoingMessage): Uint8Array {
  const questions = message.questions ?? [];
  const wireQuestions: WireQuestion[] = questions.map((q) => ({
    name: wireName(q.name),
    type: typeName(q.type),
    class: "IN",
  }));
  const records = (list: readonly DnsRecord[] | undefined) =>
    (list ?? []).map(toWireRecord).filter((r) => r !== undefined);
  const packet = {
    type: message.isResponse ? "response" : "query",
    id: message.id ?? 0,
    flags: message.flags ?? 0,
    questions: wireQuestions,
    answers: records(message.answers),
    additionals: records(message.additionals),
  } as unknown as Packet;
  const bytes = encode(packet);
  // dns-packet 5.6 cannot write the unicast-response bit of a question class: set it here.
  let offset = HEADER_SIZE;
  for (const question of questions) {
    const nameEnd = skipName(bytes, offset);
    if (question.unicastResponse) bytes[nameEnd + 2] = (bytes[nameEnd + 2] ?? 0) | 0x80;
    offset = nameEnd + 4;
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
