// End to end against a real AirPlay receiver: shairport-sync (Debian's package) runs in a
// private network namespace (scripts/shairport-support.ts), and atvremote, run in the same
// namespace, streams a generated WAV to it; shairport-sync writes what it plays to a file,
// which must hold the WAV's audio bit for bit.
// Skipped, saying why, where shairport-sync or namespaces are missing; in CI it fails
// instead, so that CI never silently drops it (.ci/run installs the packages).
import { Buffer } from "node:buffer";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeWav } from "@atv/raop/audio";
import { expect, it } from "vitest";
import { assertBuilt, binPath, cliEnv } from "../scripts/cli-test-support.js";
import {
  type ShairportEnv,
  shairportAvailable,
  withShairport,
} from "../scripts/shairport-support.js";

const SAMPLE_RATE = 44_100;
const BYTES_PER_FRAME = 4;
const FRAMES_PER_PACKET = 352;
// shairport-sync 3.3.8 plays the first 9 packets after a start (or a flush) as silence,
// whatever they hold, so the comparison starts at the 10th packet of the file.
const SILENT_PACKETS = 9;
const SKIPPED_BYTES = SILENT_PACKETS * FRAMES_PER_PACKET * BYTES_PER_FRAME;
// 1,024 frames of the source's noise, searched for in the capture: they occur there once.
const ANCHOR_BYTES = 1024 * BYTES_PER_FRAME;
// Three seconds: not a whole number of packets, so the last packet is a partial one.
const SOURCE_FRAMES = 3 * SAMPLE_RATE;

const availability = shairportAvailable();

function shairportTest(title: string, body: () => Promise<void>): void {
  if (availability.ok) {
    it(title, { timeout: 120_000 }, body);
    return;
  }
  const reason = `${title}: ${availability.reason}`;
  if (process.env.CI) {
    it(reason, () => {
      throw new Error(`${reason}; CI must provide them (.ci/run installs the packages)`);
    });
  } else {
    it.skip(reason, () => {});
  }
}

/** PCM (S16LE stereo): a 440 Hz tone under seeded noise, different on each channel. */
function sourcePcm(frames: number): Buffer {
  const pcm = Buffer.alloc(frames * BYTES_PER_FRAME);
  let state = 0x2545f491;
  const noise = () => {
    // xorshift32: the same noise on every run, and no stretch of it repeats.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 8192) - 4096;
  };
  for (let i = 0; i < frames; i++) {
    const tone = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE));
    pcm.writeInt16LE(tone + noise(), i * BYTES_PER_FRAME);
    pcm.writeInt16LE(tone + noise(), i * BYTES_PER_FRAME + 2);
  }
  return pcm;
}

// On a loaded machine shairport-sync may start playing a few packets later than its 9
// (it mutes packets that arrive after their time while it syncs): the comparison then
// starts at the first packet it played, as long as that is within the first 40.
const MOST_SKIPPED_PACKETS = 40;

/**
 * Where the first source packet from the 10th on that shairport-sync played starts in the
 * capture (frame-aligned), and how many of the source's bytes come before it; at -1 when
 * none of them is found.
 */
function locatePlayed(capture: Buffer, source: Buffer): { at: number; skipped: number } {
  for (let packet = SILENT_PACKETS; packet <= MOST_SKIPPED_PACKETS; packet++) {
    const skipped = packet * FRAMES_PER_PACKET * BYTES_PER_FRAME;
    const anchor = source.subarray(skipped, skipped + ANCHOR_BYTES);
    let at = capture.indexOf(anchor);
    while (at >= 0 && at % BYTES_PER_FRAME !== 0) at = capture.indexOf(anchor, at + 1);
    if (at >= 0) return { at, skipped };
  }
  return { at: -1, skipped: SKIPPED_BYTES };
}

// The silence shairport-sync 3.3.8 plays (padding, and its first 9 packets) is dithered:
// samples of 0 and -1. Anything louder than one least significant bit is not silence.
function isSilent(frame: Buffer): boolean {
  return Math.abs(frame.readInt16LE(0)) <= 1 && Math.abs(frame.readInt16LE(2)) <= 1;
}

/** The index of the first frame where a and b (as long as each other) differ, or -1. */
function firstDifference(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return Math.floor(at / BYTES_PER_FRAME);
}

