// Turns PCM from a source into RTP packets and sends them paced by the wall clock: packet
// n is due at start + n × 352/44100 s (computed from the start, so a long file does not
// drift the way a chain of timers does). A few packets go out at once at the start, and
// a sender that fell behind catches up a few packets at a time (pyatv's stream_client.py
// sends at most 3 extra per round), so the receiver is never flooded.

import { setTimeout as sleep } from "node:timers/promises";
import type { AudioSource } from "../audio/index.js";
import {
  BYTES_PER_FRAME,
  encodeAlacFrame,
  encodeAudioHeader,
  encodeAudioPacket,
  FRAMES_PER_PACKET,
  ntpNow,
  pcmToL16,
  SAMPLE_RATE,
} from "../wire/index.js";
import type { PacketBacklog } from "./packet-backlog.js";

const PACKET_BYTES = FRAMES_PER_PACKET * BYTES_PER_FRAME;
/** Packets sent at once when the stream starts, ahead of the clock (about 23 ms). */
export const LEAD_PACKETS = 2;
/**
 * How far ahead of the clock a packet may go out (ms). Waking once per few packets rather
 * than once per packet (125 times a second) keeps the timer cost down; receivers buffer
 * far more than this (pyatv's latency is 1.5 s).
 */
const MAX_AHEAD_MS = 25;
/** Most packets sent in a row when behind before letting other work run. */
const MAX_CATCH_UP = 4;
/** Behind by more than this (ms), the debt is forgotten rather than flooded out. */
const MAX_LATE_MS = 500;

export type AudioFormat = "alac" | "l16";

export interface AudioSenderOptions {
  readonly source: AudioSource;
  readonly send: (packet: Uint8Array) => void;
  readonly backlog: PacketBacklog;
  readonly format: AudioFormat;
  readonly ssrc: number;
  /** First sequence number. */
  readonly seqno: number;
  /** RTP time of the first frame. */
  readonly rtpTime: number;
  /** Audio seconds per wall-clock second; 1 is real time (a test and benchmark knob). */
  readonly speed?: number;
  /** Told after every packet sent (the sync packets read the position from it). */
  readonly onPacket?: (frames: number) => void;
  /**
   * Makes the packet from its 12-byte RTP header and payload (AirPlay 2 seals the
   * payload); without it the packet is header and payload as they are. What it returns
   * is what the backlog keeps, so a retransmit resends those very bytes.
   */
  readonly seal?: (header: Uint8Array, payload: Uint8Array) => Uint8Array;
}

/** What has gone out so far. */
export interface SenderPosition {
  readonly nextSeqno: number;
  readonly nextRtpTime: number;
  /** Frames sent, the silence padding the last packet included. */
  readonly frames: number;
  /** Frames of the source sent. */
  readonly sourceFrames: number;
  readonly packets: number;
}

export class AudioSender {
  readonly #options: AudioSenderOptions;
  #seqno: number;
  #rtpTime: number;
  #frames = 0;
  #sourceFrames = 0;
  #packets = 0;
  #stopped = false;
  #start = 0;
  #pending: Uint8Array | undefined;
  /** When the first packet went out (performance.now()), for the start-up latency. */
  firstPacketAt: number | undefined;

  constructor(options: AudioSenderOptions) {
    this.#options = options;
    this.#seqno = options.seqno & 0xffff;
    this.#rtpTime = options.rtpTime >>> 0;
  }

  get position(): SenderPosition {
    return {
      nextSeqno: this.#seqno,
      nextRtpTime: this.#rtpTime,
      frames: this.#frames,
      sourceFrames: this.#sourceFrames,
      packets: this.#packets,
    };
  }

  get #packetMs(): number {
    return (FRAMES_PER_PACKET / SAMPLE_RATE) * (1000 / (this.#options.speed ?? 1));
  }

  /** When packet `n` is due, on performance.now()'s clock. */
  #dueAt(n: number): number {
    return this.#start + (n - LEAD_PACKETS) * this.#packetMs;
  }

