// Puts a stream's audio back in sequence order. Packets may arrive out of order (a resent
// packet comes late), twice, or not at all; sequence numbers are 16 bits and wrap. PCM is
// hashed as it becomes contiguous, so the checksum covers everything however long the
// stream, while only a bounded prefix of the PCM itself is kept for tests to compare.
// Unlike shairport-sync, nothing at the start is dropped: what the client sent is what
// is hashed, padding included. A second checksum leaves out the silent frames at the end
// (senders pad the last packet and then send silence while the receiver's latency runs
// out), so a test can compare with a source whose own trailing silence it strips alike.

import { createHash, type Hash } from "node:crypto";

const BYTES_PER_FRAME = 4;

const SEQ_SPACE = 0x10000;
const HALF = 0x8000;

/** How far ahead of the next expected packet one may arrive before gaps are given up. */
export const DEFAULT_MAX_PENDING = 1024;

export interface PcmAssemblerOptions {
  /** The sequence number of the first packet, when RTP-Info announced it. */
  readonly firstSeqno?: number;
  /** PCM bytes kept for `pcm` (the hash covers everything); default 50 MiB. */
  readonly maxKeptBytes?: number;
  /** How many packets ahead of a missing one are held before it is given up; default 1024. */
  readonly maxPending?: number;
}

/** What `add` made of a packet. */
export type AddResult =
  | {
      readonly kind: "added";
      readonly gap: { readonly seqno: number; readonly count: number } | undefined;
    }
  | { readonly kind: "duplicate" | "late" };

export class PcmAssembler {
  readonly #hash: Hash = createHash("sha256");
  readonly #unpaddedHash: Hash = createHash("sha256");
  #unpaddedBytes = 0;
  /** Silent bytes at the end so far, not yet in the unpadded hash. */
  #silence = 0;
  readonly #maxKept: number;
  readonly #maxPending: number;
  readonly #kept: Uint8Array[] = [];
  #keptBytes = 0;
  #truncated = false;
  /** Extended (unwrapped) sequence number of the next packet to hash; undefined before the first. */
  #next: number | undefined;
  /** Highest extended sequence number seen. */
  #highest: number | undefined;
  readonly #pending = new Map<number, Uint8Array>();
  #bytes = 0;
  #missing = 0;
  #packets = 0;

  constructor(options: PcmAssemblerOptions = {}) {
    this.#maxKept = options.maxKeptBytes ?? 50 * 1024 * 1024;
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    if (options.firstSeqno !== undefined) {
      this.#next = options.firstSeqno & 0xffff;
      this.#highest = this.#next - 1;
    }
  }

  /** PCM bytes hashed so far (in order). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Packets hashed so far. */
  get packets(): number {
    return this.#packets;
  }

  /** Packets given up on (never arrived before the gap had to be closed). */
  get missing(): number {
    return this.#missing;
  }

