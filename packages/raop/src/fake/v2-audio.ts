// AirPlay 2 audio on the receiver's side: a sealed packet (pyatv's
// AirPlayV2.send_audio_packet: RTP header, ChaCha20-Poly1305 payload under `shk` with
// header[4:12] as AAD, tag, 8-byte nonce tail) opened back into the plain RTP packet an
// AirPlay 1 sender would have sent, so both versions share one recorder.

import { openAudioPacketV2, RTP_HEADER_LENGTH } from "../wire/index.js";

/**
 * The plain RTP packet (header and payload) of a sealed one. A packet too short or
 * failing authentication (wrong key, tampered) is a ProtocolError.
 */
export function unsealAudio(key: Uint8Array, packet: Uint8Array): Uint8Array {
  const opened = openAudioPacketV2(key, packet);
  const plain = new Uint8Array(RTP_HEADER_LENGTH + opened.pcm.length);
  plain.set(opened.header, 0);
  plain.set(opened.pcm, RTP_HEADER_LENGTH);
  return plain;
}
