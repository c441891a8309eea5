import type { ByteInput } from "./input.js";

/** Buffers a ByteInput so parsers can ask for exact byte counts. */
export class ByteReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  /** Bytes consumed so far (the stream position of the next byte). */
  position = 0;

  constructor(readonly input: ByteInput) {}

  /** Buffers at least `n` bytes unless the input ends first; returns what is buffered. */
  async peek(n: number): Promise<Uint8Array> {
    while (this.buffered < n && !this.ended) {
      const chunk = await this.input.next();
      if (chunk === undefined) this.ended = true;
      else if (chunk.length > 0) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
    }
    this.coalesce();
    const head = this.chunks[0] ?? new Uint8Array(0);
    return head.subarray(0, Math.min(n, head.length));
  }

  /**
   * Waits for at least `min` bytes (fewer only at the end), then returns up to `max` of what
   * is buffered: for sniffing without stalling on a slow stream that has sent enough.
   */
  async peekAvailable(min: number, max: number): Promise<Uint8Array> {
    await this.peek(min);
    this.coalesce();
    const head = this.chunks[0] ?? new Uint8Array(0);
    return head.subarray(0, Math.min(max, head.length));
  }

  /** Exactly `n` bytes, or fewer only at the end of the input. */
  async read(n: number): Promise<Uint8Array> {
    const bytes = await this.peek(n);
    this.consume(bytes.length);
    return bytes;
  }

  /** Whatever is buffered or arrives next, at most `max` bytes; undefined at the end. */
  async readSome(max: number): Promise<Uint8Array | undefined> {
    if (this.buffered === 0) await this.peek(1);
    const head = this.chunks[0];
    if (head === undefined) return undefined;
    const bytes = head.subarray(0, Math.min(max, head.length));
    this.consume(bytes.length);
    return bytes;
  }

  /** Skips `n` bytes; returns how many were skipped (fewer only at the end). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const some = await this.readSome(left);
      if (some === undefined) break;
      left -= some.length;
    }
    return n - left;
  }

  private coalesce(): void {
    if (this.chunks.length <= 1) return;
    const all = new Uint8Array(this.buffered);
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    this.chunks = [all];
  }

  private consume(n: number): void {
    let left = n;
    this.position += n;
    this.buffered -= n;
    while (left > 0) {
      const head = this.chunks[0] as Uint8Array;
      if (head.length <= left) {
        this.chunks.shift();
        left -= head.length;
      } else {
        this.chunks[0] = head.subarray(left);
        left = 0;
      }
    }
  }
}
