import { NotSupportedError } from "@atv/interface";
import { isMpegFrameStart } from "./mpeg.js";

export type AudioFormat = "wav" | "mp3" | "flac" | "ogg";

const MPEG_SEARCH = 4096;

/** The format from its first bytes (after any ID3v2 tag); NotSupportedError when unknown. */
export function sniffFormat(head: Uint8Array, afterId3: boolean): AudioFormat {
  const text = String.fromCharCode(...head.subarray(0, 12));
  if (text.startsWith("RIFF") && text.slice(8, 12) === "WAVE") return "wav";
  if (text.startsWith("fLaC")) return "flac";
  if (text.startsWith("OggS")) return "ogg";
  // A tagged file may have padding or junk before its first frame; mpg123 resyncs over it.
  const search = afterId3 ? Math.min(head.length, MPEG_SEARCH) : 1;
  for (let i = 0; i < search; i++) {
    if (head[i] === 0xff && isMpegFrameStart(head, i)) return "mp3";
  }
  if (text.startsWith("RIFF") || text.startsWith("RIFX")) {
    throw new NotSupportedError("RIFF file that is not WAVE audio");
  }
  if (text.startsWith("FORM")) throw new NotSupportedError("AIFF audio is not supported");
  if (text.slice(4, 8) === "ftyp") throw new NotSupportedError("MP4/AAC audio is not supported");
  throw new NotSupportedError(
    "unrecognised audio format (WAV, MP3, FLAC and Ogg Vorbis are supported)",
  );
}
