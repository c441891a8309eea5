import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { AtvError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openAudioSource } from "./index.js";
import { buildWav, infoList, sinePcm16 } from "./wav-builder.js";

const fixtures = new URL("../../test-fixtures/", import.meta.url).pathname;
const MAX_FRAMES = 10 * 44100;

/** Opens and drains `bytes`: a source whose output is sane, or an AtvError; nothing else. */
async function drain(bytes: Uint8Array): Promise<void> {
  let source: Awaited<ReturnType<typeof openAudioSource>> | undefined;
  try {
    source = await openAudioSource(Readable.from([bytes]));
    let frames = 0;
    for (;;) {
      const block = await source.read(4096);
      if (!block) break;
      expect(block.length % 4).toBe(0);
      frames += block.length / 4;
      // Mutated headers may claim odd rates; the output stays bounded by the input's size.
      expect(frames).toBeLessThan(MAX_FRAMES + 10 * bytes.length);
    }
  } catch (error) {
    if (!(error instanceof AtvError)) throw error;
  } finally {
    await source?.close();
  }
}

function mutations(base: Uint8Array, headerBytes: number) {
  return fc
    .array(fc.tuple(fc.nat(Math.min(base.length, headerBytes) - 1), fc.nat(255)), {
      minLength: 1,
      maxLength: 6,
    })
    .chain((edits) =>
      fc.nat(base.length).map((cut) => {
        const copy = base.slice(0, Math.max(cut, headerBytes));
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      }),
    );
}

describe("openAudioSource fuzz", () => {
  it("random bytes, with and without known signatures, give a source or an AtvError", async () => {
    const prefixes = [
      "",
      "RIFF\x20\0\0\0WAVE",
      "fLaC",
      "OggS\0",
      "ID3\x03\0\0\0\0\0\x10",
      "\xff\xfb\x90\x64",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 600 }),
        async (prefix, tail) => {
          const head = Uint8Array.from(prefix, (c) => c.charCodeAt(0));
          const bytes = new Uint8Array(head.length + tail.length);
          bytes.set(head);
          bytes.set(tail, head.length);
          await drain(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("mutated WAV headers give a source or an AtvError", async () => {
    const wav = buildWav(
      {
        sampleRate: 48000,
        channels: 2,
        bitsPerSample: 24,
        extensible: true,
        chunks: [["LIST", infoList([["INAM", "t"]])]],
      },
      sinePcm16(300),
    );
    await fc.assert(fc.asyncProperty(mutations(wav, 90), drain), { numRuns: 300 });
  });

  it.each([["tone.mp3"], ["tone.flac"], ["tone.ogg"]])(
    "mutated %s gives a source or an AtvError",
    async (name) => {
      const file = new Uint8Array(readFileSync(fixtures + name)).subarray(0, 12_000);
      await fc.assert(fc.asyncProperty(mutations(file, 4000), drain), { numRuns: 40 });
    },
  );
});
