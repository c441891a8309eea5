// Audio for the package's tests: PCM patterns and sources from memory (no decoder
// involved), and the checksum the fake receiver reports of what it received.

import { createHash } from "node:crypto";
import type { AudioMetadata, AudioSource } from "../audio/index.js";

export interface MemorySource extends AudioSource {
  readonly closed: boolean;
}

/** Serves `pcm` (S16LE stereo) in reads of at most the frames asked for. */
export function memorySource(
  pcm: Uint8Array,
  options: { duration?: number; metadata?: AudioMetadata; chunkFrames?: number } = {},
): MemorySource {
  let offset = 0;
  let closed = false;
  return {
    duration: options.duration ?? pcm.length / 4 / 44100,
    metadata: options.metadata ?? {},
    get closed() {
      return closed;
    },
    async read(frames: number) {
      if (offset >= pcm.length) return undefined;
      const frameCount = Math.min(frames, options.chunkFrames ?? frames);
      const chunk = pcm.subarray(offset, offset + frameCount * 4);
      offset += chunk.length;
      return chunk;
    },
    async close() {
      closed = true;
    },
  };
}

/** `frames` frames of a deterministic pattern (no two neighbouring samples equal). */
export function patternPcm(frames: number, seed = 1): Uint8Array {
  const pcm = new Uint8Array(frames * 4);
  const view = new DataView(pcm.buffer);
  let state = seed >>> 0;
  for (let i = 0; i < frames * 2; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    view.setInt16(i * 2, (state >>> 16) - 32768, true);
  }
  return pcm;
}

/** SHA-256 of `bytes`, in hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
