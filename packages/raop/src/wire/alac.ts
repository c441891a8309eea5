// ALAC frames holding 16-bit stereo PCM uncompressed: the "escape" form Apple's ALAC
// encoder falls back to when compression does not pay. AirPort Express and shairport-sync
// expect ALAC, and this form costs no CPU to produce. The layout below was checked against
// Apple's open-source ALACDecoder.cpp (ID_CPE case: 4-bit instance tag, 12 unused bits that
// must be 0, partial-frame / bytes-shifted / escape bits, a 16+16-bit sample count when
// partial, then per frame the U and V samples at bitDepth bits each; ID_END byte-aligns)
// and David Hammerton's alac.c as shairport used it (same fields; without the size flag
// the frame length of the fmtp line is the sample count).
//
// The frame, MSB first with no byte alignment until the end:
//   element tag      3 bits   1 = CPE (a channel pair)
//   instance tag     4 bits   0
//   unused          12 bits   0
//   partial frame    1 bit    1 when the frame holds fewer frames than announced
//   bytes shifted    2 bits   0
//   escape           1 bit    1 = samples follow verbatim
//   [frame count    32 bits   only when partial]
//   samples         16 bits each, interleaved left, right
//   END tag          3 bits   7
//   zero bits to the next byte

import { ProtocolError } from "@atv/interface";
import { BitReader, BitWriter } from "./bits.js";
import { BYTES_PER_FRAME, FRAMES_PER_PACKET } from "./constants.js";

const ID_CPE = 1;
const ID_END = 7;
const HEADER_BITS = 3 + 4 + 12 + 1 + 2 + 1;
const SAMPLE_BITS = 16;

/** The byte length of an escape frame of `frames` frames, with or without the count. */
function frameBytes(frames: number, partial: boolean): number {
  const bits = HEADER_BITS + (partial ? 32 : 0) + frames * 2 * SAMPLE_BITS + 3;
  return Math.ceil(bits / 8);
}

/**
 * One ALAC frame carrying `pcm` (16-bit little-endian stereo, 1 to 352 frames)
 * uncompressed. A frame shorter than 352 frames says so (partial-frame flag and count),
 * as the receiver's fmtp announces 352.
 */
export function encodeAlacFrame(pcm: Uint8Array): Uint8Array {
  if (pcm.length === 0 || pcm.length % BYTES_PER_FRAME !== 0) {
    throw new RangeError(`PCM of ${pcm.length} bytes is not whole stereo 16-bit frames`);
  }
  const frames = pcm.length / BYTES_PER_FRAME;
  if (frames > FRAMES_PER_PACKET) {
    throw new RangeError(`${frames} frames do not fit one ALAC frame of ${FRAMES_PER_PACKET}`);
  }
  const partial = frames < FRAMES_PER_PACKET;
  const writer = new BitWriter(frameBytes(frames, partial));
  writer.write(ID_CPE, 3);
  writer.write(0, 4);
  writer.write(0, 12);
  writer.write(partial ? 1 : 0, 1);
  writer.write(0, 2);
  writer.write(1, 1);
  if (partial) {
    writer.write(frames >>> 16, 16);
    writer.write(frames & 0xffff, 16);
  }
  for (let i = 0; i < pcm.length; i += 2) {
    writer.write((pcm[i] as number) | ((pcm[i + 1] as number) << 8), SAMPLE_BITS);
  }
  writer.write(ID_END, 3);
  return writer.finish();
}

/**
 * The PCM of an ALAC frame in the escape form encodeAlacFrame writes; `frames` is the
 * frame length the stream announced (the fmtp's first value). Compressed frames, mono or
 * other element layouts, a count over `frames`, a missing END tag, non-zero padding or
 * trailing bytes are a ProtocolError.
 */
export function decodeAlacFrame(frame: Uint8Array, frames = FRAMES_PER_PACKET): Uint8Array {
  const reader = new BitReader(frame);
  const tag = reader.read(3);
  if (tag !== ID_CPE) throw new ProtocolError(`ALAC element ${tag} is not a channel pair`);
  reader.read(4);
  if (reader.read(12) !== 0) throw new ProtocolError("ALAC element header has unused bits set");
  const partial = reader.read(1) === 1;
  const shifted = reader.read(2);
  const verbatim = reader.read(1) === 1;
  if (!verbatim) throw new ProtocolError("compressed ALAC frames are not supported");
  if (shifted !== 0) throw new ProtocolError("an uncompressed ALAC frame cannot shift bytes");
  let count = frames;
  if (partial) {
    count = reader.read(16) * 0x10000 + reader.read(16);
    if (count > frames) {
      throw new ProtocolError(`ALAC frame of ${count} frames exceeds the frame length ${frames}`);
    }
  }
  // Checked before reading so a lying count cannot make us allocate or loop for long.
  if (frame.length !== frameBytes(count, partial)) {
    throw new ProtocolError(
      `ALAC frame of ${frame.length} bytes does not hold ${count} uncompressed frames`,
    );
  }
  const pcm = new Uint8Array(count * BYTES_PER_FRAME);
  for (let i = 0; i < pcm.length; i += 2) {
    const sample = reader.read(SAMPLE_BITS);
    pcm[i] = sample & 0xff;
    pcm[i + 1] = sample >>> 8;
  }
  const end = reader.read(3);
  if (end !== ID_END) throw new ProtocolError(`ALAC frame ends with element ${end}, not END`);
  if (reader.padding !== 0) throw new ProtocolError("ALAC frame padding is not zero");
  return pcm;
}
