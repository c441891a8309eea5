import { MalformedPacketError } from "./errors.js";

/**
 * RFC 6762 §17: a Multicast DNS packet, headers included, must not exceed 9000 bytes. A
 * larger datagram is no mDNS answer, and refusing it bounds the work any packet can cause.
 */
export const MAX_MESSAGE_SIZE = 9000;

export const HEADER_SIZE = 12;

/** dns-packet refuses names whose labels add up to more than this (RFC 1035 §2.3.4). */
const MAX_NAME_LENGTH = 254;

/** Pointers only go backwards, so chains end anyway; this only caps the work per name. */
const MAX_POINTER_JUMPS = 32;

/** Smallest wire sizes: a question is a root name plus type and class; a record adds TTL and length. */
const MIN_QUESTION_SIZE = 5;
const MIN_RECORD_SIZE = 11;

export const RecordType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  ANY: 255,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** The top bit of a question's class: "unicast response requested" (RFC 6762 §5.4). */
export const UNICAST_RESPONSE_BIT = 0x8000;

export interface QuestionFrame {
  readonly type: number;
  /** The class field as sent, unicast-response bit included. */
  readonly class: number;
  /** Offset of the class field, so an encoder can set the unicast-response bit. */
  readonly classOffset: number;
}

export interface RecordFrame {
  readonly type: number;
  /** The class field as sent, cache-flush bit included. */
  readonly class: number;
  readonly ttl: number;
  readonly rdataStart: number;
  readonly rdataEnd: number;
}

export interface MessageFrame {
  readonly id: number;
  readonly flags: number;
  readonly questions: readonly QuestionFrame[];
  readonly answers: readonly RecordFrame[];
  readonly authorities: readonly RecordFrame[];
  readonly additionals: readonly RecordFrame[];
  /** Offset just past the last record. */
  readonly end: number;
}

function malformed(reason: string): never {
  throw new MalformedPacketError(reason);
}

function read16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

function read32(bytes: Uint8Array, offset: number): number {
  return read16(bytes, offset) * 0x10000 + read16(bytes, offset + 2);
}

/**
 * Walks a (possibly compressed) name and returns the offset just past it in place.
 * Compression pointers must point before the start of the name part they continue, as
 * dns-packet demands: that rules out loops (RFC 1035 §4.1.4, "a prior occurrence").
 */
export function skipName(bytes: Uint8Array, start: number): number {
  let offset = start;
  let segmentStart = start;
  let endInPlace = -1;
  let length = 0;
  let jumps = 0;
  for (;;) {
    if (offset >= bytes.length) malformed(`name at ${start} runs past the end`);
    const len = bytes[offset]!;
    if (len === 0) return endInPlace === -1 ? offset + 1 : endInPlace;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (offset + 1 >= bytes.length) malformed(`truncated pointer in name at ${start}`);
      const target = ((len & 0x3f) << 8) | bytes[offset + 1]!;
      if (target < HEADER_SIZE || target >= segmentStart) {
        malformed(`compression pointer at ${offset} does not point backwards`);
      }
      jumps += 1;
      if (jumps > MAX_POINTER_JUMPS) malformed(`too many compression pointers in name at ${start}`);
      if (endInPlace === -1) endInPlace = offset + 2;
      offset = target;
      segmentStart = target;
    } else if (kind === 0) {
      length += len + 1;
      if (length > MAX_NAME_LENGTH) malformed(`name at ${start} is too long`);
      if (offset + 1 + len > bytes.length) malformed(`label at ${offset} runs past the end`);
      offset += 1 + len;
    } else {
      malformed(`reserved label type at ${offset}`);
    }
  }
}

/** Checks that an rdata's content fits its declared length, for the types we read. */
function checkRdata(bytes: Uint8Array, type: number, start: number, end: number): void {
  const length = end - start;
  switch (type) {
    case RecordType.A:
      if (length !== 4) malformed(`A record with ${length} bytes of data`);
      return;
    case RecordType.AAAA:
      if (length !== 16) malformed(`AAAA record with ${length} bytes of data`);
      return;
    case RecordType.PTR:
    case RecordType.CNAME:
    case RecordType.NS:
    case RecordType.DNAME:
      if (skipName(bytes, start) !== end) malformed(`name record at ${start} has a bad length`);
      return;
    case RecordType.SRV:
      if (length < 7 || skipName(bytes, start + 6) !== end) {
        malformed(`SRV record at ${start} has a bad length`);
      }
      return;
    case RecordType.TXT: {
      let offset = start;
      while (offset < end) offset += 1 + bytes[offset]!;
      if (offset !== end) malformed(`TXT strings at ${start} overrun their record`);
      return;
    }
    default:
      return;
  }
}

function frameRecord(bytes: Uint8Array, start: number): { frame: RecordFrame; end: number } {
  const nameEnd = skipName(bytes, start);
  if (nameEnd + 10 > bytes.length) malformed(`record at ${start} is truncated`);
  const type = read16(bytes, nameEnd);
  const rdataStart = nameEnd + 10;
  const rdataEnd = rdataStart + read16(bytes, nameEnd + 8);
  if (rdataEnd > bytes.length) malformed(`record data at ${rdataStart} runs past the end`);
  checkRdata(bytes, type, rdataStart, rdataEnd);
  const frame: RecordFrame = {
    type,
    class: read16(bytes, nameEnd + 2),
    ttl: read32(bytes, nameEnd + 4),
    rdataStart,
    rdataEnd,
  };
  return { frame, end: rdataEnd };
}

/**
 * Checks the structure of a DNS message (header, counts, names, record lengths) without
 * decoding its content, and returns where everything is. Throws MalformedPacketError only.
 */
export function frameMessage(bytes: Uint8Array): MessageFrame {
  if (bytes.length < HEADER_SIZE) malformed(`${bytes.length} bytes is shorter than a header`);
  if (bytes.length > MAX_MESSAGE_SIZE) malformed(`${bytes.length} bytes is over the mDNS limit`);
  const counts = [read16(bytes, 4), read16(bytes, 6), read16(bytes, 8), read16(bytes, 10)];
  const [qd = 0, an = 0, ns = 0, ar = 0] = counts;
  if (qd * MIN_QUESTION_SIZE + (an + ns + ar) * MIN_RECORD_SIZE > bytes.length - HEADER_SIZE) {
    malformed(`record counts ${counts.join("/")} cannot fit in ${bytes.length} bytes`);
  }

  let offset = HEADER_SIZE;
  const questions: QuestionFrame[] = [];
  for (let i = 0; i < qd; i++) {
    const nameEnd = skipName(bytes, offset);
    if (nameEnd + 4 > bytes.length) malformed(`question at ${offset} is truncated`);
    questions.push({
      type: read16(bytes, nameEnd),
      class: read16(bytes, nameEnd + 2),
      classOffset: nameEnd + 2,
    });
    offset = nameEnd + 4;
  }
  const sections: RecordFrame[][] = [];
  for (const count of [an, ns, ar]) {
    const records: RecordFrame[] = [];
    for (let i = 0; i < count; i++) {
      const { frame, end } = frameRecord(bytes, offset);
      records.push(frame);
      offset = end;
    }
    sections.push(records);
  }
  return {
    id: read16(bytes, 0),
    flags: read16(bytes, 2),
    questions,
    answers: sections[0] ?? [],
    authorities: sections[1] ?? [],
    additionals: sections[2] ?? [],
    end: offset,
  };
}
