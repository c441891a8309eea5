import type { AudioMetadata } from "./types.js";

/** What a format decoder yields: float channels at their rate, or final PCM as is. */
export type PcmBlock =
  | { kind: "float"; channels: Float32Array[]; sampleRate: number }
  | { kind: "pcm"; bytes: Uint8Array };

export interface FormatDecoder {
  readonly duration: number | undefined;
  readonly metadata: AudioMetadata;
  /** The next block; undefined at the end. Empty blocks are allowed. */
  next(): Promise<PcmBlock | undefined>;
  /** Releases the decoder (WebAssembly memory); not the input. */
  free(): void;
}

export const INPUT_CHUNK = 16 * 1024;
