/**
 * Most output waiting for a reader that has stopped reading (a paused pipe, say) before
 * lines are dropped: the device's log must not grow its memory without bound.
 */
const MAX_PENDING_OUTPUT = 64 * 1024;

/**
 * atvfake's event lines on standard output: its log. A device serves on whatever happens
 * to its log, so when nobody reads the lines any more (`atvfake | head -1`) it stops
 * printing them instead of dying of EPIPE, and while the reader lags too far behind it
 * drops lines and then says how many (`{"event": "dropped", "lines": N}`).
 */
export class EventOutput {
  #gone = false;
  #dropped = 0;
  readonly #stream: NodeJS.WritableStream & { readonly writableLength: number };

  constructor(
    stream: NodeJS.WritableStream & { readonly writableLength: number } = process.stdout,
  ) {
    this.#stream = stream;
    stream.on("error", () => {
      this.#gone = true;
    });
  }

  emit(event: Record<string, unknown>): void {
    if (this.#gone) return;
    if (this.#stream.writableLength > MAX_PENDING_OUTPUT) {
      if (this.#dropped === 0) this.#stream.once("drain", () => this.#reportDropped());
      this.#dropped += 1;
      return;
    }
    this.#stream.write(`${JSON.stringify(event)}\n`);
  }

  #reportDropped(): void {
    const lines = this.#dropped;
    this.#dropped = 0;
    this.emit({ event: "dropped", lines });
  }
}
