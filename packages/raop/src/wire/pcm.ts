// L16 (RFC 3551) is big-endian; our PCM is little-endian. pyatv byte-swaps 16-bit samples
// for L16 payloads (audio_source._to_audio_samples).

import { ProtocolError } from "@atv/interface";
import { BYTES_PER_PACKET } from "./constants.js";

/** Little-endian 16-bit PCM to big-endian L16 (a new array). */
export function pcmToL16(pcm: Uint8Array): Uint8Array {
  return swap16(pcm, "PCM");
}

/** Big-endian L16 to little-endian 16-bit PCM (a new array). */
export function l16ToPcm(l16: Uint8Array): Uint8Array {
  return swap16(l16, "L16");
}

function swap16(input: Uint8Array, what: string): Uint8Array {
  if (input.length % 2 !== 0) {
    throw new ProtocolError(`${what} of ${input.length} bytes is not whole 16-bit samples`);
  }
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i += 2) {
    out[i] = input[i + 1] as number;
    out[i + 1] = input[i] as number;
  }
  return out;
}

/**
 * PCM of one packet: a short read padded with silence to `bytes` (one full packet by
 * default), as pyatv pads its last packet. PCM already that long is returned as is.
 */
export function padPcm(pcm: Uint8Array, bytes: number = BYTES_PER_PACKET): Uint8Array {
  if (pcm.length >= bytes) return pcm;
  const out = new Uint8Array(bytes);
  out.set(pcm, 0);
  return out;
}
