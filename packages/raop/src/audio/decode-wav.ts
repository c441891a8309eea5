import type { FormatDecoder, PcmBlock } from "./block.js";
import type { ByteReader } from "./byte-reader.js";
import { OUTPUT_RATE } from "./convert.js";
import type { ByteInput } from "./input.js";
import type { AudioMetadata } from "./types.js";
import { parseInfoList, readWavHeader, type WavFormat, wavToFloat } from "./wav.js";

const READ_SIZE = 64 * 1024;
const MAX_TRAILER = 1024 * 1024;

export async function openWav(reader: ByteReader): Promise<FormatDecoder> {
  const header = await readWavHeader(reader);
  const { format, dataSize } = header;
  let metadata = header.metadata;
  const dataStart = reader.position;
  if (dataSize !== undefined) {
    metadata = { ...(await readTrailingInfo(reader.input, dataStart + dataSize)), ...metadata };
  }
  const duration =
    dataSize === undefined
      ? undefined
      : Math.floor(dataSize / format.blockAlign) / format.sampleRate;
  return new WavDecoder(reader, format, dataSize, duration, metadata);
}

/** LIST/INFO written after the data chunk, read where the input can seek. */
async function readTrailingInfo(input: ByteInput, dataEnd: number): Promise<AudioMetadata> {
  if (!input.readAt || input.size === undefined) return {};
  let offset = dataEnd + (dataEnd % 2);
  const tail = await input.readAt(offset, Math.min(MAX_TRAILER, Math.max(0, input.size - offset)));
  offset = 0;
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  while (offset + 8 <= tail.length) {
    const id = String.fromCharCode(...tail.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (size > tail.length - offset - 8) break;
    if (id === "LIST") return parseInfoList(tail.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size + (size % 2);
  }
  return {};
}

class WavDecoder implements FormatDecoder {
  private left: number | undefined;
  private carry = new Uint8Array(0);
  private readonly passthrough: boolean;

  constructor(
    private readonly reader: ByteReader,
    private readonly format: WavFormat,
    dataSize: number | undefined,
    readonly duration: number | undefined,
    readonly metadata: AudioMetadata,
  ) {
    this.left = dataSize;
    // 44.1 kHz 16-bit stereo is already the wire's PCM: pass its bytes on untouched.
    this.passthrough =
      !format.float &&
      format.bitsPerSample === 16 &&
      format.channels === 2 &&
      format.sampleRate === OUTPUT_RATE;
  }

  async next(): Promise<PcmBlock | undefined> {
    if (this.left === 0) return undefined;
    const want = this.left === undefined ? READ_SIZE : Math.min(READ_SIZE, this.left);
    const chunk = await this.reader.readSome(want);
    // A file shorter than its header says ends where its bytes do (partial frame dropped).
    if (chunk === undefined) return undefined;
    if (this.left !== undefined) this.left -= chunk.length;
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    const whole = bytes.length - (bytes.length % this.format.blockAlign);
    this.carry = bytes.slice(whole);
    const frames = bytes.subarray(0, whole);
    if (this.passthrough) return { kind: "pcm", bytes: frames.slice() };
    return {
      kind: "float",
      channels: wavToFloat(frames, this.format),
      sampleRate: this.format.sampleRate,
    };
  }

  free(): void {}
}
