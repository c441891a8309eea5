// The one audio format RAOP carries on the wire here: CD audio in packets of 352 frames
// (pyatv's support/rtsp.py FRAMES_PER_PACKET; the ALAC fmtp line announces the same).

export const SAMPLE_RATE = 44100;
export const CHANNELS = 2;
/** 16-bit samples, two channels. */
export const BYTES_PER_FRAME = 4;
export const FRAMES_PER_PACKET = 352;
/** The PCM bytes of one full packet (1,408). */
export const BYTES_PER_PACKET = FRAMES_PER_PACKET * BYTES_PER_FRAME;
