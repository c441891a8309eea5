import { ProtocolError } from "@atv/interface";
import type { MPEGDecoder } from "mpg123-decoder";
import type { FormatDecoder, PcmBlock } from "./block.js";
import { INPUT_CHUNK } from "./block.js";
import type { ByteReader } from "./byte-reader.js";
import { checkDecoded } from "./decode-flac.js";
import { mpegDuration } from "./mpeg.js";
import type { AudioMetadata } from "./types.js";

/** The reader is past any ID3v2 tag, at (or just before) the first frame. */
export async function openMp3(
  reader: ByteReader,
  metadata: AudioMetadata,
  tagLength: number,
): Promise<FormatDecoder> {
  // The Xing/VBRI header sits in the first frame, within its first 200 bytes.
  const first = await reader.peekAvailable(256, 4096);
  const size = reader.input.size;
  const duration = mpegDuration(first, size === undefined ? undefined : size - tagLength);
  // Loaded here, not with this module: the decoder is large to load, and only this
  // format needs it.
  const { MPEGDecoder: Decoder } = await import("mpg123-decoder");
  const decoder = new Decoder({ enableGapless: true });
  await decoder.ready;
  return new Mp3Decoder(reader, decoder, duration, metadata);
}

class Mp3Decoder implements FormatDecoder {
  private freed = false;

  constructor(
    private readonly reader: ByteReader,
    private readonly decoder: MPEGDecoder,
    readonly duration: number | undefined,
    readonly metadata: AudioMetadata,
  ) {}

  async next(): Promise<PcmBlock | undefined> {
    const chunk = await this.reader.readSome(INPUT_CHUNK);
    if (chunk === undefined || this.freed) return undefined;
    let result: ReturnType<MPEGDecoder["decode"]>;
    try {
      result = this.decoder.decode(chunk);
    } catch (cause) {
      throw new ProtocolError("MP3 decoder failed on corrupt data", { cause });
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
