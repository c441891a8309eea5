// Content-Type of a served media file, by its extension. A device's player uses the type
// to choose a demuxer, so a wrong one can make a file unplayable; unknown extensions get
// the neutral application/octet-stream.

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  ".mp4": "video/mp4",
  ".m4v": "video/x-m4v",
  ".mov": "video/quicktime",
  ".mp3": "audio/mpeg",
  ".m4a": "audio/mp4",
  ".aac": "audio/aac",
  ".wav": "audio/wav",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  // RFC 8216 section 4: HLS playlists.
  ".m3u8": "application/vnd.apple.mpegurl",
};

export const DEFAULT_MEDIA_TYPE = "application/octet-stream";

/** The media type for a file name or path, from its (case-insensitive) extension. */
export function mediaTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  const slash = Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\"));
  if (dot <= slash + 1) return DEFAULT_MEDIA_TYPE;
  return MEDIA_TYPES[fileName.slice(dot).toLowerCase()] ?? DEFAULT_MEDIA_TYPE;
}