  /** Sequence numbers (16-bit) still awaited before the held packets can be hashed. */
  get awaited(): number[] {
    if (this.#next === undefined || this.#highest === undefined) return [];
    const out: number[] = [];
    for (let n = this.#next; n < this.#highest; n++) {
      if (!this.#pending.has(n)) out.push(n & 0xffff);
    }
    return out;
  }

  /** The kept prefix of the PCM, in order. */
  get pcm(): Uint8Array {
    return concat(this.#kept, this.#keptBytes);
  }

  /** Whether `pcm` holds less than everything hashed. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Starts the stream at `seqno` unless a packet already started it. */
  begin(seqno: number): void {
    if (this.#highest === undefined) this.#extend(seqno & 0xffff);
  }

  /**
   * Adds one packet's PCM. A packet after a gap reports the gap (the sequence numbers to
   * ask for again); one already hashed or held is a duplicate; one from before the start
   * (or before a gap that was given up) is late.
   */
  add(seqno: number, pcm: Uint8Array): AddResult {
    const ext = this.#extend(seqno & 0xffff);
    const next = this.#next as number;
    // Already hashed, given up, or from before the start.
    if (ext < next) return { kind: "late" };
    if (this.#pending.has(ext)) return { kind: "duplicate" };
    let gap: { seqno: number; count: number } | undefined;
    if (ext - next > this.#maxPending) {
      // A receiver cannot wait forever: this far ahead, what is missing is lost.
      while (this.#pending.size > 0) this.#skipGap();
      this.#missing += ext - (this.#next as number);
      this.#next = ext;
    } else {
      const highest = this.#highest as number;
      if (ext > highest + 1) gap = { seqno: (highest + 1) & 0xffff, count: ext - highest - 1 };
    }
    if (ext > (this.#highest as number)) this.#highest = ext;
    this.#pending.set(ext, pcm.slice());
    this.#drain();
    return { kind: "added", gap };
  }

  /**
   * Ends the stream: what is still missing is given up, the held packets are hashed in
   * order. Returns the checksum of all PCM (hex), and of the PCM without its trailing
   * all-zero frames with that length in bytes.
   */
  finish(): { sha256: string; unpaddedSha256: string; unpaddedBytes: number } {
    while (this.#pending.size > 0) this.#skipGap();
    return {
      sha256: this.#hash.digest("hex"),
      unpaddedSha256: this.#unpaddedHash.digest("hex"),
      unpaddedBytes: this.#unpaddedBytes,
    };
  }

  #extend(seqno: number): number {
    if (this.#highest === undefined) {
      this.#next = seqno;
      this.#highest = seqno - 1;
      return seqno;
    }
    const base = this.#highest;
    let delta = (seqno - (base & 0xffff) + SEQ_SPACE) % SEQ_SPACE;
    if (delta >= HALF) delta -= SEQ_SPACE;
    return base + delta;
  }

  #drain(): void {
    let next = this.#next as number;
    for (let pcm = this.#pending.get(next); pcm !== undefined; pcm = this.#pending.get(next)) {
      this.#pending.delete(next);
      this.#consume(pcm);
      next += 1;
    }
    this.#next = next;
  }

  /** Gives up the packets missing before the first held one, then hashes what follows. */
  #skipGap(): void {
    let first = Number.POSITIVE_INFINITY;
    for (const ext of this.#pending.keys()) first = Math.min(first, ext);
    if (first === Number.POSITIVE_INFINITY) return;
    this.#missing += first - (this.#next as number);
    this.#next = first;
    this.#drain();
  }

  #consume(pcm: Uint8Array): void {
    this.#hash.update(pcm);
    this.#hashUnpadded(pcm);
    this.#bytes += pcm.length;
    this.#packets += 1;
    const room = this.#maxKept - this.#keptBytes;
    if (room <= 0) {
      if (pcm.length > 0) this.#truncated = true;
      return;
    }
    const part = pcm.length <= room ? pcm : pcm.subarray(0, room);
    if (part.length < pcm.length) this.#truncated = true;
    this.#kept.push(part);
    this.#keptBytes += part.length;
  }

  /** Hashes `pcm` into the unpadded checksum once sound follows the silence before it. */
  #hashUnpadded(pcm: Uint8Array): void {
    const end = soundEnd(pcm);
    if (end === 0) {
      this.#silence += pcm.length;
      return;
    }
    for (let left = this.#silence; left > 0; left -= ZEROS.length) {
      this.#unpaddedHash.update(left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left));
    }
    this.#unpaddedHash.update(pcm.subarray(0, end));
    this.#unpaddedBytes += this.#silence + end;
    this.#silence = pcm.length - end;
  }
}

const ZEROS = new Uint8Array(64 * 1024);

/** The length of `pcm` up to the end of its last frame with a non-zero byte. */
export function soundEnd(pcm: Uint8Array): number {
  let last = pcm.length - 1;
  while (last >= 0 && pcm[last] === 0) last--;
  return Math.min(pcm.length, Math.ceil((last + 1) / BYTES_PER_FRAME) * BYTES_PER_FRAME);
}

/**
 * PCM without its trailing silent (all-zero) frames: what the unpadded checksum of a
 * stream covers, for a test to apply to its source.
 */
export function trimTrailingSilence(pcm: Uint8Array): Uint8Array {
  return pcm.subarray(0, soundEnd(pcm));
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
