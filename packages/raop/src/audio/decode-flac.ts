import { ProtocolError } from "@atv/interface";
import type { FormatDecoder, PcmBlock } from "./block.js";
import { INPUT_CHUNK } from "./block.js";
import type { ByteReader } from "./byte-reader.js";
import type { AudioMetadata } from "./types.js";
import { parseFlacPicture, parseVorbisComment } from "./vorbis-comment.js";

const MAX_HEADER = 64 * 1024 * 1024;
const STREAMINFO = 0;
const VORBIS_COMMENT = 4;
const PICTURE = 6;

export interface FlacHeader {
  sampleRate: number;
  channels: number;
  totalSamples: number;
  metadata: AudioMetadata;
  /** The bytes read ("fLaC" and every metadata block), fed to the decoder first. */
  bytes: Uint8Array[];
}

/** Reads "fLaC" and the metadata blocks; the reader is left at the first audio frame. */
export async function readFlacHeader(reader: ByteReader): Promise<FlacHeader> {
  const bytes: Uint8Array[] = [];
  let total = 0;
  const take = async (n: number, what: string) => {
    const chunk = await reader.read(n);
    if (chunk.length < n) throw new ProtocolError(`FLAC file ends inside its ${what}`);
    total += n;
    if (total > MAX_HEADER) throw new ProtocolError("FLAC metadata too large");
    bytes.push(chunk.slice());
    return chunk;
  };
  const magic = await take(4, "signature");
  if (String.fromCharCode(...magic) !== "fLaC") throw new ProtocolError("not a FLAC file");
  let info: { sampleRate: number; channels: number; totalSamples: number } | undefined;
  let metadata: AudioMetadata = {};
  let artwork: AudioMetadata["artwork"];
  for (let last = false; !last; ) {
    const head = await take(4, "metadata");
    last = ((head[0] as number) & 0x80) !== 0;
    const type = (head[0] as number) & 0x7f;
    const length = ((head[1] as number) << 16) | ((head[2] as number) << 8) | (head[3] as number);
    const body = await take(length, "metadata");
    if (type === STREAMINFO) info = parseStreamInfo(body);
    else if (type === VORBIS_COMMENT) metadata = { ...parseVorbisComment(body), ...metadata };
    else if (type === PICTURE) artwork ??= parseFlacPicture(body);
  }
  if (!info) throw new ProtocolError("FLAC file has no STREAMINFO block");
  if (artwork && !metadata.artwork) metadata.artwork = artwork;
  return { ...info, metadata, bytes };
}

export function parseStreamInfo(body: Uint8Array): {
  sampleRate: number;
  channels: number;
  totalSamples: number;
} {
  if (body.length < 18) throw new ProtocolError("FLAC STREAMINFO too short");
  const b = (i: number) => body[i] as number;
  const sampleRate = (b(10) << 12) | (b(11) << 4) | (b(12) >> 4);
  const channels = ((b(12) >> 1) & 7) + 1;
  const totalSamples =
    (b(13) & 0x0f) * 2 ** 32 + new DataView(body.buffer, body.byteOffset).getUint32(14);
  if (sampleRate === 0) throw new ProtocolError("FLAC STREAMINFO has no sample rate");
  return { sampleRate, channels, totalSamples };
}

/** What a decoder gave must be something we can convert; garbage in can give garbage shapes. */
export function checkDecoded(sampleRate: number, channels: number): void {
  if (!(sampleRate >= 1000 && sampleRate <= 384_000) || channels < 1 || channels > 8) {
    throw new ProtocolError(`decoder gave ${channels} channels at ${sampleRate} Hz: corrupt audio`);
  }
}

export async function openFlac(reader: ByteReader, extra: AudioMetadata): Promise<FormatDecoder> {
  const header = await readFlacHeader(reader);
  const duration = header.totalSamples > 0 ? header.totalSamples / header.sampleRate : undefined;
  // Loaded here, not with this module: the decoder is large to load, and only this
  // format needs it.
  const { FLACDecoder: Decoder } = await import("@wasm-audio-decoders/flac");
  const decoder = new Decoder();
  await decoder.ready;
  return new WasmStreamDecoder(reader, decoder, header.bytes, duration, {
    ...header.metadata,
    ...extra,
  });
}

interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
}

interface WasmDecoder {
  decode(bytes: Uint8Array): Promise<WasmDecoded>;
  flush(): Promise<WasmDecoded>;
  free(): void;
}

/** Feeds header bytes, then the rest of the input, to a FLAC or Ogg Vorbis decoder. */
export class WasmStreamDecoder implements FormatDecoder {
  private freed = false;
  private flushed = false;

  constructor(
    private readonly reader: ByteReader,
    private readonly decoder: WasmDecoder,
    private readonly prefix: Uint8Array[],
    readonly duration: number | undefined,
    readonly metadata: AudioMetadata,
  ) {}

  async next(): Promise<PcmBlock | undefined> {
    if (this.freed || this.flushed) return undefined;
    const head = this.prefix.shift();
    const chunk = head ?? (await this.reader.readSome(INPUT_CHUNK));
    let result: WasmDecoded;
    try {
      if (chunk === undefined) {
        this.flushed = true;
        result = await this.decoder.flush();
      } else {
        result = await this.decoder.decode(chunk);
      }
    } catch (cause) {
      throw new ProtocolError("audio decoder failed on corrupt data", { cause });
    }
    if (result.samplesDecoded === 0) return { kind: "float", channels: [], sampleRate: 44100 };
    checkDecoded(result.sampleRate, result.channelData.length);
    const channels = result.channelData.map((c) => c.subarray(0, result.samplesDecoded));
    return { kind: "float", channels, sampleRate: result.sampleRate };
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.decoder.free();
  }
}
