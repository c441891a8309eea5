/** Tags read from an audio file. */
export interface AudioMetadata {
  title?: string;
  artist?: string;
  album?: string;
  artwork?: { bytes: Uint8Array; mimetype: string };
}

/** Audio as interleaved signed 16-bit little-endian stereo PCM at 44.1 kHz. */
export interface AudioSource {
  /** Seconds, when the container says. */
  readonly duration: number | undefined;
  readonly metadata: AudioMetadata;
  /** At most `frames * 4` bytes of PCM; undefined at the end. */
  read(frames: number): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

export interface OpenAudioSourceOptions {
  signal?: AbortSignal;
}
