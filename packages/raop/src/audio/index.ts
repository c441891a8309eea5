// Audio sources decoded to the one format RAOP sends: 44.1 kHz, 16-bit, stereo, little-endian.

export { openAudioSource } from "./open.js";
export type { AudioMetadata, AudioSource, OpenAudioSourceOptions } from "./types.js";
export { encodeWav } from "./wav-builder.js";
