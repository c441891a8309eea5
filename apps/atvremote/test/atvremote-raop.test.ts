// Issue 13's "done when", with the built CLIs against the default fake (tvOS 17): a WAV
// streamed with stream_file= arrives whole (the fake's checksum of the PCM it received is
// the source's, plus the silence that fills the last packet), with progress shown.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAppleTV } from "@atv/core/fake";
import { encodeWav } from "@atv/raop/audio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

const RATE = 44_100;
const FRAMES_PER_PACKET = 352;

/** A WAV of `frames` stereo 16-bit frames at 44.1 kHz (a chord), and its PCM. */
function toneWav(frames: number): { wav: Buffer; pcm: Buffer } {
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / RATE)), i * 4);
    pcm.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 660 * i) / RATE)), i * 4 + 2);
  }
  return { wav: Buffer.from(encodeWav(pcm)), pcm };
}

describe("stream_file over RAOP", () => {
  let fake: FakeAppleTV;
  let base: string[];
  let folder: string;

  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
    folder = await mkdtemp(join(tmpdir(), "atv-raop-cli-"));
  });
  afterAll(async () => {
    await fake.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("plays the whole file: the fake's checksum is the source's", async () => {
    const frames = Math.round(RATE * 1.5) + 100; // not a whole number of packets
    const { wav, pcm } = toneWav(frames);
    const file = join(folder, "tone.wav");
    await writeFile(file, wav);
    const before = fake.raop?.streams.length ?? 0;
    const result = await runCli("atvremote", [...base, `stream_file=${file}`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Not a terminal: a plain line per second of audio, the last at the end.
    expect(result.stdout).toMatch(/^0:00 \/ 0:01 \(\d+\.\d%\)\n/);
    expect(result.stdout).toContain("0:01 / 0:01 (100.0%)\n");
    const streams = fake.raop?.streams ?? [];
    expect(streams.length).toBe(before + 1);
    const stream = streams[streams.length - 1];
    const padding = (FRAMES_PER_PACKET - (frames % FRAMES_PER_PACKET)) % FRAMES_PER_PACKET;
    const expected = createHash("sha256")
      .update(Buffer.concat([pcm, Buffer.alloc(padding * 4)]))
      .digest("hex");
    expect(stream?.frames).toBe(frames + padding);
    expect(stream?.sha256).toBe(expected);
    expect(stream?.missing).toBe(0);
    // tvOS takes AirPlay 2 streams; without credentials, by transient pairing.
    expect(stream?.version).toBe("v2");
    expect(stream?.badPackets).toBe(0);
  });

  it("pairs RAOP with the PIN, then streams the AirPlay 2 way with the stored credentials", async () => {
    const storage = ["--storage-filename", join(folder, "pyatv.conf")];
    const paired = await runCli("atvremote", [
      ...base,
      ...storage,
      "--protocol",
      "raop",
      "--pin",
      fake.pin,
      "pair",
    ]);
    expect(paired.code).toBe(0);
    const credentials = /credentials: (\S+)/.exec(paired.stdout)?.[1] ?? "";
    // pyatv's HAP credentials: four hex fields.
    expect(credentials).toMatch(/^[0-9a-f]+:[0-9a-f]+:[0-9a-f]+:[0-9a-f]+$/);

    const { wav, pcm } = toneWav(FRAMES_PER_PACKET * 40);
    const file = join(folder, "paired.wav");
    await writeFile(file, wav);
    const before = fake.raop?.streams.length ?? 0;
    const verified = (fake.raop?.events ?? []).length;
    const result = await runCli("atvremote", [
      ...base,
      ...storage,
      "-n",
      fake.identity.name,
      `stream_file=${file}`,
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const stream = fake.raop?.streams[before];
    expect(stream?.version).toBe("v2");
    expect(stream?.sha256).toBe(createHash("sha256").update(pcm).digest("hex"));
    expect((fake.raop?.events ?? []).slice(verified).some((e) => e.kind === "pairing_failed")).toBe(
      false,
    );

    // The credentials are what the stream verifies with (no transient fallback): those of
    // a client the device never paired with are refused, and nothing is streamed.
    const [ltpk, ltsk, atvId] = credentials.split(":");
    const stranger = [ltpk, ltsk, atvId, Buffer.from("a stranger").toString("hex")].join(":");
    const refused = await runCli("atvremote", [
      ...base,
      "--raop-credentials",
      stranger,
      `stream_file=${file}`,
    ]);
    expect(refused.code).not.toBe(0);
    expect(fake.raop?.streams.length).toBe(before + 1);
  });

  it("streams the AirPlay 1 way when the device's settings say protocol_version 1", async () => {
    const storage = ["--storage-filename", join(folder, "forced-v1.conf")];
    const name = ["-n", fake.identity.name];
    const set = await runCli("atvremote", [
      ...base,
      ...storage,
      ...name,
      "change_setting=protocols.raop.protocol_version,1",
    ]);
    expect(set.code).toBe(0);
    const { wav, pcm } = toneWav(FRAMES_PER_PACKET * 20);
    const file = join(folder, "forced-v1.wav");
    await writeFile(file, wav);
    const before = fake.raop?.streams.length ?? 0;
    const result = await runCli("atvremote", [...base, ...storage, ...name, `stream_file=${file}`]);
    expect(result.code).toBe(0);
    const stream = fake.raop?.streams[before];
    expect(stream?.version).toBe("v1");
    expect(stream?.format).toBe("alac");
    expect(stream?.sha256).toBe(createHash("sha256").update(pcm).digest("hex"));
  });

  // The WebAssembly decoders live in a bundle of their own beside the CLI's (dist/
  // audio-decoders.cjs), loaded only for these formats.
  it.each(["tone.mp3", "tone.flac", "tone.ogg"])("decodes and streams %s", async (name) => {
    const fixture = join(import.meta.dirname, "../../../packages/raop/test-fixtures", name);
    const before = fake.raop?.streams.length ?? 0;
    const result = await runCli("atvremote", [...base, `stream_file=${fixture}`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const streams = fake.raop?.streams ?? [];
    expect(streams.length).toBe(before + 1);
    // Half a second of tone, give or take what a lossy codec adds at its ends.
    const frames = streams[streams.length - 1]?.frames ?? 0;
    expect(frames).toBeGreaterThan(RATE * 0.45);
    expect(frames).toBeLessThan(RATE * 0.6);
  });

  it("says what is wrong with a file it cannot play, before anything is sent", async () => {
    const before = fake.raop?.events.length ?? 0;
    const missing = await runCli("atvremote", [...base, `stream_file=${join(folder, "none.wav")}`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain("none.wav");
    const garbage = join(folder, "garbage.mp3");
    await writeFile(garbage, Buffer.from("this is not audio at all, just text"));
    const corrupt = await runCli("atvremote", [...base, `stream_file=${garbage}`]);
    expect(corrupt.code).not.toBe(0);
    const events = (fake.raop?.events ?? []).slice(before);
    expect(events.filter((e) => e.kind === "stream_start")).toEqual([]);
  });

  it("answers atvscript's stream_file with one JSON object", async () => {
    const { wav } = toneWav(RATE / 2);
    const file = join(folder, "short.wav");
    await writeFile(file, wav);
    const result = await runCli("atvscript", [...base, `stream_file=${file}`]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      result: "success",
      command: "stream_file",
    });
  });
});
