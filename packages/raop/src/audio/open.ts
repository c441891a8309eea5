import type { FormatDecoder } from "./block.js";
import { ByteReader } from "./byte-reader.js";
import { openWav } from "./decode-wav.js";
import { id3TagLength, parseId3 } from "./id3.js";
import { openByteInput } from "./input.js";
import { sniffFormat } from "./sniff.js";
import { DecodedAudioSource } from "./source.js";
import type { AudioMetadata, AudioSource, OpenAudioSourceOptions } from "./types.js";

const SNIFF_BYTES = 4096;
/** Enough for every signature we look for (RIFF....WAVE is the longest). */
const SNIFF_MIN = 12;
const MAX_ID3 = 64 * 1024 * 1024;

/**
 * Opens a file path, an http(s) URL, "-" (standard input) or a readable stream, and decodes
 * it to 44.1 kHz s16le stereo. Fails before returning, and so before anything is sent, when
 * the input cannot be opened (InvalidConfigError, HttpError, ConnectionFailedError), its format
 * is not one we decode (NotSupportedError) or it is corrupt (ProtocolError). `signal` covers
 * the source's whole life: once aborted, a pending or later read rejects with its reason.
 */
export async function openAudioSource(
  input: string | URL | NodeJS.ReadableStream,
  opts: OpenAudioSourceOptions = {},
): Promise<AudioSource> {
  const { signal } = opts;
  const bytes = await openByteInput(input, signal);
  try {
    const reader = new ByteReader(bytes);
    const decoder = await openDecoder(reader);
    const source = new DecodedAudioSource(decoder, bytes, signal);
    try {
      await source.prime();
    } catch (error) {
      await source.close();
      throw error;
    }
    return source;
  } catch (error) {
    await bytes.close();
    throw error;
  }
}

async function openDecoder(reader: ByteReader): Promise<FormatDecoder> {
  let head = await reader.peekAvailable(SNIFF_MIN, SNIFF_BYTES);
  let tags: AudioMetadata = {};
  const tagLength = id3TagLength(head);
  const tagged = tagLength !== undefined;
  if (tagged) {
    // The tag is read whole (bounded) and not given to the decoders.
    if (tagLength > MAX_ID3) await reader.skip(tagLength);
    else tags = parseId3(await reader.read(tagLength));
    head = await reader.peekAvailable(SNIFF_MIN, SNIFF_BYTES);
  }
  switch (sniffFormat(head, tagged)) {
    case "wav":
      return openWav(reader);
    // Each WebAssembly decoder is loaded when a file needs it (they are large to load).
    case "flac":
      return (await import("./decode-flac.js")).openFlac(reader, tags);
    case "ogg":
      return (await import("./decode-ogg.js")).openOgg(reader, tags);
    case "mp3":
      return (await import("./decode-mp3.js")).openMp3(reader, tags, tagLength ?? 0);
  }
}