function framesOf(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at + BYTES_PER_FRAME <= bytes.length; at += BYTES_PER_FRAME) {
    frames.push(bytes.subarray(at, at + BYTES_PER_FRAME));
  }
  return frames;
}

/**
 * Waits until the capture holds the whole source from its 10th packet on (shairport-sync
 * writes at the audio's pace, and may still be writing when the client is done), and
 * returns the capture as it then is; gives up once it has stopped growing for 5 s, or
 * after 30 s, and leaves the verdict to the caller's assertions.
 */
async function playedOut(env: ShairportEnv, source: Buffer): Promise<Buffer> {
  const deadline = Date.now() + 30_000;
  let length = -1;
  let grewAt = Date.now();
  for (;;) {
    const capture = await env.capture();
    const { at, skipped } = locatePlayed(capture, source);
    if (at >= 0 && capture.length >= at + source.length - skipped) return capture;
    if (capture.length !== length) {
      length = capture.length;
      grewAt = Date.now();
    }
    if (Date.now() - grewAt > 5_000 || Date.now() > deadline) return capture;
    await sleep(250);
  }
}

function atvremote(env: ShairportEnv, args: readonly string[]) {
  return env.run(process.execPath, [binPath("atvremote"), "-s", env.address, ...args], {
    env: cliEnv(),
  });
}

shairportTest(
  "shairport-sync runs in a private namespace: found by a scan, answers RTSP, plays nothing unasked",
  async () => {
    assertBuilt("atvremote");
    await withShairport(async (env) => {
      const scan = await atvremote(env, ["scan"]);
      expect(scan.code, scan.stderr).toBe(0);
      expect(scan.stdout).toContain(`Protocol: RAOP, Port: ${env.port}`);

      const request = `OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n`;
      const options = await env.run(process.execPath, [
        "-e",
        `const socket = require("node:net").connect(${env.port}, "${env.address}", () => socket.write(${JSON.stringify(request)}));
         socket.on("data", (data) => { process.stdout.write(data); socket.end(); });`,
      ]);
      expect(options.code, options.stderr).toBe(0);
      expect(options.stdout).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 1\r\n/);
      expect(options.stdout).toContain("ANNOUNCE");

      expect((await env.capture()).length).toBe(0);
    });
  },
);

shairportTest(
  "a WAV streamed with atvremote stream_file= is played by shairport-sync bit for bit",
  async () => {
    assertBuilt("atvremote");
    await withShairport(async (env) => {
      const source = sourcePcm(SOURCE_FRAMES);
      const file = join(env.dir, "noise-and-tone.wav");
      await writeFile(file, encodeWav(source));

      const streamed = await atvremote(env, ["--protocol", "raop", `stream_file=${file}`]);
      expect(streamed.code, `${streamed.stdout}\n${streamed.stderr}`).toBe(0);

      const capture = await playedOut(env, source);
      const { at, skipped } = locatePlayed(capture, source);
      const log = (await env.log()).slice(-3000);
      expect(
        at,
        `none of packets 10-${MOST_SKIPPED_PACKETS} played (${capture.length} bytes captured)\n${log}`,
      ).not.toBe(-1);
      const played = capture.subarray(at, at + source.length - skipped);
      expect(played.length, `the capture ends early\n${log}`).toBe(source.length - skipped);
      expect(
        firstDifference(played, source.subarray(skipped)),
        "the first frame, from the first packet played on, that differs from the source",
      ).toBe(-1);

      // Before: silence as padding, then the first 9 packets, which are played as silence
      // (or, were a later shairport-sync to play them, as they are). After: silence only.
      const start = at - skipped;
      const before = framesOf(capture.subarray(0, Math.max(0, start)));
      expect(before.every(isSilent), "only silence before the stream").toBe(true);
      const firstPackets = framesOf(capture.subarray(Math.max(0, start), at));
      const sourceFrames = framesOf(source.subarray(0, skipped)).slice(-firstPackets.length);
      expect(
        firstPackets.every((frame, i) => isSilent(frame) || frame.equals(sourceFrames[i]!)),
        "the packets before are silence or the source",
      ).toBe(true);
      const after = framesOf(capture.subarray(at + played.length));
      expect(after.every(isSilent), "only silence after the stream").toBe(true);
    });
  },
);
