// Vorbis comments (FLAC VORBIS_COMMENT blocks, Ogg Vorbis comment headers) and the FLAC
// PICTURE structure, also found base64-encoded as METADATA_BLOCK_PICTURE. Pure, bounded.
import type { AudioMetadata } from "./types.js";

const MAX_COMMENTS = 10_000;

/** Parses the comment list (vendor string first). Bad input gives what was read before it. */
export function parseVorbisComment(bytes: Uint8Array): AudioMetadata {
  const metadata: AudioMetadata = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) return metadata;
  let offset = 4 + view.getUint32(0, true);
  if (offset + 4 > bytes.length) return metadata;
  const count = Math.min(view.getUint32(offset, true), MAX_COMMENTS);
  offset += 4;
  const decoder = new TextDecoder();
  for (let i = 0; i < count && offset + 4 <= bytes.length; i++) {
    const length = view.getUint32(offset, true);
    offset += 4;
    if (length > bytes.length - offset) break;
    const entry = bytes.subarray(offset, offset + length);
    offset += length;
    const equals = entry.indexOf(0x3d);
    if (equals <= 0) continue;
    const key = decoder.decode(entry.subarray(0, equals)).toUpperCase();
    const value = entry.subarray(equals + 1);
    if (key === "METADATA_BLOCK_PICTURE") {
      if (!metadata.artwork) {
        const picture = parseFlacPicture(decodeBase64(value));
        if (picture) metadata.artwork = picture;
      }
      continue;
    }
    const text = decoder.decode(value).trim();
    if (!text) continue;
    if (key === "TITLE" && !metadata.title) metadata.title = text;
    else if (key === "ARTIST" && !metadata.artist) metadata.artist = text;
    else if (key === "ALBUM" && !metadata.album) metadata.album = text;
  }
  return metadata;
}

/** A FLAC PICTURE block body; undefined when it does not hold together. */
export function parseFlacPicture(bytes: Uint8Array): AudioMetadata["artwork"] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 4; // picture type
  const field = (): Uint8Array | undefined => {
    if (offset + 4 > bytes.length) return undefined;
    const length = view.getUint32(offset);
    offset += 4;
    if (length > bytes.length - offset) return undefined;
    const value = bytes.subarray(offset, offset + length);
    offset += length;
    return value;
  };
  const mime = field();
  if (mime === undefined || field() === undefined) return undefined;
  offset += 16; // width, height, depth, colours
  const data = field();
  if (data === undefined || data.length === 0) return undefined;
  const mimetype = String.fromCharCode(...mime.subarray(0, 100)) || "image/jpeg";
  return { bytes: data.slice(), mimetype };
}

function decodeBase64(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(new TextDecoder().decode(bytes), "base64"));
}
