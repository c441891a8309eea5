// The audio of one RTSP session: decodes each RTP packet per the announced format (ALAC
// frames or big-endian L16) to PCM, drops the packets a test chose on first arrival,
// asks the client to send missing packets again, and turns each stream (RECORD or FLUSH
// to FLUSH or TEARDOWN) into a checksum and frame count.

import type { Logger } from "@atv/interface";
import { BYTES_PER_FRAME, decodeAlacFrame, decodeAudioPacket, l16ToPcm } from "../wire/index.js";
import type { FakeRaopFormat, FakeRaopVersion } from "./events.js";
import { PcmAssembler } from "./pcm-assembler.js";

/** The RTP payload type of audio (pyatv's stream_client.py: 0x60, marker on the first). */
const AUDIO_TYPE = 0x60;
/** Most sequence numbers remembered as asked for (older ones are forgotten). */
const MAX_REQUESTED = 4096;

export interface StreamRecorderConfig {
  readonly format: FakeRaopFormat;
  readonly version: FakeRaopVersion;
  /**
   * AirPlay 2: turns a sealed packet back into a plain RTP packet (header and payload);
   * a packet it cannot open (too short, failing authentication) throws and is dropped.
   */
  readonly unseal?: (packet: Uint8Array) => Uint8Array;
  /** The ALAC frame length the SDP announced. */
  readonly framesPerPacket: number;
  /** True for a sequence number whose first arrival is dropped (it is asked for again). */
  readonly dropSeqnos: ((seqno: number) => boolean) | undefined;
  readonly maxPcmBytes: number;
  readonly started: () => void;
  readonly requestRetransmit: (seqno: number, count: number) => void;
  readonly logger: Logger;
}

export interface RecordedAudio {
  readonly frames: number;
  readonly sha256: string;
  readonly unpaddedFrames: number;
  readonly unpaddedSha256: string;
  readonly missing: number;
  readonly pcm: Uint8Array;
  readonly truncated: boolean;
  readonly retransmitRequests: number;
  readonly badPackets: number;
}

export class StreamRecorder {
  readonly #config: StreamRecorderConfig;
  #assembler: PcmAssembler | undefined;
  /** The first sequence number of the next stream, from RTP-Info. */
  #firstSeqno: number | undefined;
  /** Asked for again and not yet arrived: the stream is not complete while any are. */
  readonly #requested = new Set<number>();
  #retransmitRequests = 0;
  /** Packets that could not be decoded or opened, since the last stream ended. */
  badPackets = 0;

  constructor(config: StreamRecorderConfig) {
    this.#config = config;
  }

  get format(): FakeRaopFormat {
    return this.#config.format;
  }

  get version(): FakeRaopVersion {
    return this.#config.version;
  }

  /** The PCM of the stream in progress, as far as it is kept. */
  get pcm(): Uint8Array | undefined {
    return this.#assembler?.pcm;
  }

  /** Whether packets asked for again (or missing before others) have not come yet. */
  get awaiting(): boolean {
    return this.#requested.size > 0 || (this.#assembler?.awaited.length ?? 0) > 0;
  }

  /** RTP-Info of RECORD or FLUSH: where the next stream starts. */
  expectFrom(seqno: number): void {
    if (this.#assembler === undefined) this.#firstSeqno = seqno;
  }

  audio(packet: Uint8Array, resent: boolean): void {
    let seqno: number;
    let pcm: Uint8Array;
    try {
      const unseal = this.#config.unseal;
      const decoded = decodeAudioPacket(unseal === undefined ? packet : unseal(packet));
      if (decoded.payloadType !== AUDIO_TYPE) {
        this.#config.logger.debug("fake raop: RTP payload type %d ignored", decoded.payloadType);
        return;
      }
      seqno = decoded.seqno;
      pcm =
        this.#config.format === "alac"
          ? decodeAlacFrame(decoded.payload, this.#config.framesPerPacket)
          : l16ToPcm(decoded.payload);
    } catch (error) {
      this.badPackets += 1;
      this.#config.logger.debug("fake raop: undecodable audio packet: %o", error);
      return;
    }
    const assembler = this.#stream();
    if (!resent && !this.#requested.has(seqno) && this.#config.dropSeqnos?.(seqno)) {
      assembler.begin(seqno);
      this.#request([seqno]);
      return;
    }
    this.#requested.delete(seqno);
    const result = assembler.add(seqno, pcm);
    if (result.kind === "added" && result.gap !== undefined) {
      const wanted: number[] = [];
      for (let i = 0; i < result.gap.count; i++) {
        const n = (result.gap.seqno + i) & 0xffff;
        if (!this.#requested.has(n)) wanted.push(n);
      }
      this.#request(wanted);
    }
  }

  /** Ends the stream in progress; undefined when none began. */
  end(): RecordedAudio | undefined {
    const assembler = this.#assembler;
    this.#assembler = undefined;
    this.#firstSeqno = undefined;
    this.#requested.clear();
    const retransmitRequests = this.#retransmitRequests;
    this.#retransmitRequests = 0;
    const badPackets = this.badPackets;
    if (assembler === undefined) return undefined;
    this.badPackets = 0;
    const digest = assembler.finish();
    return {
      frames: assembler.bytes / BYTES_PER_FRAME,
      sha256: digest.sha256,
      unpaddedFrames: digest.unpaddedBytes / BYTES_PER_FRAME,
      unpaddedSha256: digest.unpaddedSha256,
      missing: assembler.missing,
      pcm: assembler.pcm,
      truncated: assembler.truncated,
      retransmitRequests,
      badPackets,
    };
  }

  #stream(): PcmAssembler {
    if (this.#assembler === undefined) {
      this.#assembler = new PcmAssembler({
        ...(this.#firstSeqno === undefined ? {} : { firstSeqno: this.#firstSeqno }),
        maxKeptBytes: this.#config.maxPcmBytes,
      });
      this.#config.started();
    }
    return this.#assembler;
  }

  /** Sends one request per run of consecutive sequence numbers. */
  #request(seqnos: readonly number[]): void {
    let i = 0;
    while (i < seqnos.length) {
      const first = seqnos[i] as number;
      let count = 1;
      while (i + count < seqnos.length && seqnos[i + count] === ((first + count) & 0xffff)) count++;
      for (let k = 0; k < count; k++) this.#remember((first + k) & 0xffff);
      this.#retransmitRequests += 1;
      this.#config.requestRetransmit(first, count);
      i += count;
    }
  }

  #remember(seqno: number): void {
    if (this.#requested.size >= MAX_REQUESTED) {
      const oldest = this.#requested.values().next().value;
      if (oldest !== undefined) this.#requested.delete(oldest);
    }
    this.#requested.add(seqno);
  }
}
