// The audio sources (and their WebAssembly decoders) are @atv/raop/audio: streaming loads
// them when a stream starts, and nothing else pays for them.
export type { AudioMetadata, AudioSource, OpenAudioSourceOptions } from "./audio/index.js";
export { RAOP_V2_IDENTITY, type RaopSenderIdentity } from "./client/airplay2-stream.js";
export {
  connectRaop,
  INITIAL_VOLUME,
  RaopClient,
  type RaopConnectOptions,
  type RaopProtocolVersion,
  type RaopStreamOptions,
  type RaopStreamSource,
  VOLUME_STEP,
} from "./client/client.js";
export {
  LATENCY_FRAMES,
  MISSING_METADATA,
  type StreamStats,
} from "./client/stream-session.js";
export { raopPlugin } from "./plugin.js";
export { AIRPORT_SERVICE_TYPE, RAOP_SERVICE_TYPE, raopScanPlugin, splitRaopName } from "./scan.js";
export {
  type RaopConnectOptions as RaopPluginConnectOptions,
  type RaopStreamFileOptions,
  raopSession,
} from "./session.js";
export {
  BYTES_PER_FRAME,
  CHANNELS,
  dbfsToPct,
  decodeAlacFrame,
  encodeAlacFrame,
  FRAMES_PER_PACKET,
  pctToDbfs,
  SAMPLE_RATE,
} from "./wire/index.js";
