// Pure codecs of RAOP: RTP audio packets (AirPlay 1 and 2), ALAC escape frames, the SDP of
// ANNOUNCE, the control and timing ports' packets, time conversions, volume mapping, and
// the SET_PARAMETER bodies (DAAP metadata, progress, volume). No sockets here.

export { decodeAlacFrame, encodeAlacFrame } from "./alac.js";
export {
  BYTES_PER_FRAME,
  BYTES_PER_PACKET,
  CHANNELS,
  FRAMES_PER_PACKET,
  SAMPLE_RATE,
} from "./constants.js";
export {
  ControlPacketType,
  controlPacketType,
  type DecodedSyncPacket,
  decodeRetransmitRequest,
  decodeRetransmitResponse,
  decodeSyncPacket,
  encodeRetransmitRequest,
  encodeRetransmitResponse,
  encodeSyncPacket,
  type RetransmitRequest,
  type SyncPacket,
} from "./control.js";
export {
  DMAP_CONTENT_TYPE,
  decodeRaopMetadata,
  encodeRaopMetadata,
  type RaopMetadata,
} from "./metadata.js";
export {
  encodeProgress,
  encodeVolumeParameter,
  type Progress,
  parseProgress,
  parseTextParameters,
  parseVolumeParameter,
} from "./parameters.js";
export { l16ToPcm, padPcm, pcmToL16 } from "./pcm.js";
export {
  AUDIO_PAYLOAD_TYPE,
  type AudioPacket,
  type DecodedAudioPacket,
  decodeAudioPacket,
  encodeAudioHeader,
  encodeAudioPacket,
  RTP_HEADER_LENGTH,
} from "./rtp.js";
export { type OpenedAudioPacketV2, openAudioPacketV2, sealAudioPacketV2 } from "./rtp-v2.js";
export { parseRtspResponse, type RtspResponse } from "./rtsp.js";
export {
  ALAC_FMTP,
  type AudioFormat,
  buildSdp,
  type ParsedSdp,
  parseSdp,
  type SdpOptions,
} from "./sdp.js";
export {
  decodeTimingPacket,
  encodeTimingRequest,
  encodeTimingResponse,
  ntpNow,
  ntpToMs,
  ntpToTs,
  type TimingPacket,
  tsToMs,
  tsToNtp,
} from "./timing.js";
export { DBFS_MUTED, dbfsToPct, pctToDbfs } from "./volume.js";
