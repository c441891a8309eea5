import type { Playing } from "./api/metadata.js";
import { playingEquals } from "./playing.js";

/**
 * One `pushUpdates()` iterator's queue of what-is-playing updates not yet taken: an update
 * equal to the last one offered is dropped, and the iterator waits until there is
 * something to take or it ended (with an error, if any). Protocols' push updaters keep
 * one per iterator.
 */
export class PlayingSubscriber {
  readonly queue: Playing[] = [];
  last: Playing | undefined;
  ended = false;
  error: Error | undefined;
  #wake: (() => void) | undefined;

  offer(playing: Playing): void {
    if (this.ended || (this.last !== undefined && playingEquals(this.last, playing))) return;
    this.last = playing;
    this.queue.push(playing);
    this.#notify();
  }

  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    this.#notify();
  }

  /** Resolves when there is something to take or the iterator ended. */
  wait(): Promise<void> {
    if (this.queue.length > 0 || this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** The updates as they come, until the iterator ends (throwing its error, if any). */
  async *take(): AsyncGenerator<Playing> {
    while (true) {
      await this.wait();
      const next = this.queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.error !== undefined) throw this.error;
      return;
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