  /**
   * The wall-clock time (NTP, 32.32 fixed point) the next packet is due at: what a sync
   * packet pairs with the next RTP time (pyatv: ts2ntp(head_ts)).
   */
  nextPacketNtp(): bigint {
    const offsetMs = this.#dueAt(this.#packets) - performance.now();
    return ntpNow() + BigInt(Math.round((offsetMs / 1000) * 2 ** 32));
  }

  /** Ends run() after the packet being sent. */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Sends the whole source, paced; resolves when the last packet went out (or stop()),
   * rejects with the signal's reason or the source's error.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#start = performance.now();
    let inARow = 0;
    while (!this.#stopped) {
      signal.throwIfAborted();
      const ahead = this.#dueAt(this.#packets) - performance.now();
      if (ahead > MAX_AHEAD_MS) {
        inARow = 0;
        // Wake when the packet is due (then up to MAX_AHEAD_MS of packets go out).
        await sleep(ahead, undefined, { signal });
      } else if (-ahead > MAX_LATE_MS) {
        this.#start -= ahead;
      } else if (++inARow > MAX_CATCH_UP) {
        inARow = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const pcm = await this.#readPacket();
      if (pcm === undefined || this.#stopped) break;
      signal.throwIfAborted();
      this.#sendPacket(pcm);
    }
  }

  /** 1,408 bytes of PCM, the last packet padded with silence; undefined at the end. */
  async #readPacket(): Promise<Uint8Array | undefined> {
    const firstRead = this.#pending ?? (await this.#options.source.read(FRAMES_PER_PACKET));
    this.#pending = undefined;
    if (firstRead === undefined || firstRead.length === 0) return undefined;
    let pcm: Uint8Array = firstRead;
    // A source may return short reads before its end: fill the packet up first.
    while (pcm.length < PACKET_BYTES) {
      const more = await this.#options.source.read(
        Math.ceil((PACKET_BYTES - pcm.length) / BYTES_PER_FRAME),
      );
      if (more === undefined || more.length === 0) break;
      const joined = new Uint8Array(pcm.length + more.length);
      joined.set(pcm);
      joined.set(more, pcm.length);
      pcm = joined;
    }
    if (pcm.length > PACKET_BYTES) {
      this.#pending = pcm.subarray(PACKET_BYTES);
      pcm = pcm.subarray(0, PACKET_BYTES);
    }
    // Whole frames only: a stray byte or two of a broken source are dropped.
    const whole = pcm.length - (pcm.length % BYTES_PER_FRAME);
    this.#sourceFrames += whole / BYTES_PER_FRAME;
    if (whole === PACKET_BYTES) return pcm;
    // The last packet, padded to 352 frames with silence. The receiver gets these
    // (352 - frames % 352) % 352 zero frames after the source's audio; nothing is added
    // before it.
    const padded = new Uint8Array(PACKET_BYTES);
    padded.set(pcm.subarray(0, whole));
    return padded;
  }

  #sendPacket(pcm: Uint8Array): void {
    const { format, ssrc, backlog, send, onPacket, seal } = this.#options;
    const payload = format === "alac" ? encodeAlacFrame(pcm) : pcmToL16(pcm);
    const fields = {
      marker: this.#packets === 0,
      seqno: this.#seqno,
      timestamp: this.#rtpTime,
      ssrc,
    };
    const packet = seal
      ? seal(encodeAudioHeader(fields), payload)
      : encodeAudioPacket({ ...fields, payload });
    backlog.add(this.#seqno, packet);
    send(packet);
    if (this.firstPacketAt === undefined) this.firstPacketAt = performance.now();
    this.#seqno = (this.#seqno + 1) & 0xffff;
    this.#rtpTime = (this.#rtpTime + FRAMES_PER_PACKET) >>> 0;
    this.#frames += FRAMES_PER_PACKET;
    this.#packets++;
    onPacket?.(FRAMES_PER_PACKET);
  }
}
