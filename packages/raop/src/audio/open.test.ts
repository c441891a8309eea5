import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough, Readable } from "node:stream";
import {
  AtvError,
  ConnectionLostError,
  HttpError,
  InvalidConfigError,
  NotSupportedError,
  ProtocolError,
} from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AudioSource, openAudioSource } from "./index.js";
import { buildWav, concat, infoList, readAll, sinePcm16 } from "./wav-builder.js";

const fixtures = new URL("../../test-fixtures/", import.meta.url).pathname;
const fixture = (name: string) => fixtures + name;

/** The rejection, or a string when the source opened (printing a source would be huge). */
async function errorOf(opening: Promise<AudioSource>): Promise<unknown> {
  try {
    const source = await opening;
    await source.close();
    return "opened";
  } catch (error) {
    return error;
  }
}

function frames(pcm: Uint8Array): number {
  return pcm.length / 4;
}

function peak(pcm: Uint8Array): number {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return max;
}

describe("openAudioSource: files", () => {
  it("passes 44.1 kHz 16-bit stereo WAV through bit-exact", async () => {
    const file = await readFile(fixture("tone-44k-16-stereo.wav"));
    const source = await openAudioSource(fixture("tone-44k-16-stereo.wav"));
    expect(source.duration).toBe(0.5);
    const pcm = await readAll(source, 352);
    await source.close();
    // The data chunk of sox's output is the last 88,200 bytes.
    expect(Buffer.from(pcm).equals(file.subarray(file.length - 88_200))).toBe(true);
  });

  it.each([
    ["tone-48k-24-mono.wav", 22_050, 0.5],
    ["tone-22k-f32-stereo.wav", 22_050, 0.5],
    ["tone-8k-u8-mono.wav", 22_050, 0.5],
    ["tone.flac", 22_050, 0.5],
  ])("decodes %s to %i frames at 44.1 kHz", async (name, expected, duration) => {
    const source = await openAudioSource(fixture(name));
    expect(source.duration).toBeCloseTo(duration, 6);
    const pcm = await readAll(source, 1000);
    await source.close();
    expect(frames(pcm)).toBe(expected);
    // A half-scale sine stays near half scale: no clipping, no NaN turned into noise.
    expect(peak(pcm)).toBeGreaterThan(16_000);
    expect(peak(pcm)).toBeLessThan(16_800);
  });

  it.each([["tone.mp3"], ["tone.ogg"]])("decodes lossy %s to about half a second", async (name) => {
    const source = await openAudioSource(fixture(name));
    expect(source.duration).toBeGreaterThan(0.49);
    expect(source.duration).toBeLessThan(0.56);
    const pcm = await readAll(source, 352);
    await source.close();
    expect(Math.abs(frames(pcm) - 22_050)).toBeLessThan(2_500);
    expect(peak(pcm)).toBeGreaterThan(14_000);
    expect(peak(pcm)).toBeLessThan(19_000);
  });

  it("reads ID3v2 tags and the picture from MP3", async () => {
    const source = await openAudioSource(fixture("tone.mp3"));
    const cover = await readFile(fixture("cover.png"));
    expect(source.metadata).toMatchObject({
      title: "Tone Title",
      artist: "Tone Artist",
      album: "Tone Album",
    });
    expect(source.metadata.artwork?.mimetype).toBe("image/png");
    expect(Buffer.from(source.metadata.artwork?.bytes ?? []).equals(cover)).toBe(true);
    await source.close();
  });

  it("reads Vorbis comments from FLAC (with its PICTURE) and Ogg", async () => {
    const flac = await openAudioSource(fixture("tone.flac"));
    expect(flac.metadata).toMatchObject({
      title: "Flac Title",
      artist: "Flac Artist",
      album: "Flac Album",
    });
    expect(flac.metadata.artwork?.mimetype).toBe("image/png");
    await flac.close();
    const ogg = await openAudioSource(fixture("tone.ogg"));
    expect(ogg.metadata).toEqual({ title: "Ogg Title", artist: "Ogg Artist", album: "Ogg Album" });
    await ogg.close();
  });

  it("hands out at most frames × 4 bytes, whole frames only", async () => {
    const source = await openAudioSource(fixture("tone-48k-24-mono.wav"));
    for (const n of [1, 7, 352, 5000]) {
      const block = await source.read(n);
      expect(block?.length).toBe(n * 4);
    }
    await source.close();
    expect(await source.read(352)).toBeUndefined();
  });
});

