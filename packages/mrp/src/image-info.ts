// The type and pixel size of PNG and JPEG images, read from their first bytes. Artwork
// from a URL comes with no size, and a device may leave the MIME type out: the image
// itself says both. Input is untrusted: anything unrecognised is undefined, never a throw.

export interface ImageInfo {
  readonly mimetype: string;
  /** 0 when the header gives none (a JPEG whose frame header was not found). */
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What `bytes` hold, if it is a PNG or a JPEG. */
export function imageInfo(bytes: Uint8Array): ImageInfo | undefined {
  if (PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return pngInfo(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegInfo(bytes);
  return undefined;
}

function pngInfo(bytes: Uint8Array): ImageInfo {
  // The first chunk must be IHDR: length (4), "IHDR", width (4), height (4).
  const isHeader =
    bytes.length >= 24 &&
    bytes[12] === 0x49 &&
    bytes[13] === 0x48 &&
    bytes[14] === 0x44 &&
    bytes[15] === 0x52;
  if (!isHeader) return { mimetype: "image/png", width: 0, height: 0 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { mimetype: "image/png", width: view.getUint32(16), height: view.getUint32(20) };
}

function jpegInfo(bytes: Uint8Array): ImageInfo {
  let offset = 2;
  // Markers segments up to the frame header (SOFn): every segment but the standalone
  // markers carries a 2-byte length that counts itself.
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) break;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      offset += 2;
      continue;
    }
    const length = ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0);
    if (length < 2) break;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (offset + 9 > bytes.length) break;
      const height = ((bytes[offset + 5] ?? 0) << 8) | (bytes[offset + 6] ?? 0);
      const width = ((bytes[offset + 7] ?? 0) << 8) | (bytes[offset + 8] ?? 0);
      return { mimetype: "image/jpeg", width, height };
    }
    // The scan starts: no frame header came before it.
    if (marker === 0xda) break;
    offset += 2 + length;
  }
  return { mimetype: "image/jpeg", width: 0, height: 0 };
}
