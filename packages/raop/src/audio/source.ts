import { ProtocolError } from "@atv/interface";
import type { FormatDecoder } from "./block.js";
import { PcmConverter, toStereo } from "./convert.js";
import type { ByteInput } from "./input.js";
import type { AudioMetadata, AudioSource } from "./types.js";

const BYTES_PER_FRAME = 4;

/** Pulls blocks from a format decoder and hands out 44.1 kHz s16le stereo in any slice size. */
export class DecodedAudioSource implements AudioSource {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private ended = false;
  private closed = false;
  private converter: PcmConverter | undefined;
  private converterRate = 0;

  constructor(
    private readonly decoder: FormatDecoder,
    private readonly input: ByteInput,
    private readonly signal: AbortSignal | undefined,
  ) {}

  get duration(): number | undefined {
    return this.decoder.duration;
  }

  get metadata(): AudioMetadata {
    return this.decoder.metadata;
  }

  /** Decodes until the first PCM, so a corrupt file fails before anything is sent. */
  async prime(): Promise<void> {
    while (this.queued === 0 && !this.ended) await this.pull();
    if (this.queued === 0)
      throw new ProtocolError(`no audio could be decoded from ${this.input.name}`);
  }

  async read(frames: number): Promise<Uint8Array | undefined> {
    if (this.closed) return undefined;
    this.signal?.throwIfAborted();
    const want = Math.max(1, Math.floor(frames)) * BYTES_PER_FRAME;
    while (this.queued < want && !this.ended) await this.pull();
    if (this.queued === 0) return undefined;
    return this.take(Math.min(want, this.queued));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    this.decoder.free();
    await this.input.close();
  }

  private async pull(): Promise<void> {
    const block = await this.decoder.next();
    if (block === undefined) {
      this.ended = true;
      if (this.converter) this.push(this.converter.flush());
      return;
    }
    if (block.kind === "pcm") {
      this.push(block.bytes);
      return;
    }
    if (block.channels.length === 0) return;
    if (this.converterRate !== block.sampleRate) {
      // A stream may change rate (MP3 can): finish the old rate's tail first.
      if (this.converter) this.push(this.converter.flush());
      this.converter = new PcmConverter(block.sampleRate);
      this.converterRate = block.sampleRate;
    }
    this.push((this.converter as PcmConverter).convert(toStereo(block.channels)));
  }

  private push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
  }

  private take(n: number): Uint8Array {
    const head = this.queue[0] as Uint8Array;
    if (head.length >= n) {
      this.queued -= n;
      if (head.length === n) this.queue.shift();
      else this.queue[0] = head.subarray(n);
      return head.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.queue[0] as Uint8Array;
      const part = Math.min(chunk.length, n - offset);
      out.set(chunk.subarray(0, part), offset);
      offset += part;
      if (part === chunk.length) this.queue.shift();
      else this.queue[0] = chunk.subarray(part);
    }
    this.queued -= n;
    return out;
  }
}