describe("openAudioSource: streams", () => {
  it("reads a WAV from a Readable, with LIST/INFO tags and an unknown data size", async () => {
    const pcm = sinePcm16(10_000);
    const wav = buildWav(
      {
        sampleRate: 44100,
        channels: 2,
        bitsPerSample: 16,
        chunks: [
          [
            "LIST",
            infoList([
              ["INAM", "T"],
              ["IART", "A"],
              ["IPRD", "B"],
            ]),
          ],
        ],
        dataSizeField: 0xffffffff,
      },
      pcm,
    );
    // Odd chunk sizes exercise frames split across chunks.
    const chunks = Array.from({ length: Math.ceil(wav.length / 777) }, (_, i) =>
      wav.subarray(i * 777, (i + 1) * 777),
    );
    const source = await openAudioSource(Readable.from(chunks));
    expect(source.duration).toBeUndefined();
    expect(source.metadata).toEqual({ title: "T", artist: "A", album: "B" });
    expect(Buffer.from(await readAll(source)).equals(Buffer.from(pcm))).toBe(true);
    await source.close();
  });

  it('reads standard input for "-"', async () => {
    const pcm = sinePcm16(500);
    const stdin = Readable.from([
      buildWav({ sampleRate: 44100, channels: 2, bitsPerSample: 16 }, pcm),
    ]);
    const spy = vi.spyOn(process, "stdin", "get").mockReturnValue(stdin as typeof process.stdin);
    try {
      const source = await openAudioSource("-");
      expect(Buffer.from(await readAll(source)).equals(Buffer.from(pcm))).toBe(true);
      await source.close();
    } finally {
      spy.mockRestore();
    }
  });

  it("gives ProtocolError when the stream fails mid-way", async () => {
    const stream = new PassThrough();
    stream.write(
      buildWav(
        { sampleRate: 44100, channels: 2, bitsPerSample: 16, dataSizeField: 0xffffffff },
        sinePcm16(10),
      ),
    );
    const source = await openAudioSource(stream);
    await source.read(10);
    const pending = source.read(10);
    stream.destroy(new Error("disk on fire"));
    expect(await pending.catch((e: unknown) => e)).toBeInstanceOf(ProtocolError);
    await source.close();
  });

  it("mixes 6 channels down to stereo", async () => {
    const data = new Uint8Array(100 * 12);
    const source = await openAudioSource(
      Readable.from([buildWav({ sampleRate: 44100, channels: 6, bitsPerSample: 16 }, data)]),
    );
    expect(frames(await readAll(source))).toBe(100);
    await source.close();
  });

  it("rejects a pending read when the signal aborts on a stalled stream", async () => {
    const stream = new PassThrough();
    const header = buildWav(
      { sampleRate: 44100, channels: 2, bitsPerSample: 16, dataSizeField: 0xffffffff },
      sinePcm16(100),
    );
    stream.write(header);
    const controller = new AbortController();
    const source = await openAudioSource(stream, { signal: controller.signal });
    expect((await source.read(100))?.length).toBe(400);
    const pending = source.read(100);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    await source.close();
  });

  it("rejects opening when the signal aborts before any audio arrives", async () => {
    const controller = new AbortController();
    const opening = openAudioSource(new PassThrough(), { signal: controller.signal });
    controller.abort(new Error("gone"));
    await expect(opening).rejects.toThrow("gone");
  });
});

