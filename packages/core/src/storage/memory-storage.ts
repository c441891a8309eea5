import type { AbortOptions } from "@atv/interface";
import { AbstractStorage } from "./abstract-storage.js";

/**
 * Settings kept in memory only, forgotten when the process ends (pyatv's MemoryStorage).
 * scan(), pair() and connect() work with it as with any storage.
 */
export class MemoryStorage extends AbstractStorage {
  async save(opts: AbortOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
  }

  async load(opts: AbortOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
  }

  override toString(): string {
    return "MemoryStorage";
  }
}
