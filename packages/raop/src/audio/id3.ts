// ID3v2 (2.2, 2.3, 2.4) tags: title, artist, album and the picture. Pure, bounded, lenient:
// frames it cannot read are skipped; a tag that is not ID3v2 gives undefined.
import type { AudioMetadata } from "./types.js";

export const ID3_HEADER_SIZE = 10;

/** Total length of the ID3v2 tag starting at `bytes` (header, body and footer), else undefined. */
export function id3TagLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < ID3_HEADER_SIZE) return undefined;
  if (bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return undefined;
  const size = syncsafe(bytes, 6);
  if (size === undefined) return undefined;
  const footer = ((bytes[5] as number) & 0x10) !== 0 ? 10 : 0;
  return ID3_HEADER_SIZE + size + footer;
}

function syncsafe(bytes: Uint8Array, offset: number): number | undefined {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + i] as number;
    if (byte & 0x80) return undefined;
    value = value * 128 + byte;
  }
  return value;
}

/** Reads a whole tag (as measured by id3TagLength). */
export function parseId3(tag: Uint8Array): AudioMetadata {
  const metadata: AudioMetadata = {};
  const length = id3TagLength(tag);
  if (length === undefined) return metadata;
  const version = tag[3] as number;
  const flags = tag[5] as number;
  if (version < 2 || version > 4) return metadata;
  let body = tag.subarray(ID3_HEADER_SIZE, Math.min(tag.length, length));
  // Tag-wide unsynchronisation (2.2/2.3; 2.4 marks it per frame).
  if (flags & 0x80 && version < 4) body = unsynchronise(body);
  let offset = 0;
  if (flags & 0x40 && version >= 3) {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (body.length < 4) return metadata;
    offset = version === 3 ? 4 + view.getUint32(0) : (syncsafe(body, 0) ?? body.length);
  }
  const idLength = version === 2 ? 3 : 4;
  const headerLength = version === 2 ? 6 : 10;
  while (offset + headerLength <= body.length) {
    const id = String.fromCharCode(...body.subarray(offset, offset + idLength));
    if (!/^[A-Z0-9]+$/.test(id)) break;
    const size = frameSize(body, offset + idLength, version);
    const start = offset + headerLength;
    if (size === undefined || size > body.length - start) break;
    let frame = body.subarray(start, start + size);
    const formatFlags = version === 2 ? 0 : (body[offset + 9] as number);
    offset = start + size;
    // Compressed or encrypted frames are skipped (2.3: 0x80/0x40, 2.4: 0x08/0x04).
    if (version === 3 && formatFlags & 0xc0) continue;
    if (version === 4) {
      if (formatFlags & 0x0c) continue;
      if (formatFlags & 0x02) frame = unsynchronise(frame);
      if (formatFlags & 0x01) frame = frame.subarray(4);
    }
    readFrame(id, frame, metadata);
  }
  return metadata;
}

function frameSize(body: Uint8Array, offset: number, version: number): number | undefined {
  if (version === 2) {
    return (
      ((body[offset] as number) << 16) |
      ((body[offset + 1] as number) << 8) |
      (body[offset + 2] as number)
    );
  }
  if (version === 4) return syncsafe(body, offset);
  return new DataView(body.buffer, body.byteOffset + offset, 4).getUint32(0);
}

function readFrame(id: string, frame: Uint8Array, metadata: AudioMetadata): void {
  switch (id) {
    case "TIT2":
    case "TT2":
      setText(metadata, "title", frame);
      return;
    case "TPE1":
    case "TP1":
      setText(metadata, "artist", frame);
      return;
    case "TALB":
    case "TAL":
      setText(metadata, "album", frame);
      return;
    case "APIC":
    case "PIC":
      if (!metadata.artwork) {
        const artwork = readPicture(frame, id === "PIC");
        if (artwork) metadata.artwork = artwork;
      }
  }
}

function setText(metadata: AudioMetadata, key: "title" | "artist" | "album", frame: Uint8Array) {
  if (frame.length < 1) return;
  const [text] = readString(frame.subarray(1), frame[0] as number);
  if (text) metadata[key] = text;
}

function readPicture(frame: Uint8Array, v22: boolean): AudioMetadata["artwork"] {
  if (frame.length < 2) return undefined;
  const encoding = frame[0] as number;
  let offset = 1;
  let mimetype: string;
  if (v22) {
    // 2.2 has a three-letter image format instead of a MIME type.
    if (frame.length < 5) return undefined;
    const format = String.fromCharCode(...frame.subarray(1, 4)).toLowerCase();
    mimetype = format === "png" ? "image/png" : "image/jpeg";
    offset = 4;
  } else {
    const end = frame.indexOf(0, offset);
    if (end < 0) return undefined;
    mimetype = latin1(frame.subarray(offset, end)) || "image/jpeg";
    offset = end + 1;
  }
  offset += 1; // picture type
  if (offset > frame.length) return undefined;
  const [, consumed] = readString(frame.subarray(offset), encoding);
  const bytes = frame.slice(offset + consumed);
  if (bytes.length === 0) return undefined;
  if (!mimetype.includes("/")) mimetype = `image/${mimetype.toLowerCase()}`;
  return { bytes, mimetype };
}

/** One terminated (or final) string: its text and the bytes it took with the terminator. */
function readString(bytes: Uint8Array, encoding: number): [string, number] {
  const wide = encoding === 1 || encoding === 2;
  let end = bytes.length;
  let next = bytes.length;
  if (wide) {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      if (bytes[i] === 0 && bytes[i + 1] === 0) {
        end = i;
        next = i + 2;
        break;
      }
    }
  } else {
    const zero = bytes.indexOf(0);
    if (zero >= 0) {
      end = zero;
      next = zero + 1;
    }
  }
  const raw = bytes.subarray(0, end);
  let text: string;
  if (encoding === 0) text = latin1(raw);
  else if (encoding === 3) text = new TextDecoder().decode(raw);
  else if (encoding === 2) text = new TextDecoder("utf-16be").decode(raw);
  else if (encoding === 1) {
    const bigEndian = raw[0] === 0xfe && raw[1] === 0xff;
    text = new TextDecoder(bigEndian ? "utf-16be" : "utf-16le").decode(raw);
  } else text = "";
  return [text.replace(/^\uFEFF/, "").trim(), next];
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function unsynchronise(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    out[n++] = bytes[i] as number;
    if (bytes[i] === 0xff && bytes[i + 1] === 0) i++;
  }
  return out.subarray(0, n);
}