describe("openAudioSource: URLs", () => {
  let server: Server;
  let base: string;
  const wav = buildWav({ sampleRate: 44100, channels: 2, bitsPerSample: 16 }, sinePcm16(4410));
  let onStall = () => {};

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? "";
      if (path === "/tone.wav") {
        response.writeHead(200, { "content-length": wav.length });
        response.end(wav);
      } else if (path.startsWith("/hop/")) {
        const n = Number(path.slice(5));
        response.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : "/tone.wav" });
        response.end();
      } else if (path === "/cut") {
        // Promises more than it sends, then drops the connection.
        response.writeHead(200, { "content-length": wav.length });
        response.write(wav.subarray(0, 8000), () => response.destroy());
      } else if (path === "/stall") {
        // Headers and the WAV header, then nothing: only the caller's signal can end this.
        response.writeHead(200);
        response.write(wav.subarray(0, 44));
        onStall();
      } else if (path === "/loop") {
        response.writeHead(301, { location: "/loop" });
        response.end();
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("streams a WAV over HTTP, following redirects", async () => {
    for (const url of [`${base}/tone.wav`, `${base}/hop/4`, new URL(`${base}/hop/0`)]) {
      const source = await openAudioSource(url);
      expect(source.duration).toBeCloseTo(0.1, 6);
      expect(Buffer.from(await readAll(source)).equals(Buffer.from(wav.subarray(44)))).toBe(true);
      await source.close();
    }
  });

  it("gives ConnectionLostError when the body is cut off", async () => {
    const source = await openAudioSource(`${base}/cut`);
    const error = await readAll(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    await source.close();
  });

  it("stops waiting on a stalled server when the signal aborts", async () => {
    const controller = new AbortController();
    onStall = () => controller.abort(new Error("user stop"));
    const error = await errorOf(openAudioSource(`${base}/stall`, { signal: controller.signal }));
    expect((error as Error).message).toBe("user stop");
  });

  it("gives HttpError for error statuses and redirect loops", async () => {
    await expect(openAudioSource(`${base}/missing.mp3`)).rejects.toMatchObject({ statusCode: 404 });
    await expect(openAudioSource(`${base}/missing.mp3`)).rejects.toBeInstanceOf(HttpError);
    await expect(openAudioSource(`${base}/loop`)).rejects.toBeInstanceOf(HttpError);
  });
});

describe("openAudioSource: bad input", () => {
  it("names a missing file in an InvalidConfigError", async () => {
    const error = await openAudioSource("/nonexistent/dir/tone.wav").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toContain("/nonexistent/dir/tone.wav");
  });

  it("refuses a directory", async () => {
    await expect(openAudioSource(fixtures)).rejects.toBeInstanceOf(InvalidConfigError);
  });

  it.each([
    ["text", new TextEncoder().encode("hello, this is not audio at all")],
    ["AIFF", concat([new TextEncoder().encode("FORM\0\0\0\x20AIFF"), new Uint8Array(40)])],
    [
      "ADPCM WAV",
      (() => {
        const wav = buildWav(
          { sampleRate: 8000, channels: 1, bitsPerSample: 16 },
          new Uint8Array(100),
        );
        wav[20] = 2;
        return wav;
      })(),
    ],
    [
      "an MPEG sync word followed by noise",
      concat([Uint8Array.of(0xff, 0xfb, 0x90, 0x64), new Uint8Array(3000).fill(7)]),
    ],
    [
      "Opus",
      concat([
        new TextEncoder().encode("OggS"),
        new Uint8Array([0, 2, ...new Array(20).fill(0), 1, 19]),
        new TextEncoder().encode("OpusHead"),
        new Uint8Array(11),
      ]),
    ],
  ])("gives NotSupportedError for %s", async (_, bytes) => {
    expect(await errorOf(openAudioSource(Readable.from([bytes])))).toBeInstanceOf(
      NotSupportedError,
    );
  });

  it.each([
    [
      "a WAV with no data chunk",
      buildWav({ sampleRate: 44100, channels: 2, bitsPerSample: 16 }, new Uint8Array(0)).subarray(
        0,
        36,
      ),
    ],
    ["a truncated FLAC header", new TextEncoder().encode("fLaC\0\0\0\x22abc")],
    [
      "a FLAC with garbage frames",
      async () => {
        const flac = await readFile(fixture("tone.flac"));
        const head = flac.subarray(0, 8 + 34 + 4);
        head[4] = 0x80; // STREAMINFO is the last block
        return concat([head, new Uint8Array(4000).fill(0x5a)]);
      },
    ],
    [
      "an Ogg file cut inside its headers",
      async () => (await readFile(fixture("tone.ogg"))).subarray(0, 100),
    ],
    [
      "an empty WAV",
      buildWav({ sampleRate: 44100, channels: 2, bitsPerSample: 16 }, new Uint8Array(0)),
    ],
  ])("gives ProtocolError for %s", async (_, make) => {
    const bytes = typeof make === "function" ? await make() : make;
    expect(await errorOf(openAudioSource(Readable.from([bytes])))).toBeInstanceOf(ProtocolError);
  });

  it("gives a typed error for a corrupt FLAC file on disk", async () => {
    const error = await openAudioSource(Readable.from([new Uint8Array(0)])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AtvError);
  });
});
