// AirPlay 2 audio packets (pyatv's AirPlayV2.send_audio_packet): the RTP header in the
// clear, the payload sealed with ChaCha20-Poly1305 under the shared audio key with the
// header's timestamp and SSRC (bytes 4..12) as AAD, the tag, and then the low 8 bytes
// of the nonce (4 zero bytes || 64-bit little-endian message counter) so the receiver
// need not count packets itself.

import { chacha20Open, chacha20Seal, counterNonce, NonceLayout } from "@atv/hap";
import { ProtocolError } from "@atv/interface";
import { RTP_HEADER_LENGTH } from "./rtp.js";

const TAG_LENGTH = 16;
const NONCE_TAIL_LENGTH = 8;

/** header || ChaCha20-Poly1305(payload) || tag || nonce[4..12]. */
export function sealAudioPacketV2(
  key: Uint8Array,
  counter: bigint | number,
  header: Uint8Array,
  pcm: Uint8Array,
): Uint8Array {
  if (header.length !== RTP_HEADER_LENGTH) {
    throw new RangeError(`an RTP header is ${RTP_HEADER_LENGTH} bytes, got ${header.length}`);
  }
  const nonce = counterNonce(BigInt(counter), NonceLayout.Counter64);
  const sealed = chacha20Seal(key, nonce, pcm, header.subarray(4, 12));
  const out = new Uint8Array(RTP_HEADER_LENGTH + sealed.length + NONCE_TAIL_LENGTH);
  out.set(header, 0);
  out.set(sealed, RTP_HEADER_LENGTH);
  out.set(nonce.subarray(4), RTP_HEADER_LENGTH + sealed.length);
  return out;
}

export interface OpenedAudioPacketV2 {
  /** The 12-byte RTP header (a view into the packet). */
  readonly header: Uint8Array;
  /** The decrypted payload. */
  readonly pcm: Uint8Array;
  /** The message counter carried in the packet's nonce tail. */
  readonly counter: bigint;
}

/**
 * Opens what sealAudioPacketV2 sealed. A packet too short to hold header, tag and nonce
 * is a ProtocolError; a wrong key or a tampered packet a DecryptionError (a ProtocolError).
 * A key that is not 32 bytes is the caller's mistake: a RangeError.
 */
export function openAudioPacketV2(key: Uint8Array, packet: Uint8Array): OpenedAudioPacketV2 {
  if (packet.length < RTP_HEADER_LENGTH + TAG_LENGTH + NONCE_TAIL_LENGTH) {
    throw new ProtocolError(`AirPlay 2 audio packet of ${packet.length} bytes is too short`);
  }
  const header = packet.subarray(0, RTP_HEADER_LENGTH);
  const tailStart = packet.length - NONCE_TAIL_LENGTH;
  const nonce = new Uint8Array(12);
  nonce.set(packet.subarray(tailStart), 4);
  const pcm = chacha20Open(
    key,
    nonce,
    packet.subarray(RTP_HEADER_LENGTH, tailStart),
    header.subarray(4, 12),
  );
  const view = new DataView(nonce.buffer);
  return { header, pcm, counter: view.getBigUint64(4, true) };
}
