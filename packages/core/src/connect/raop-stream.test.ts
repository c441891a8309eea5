// Streaming through the facade: a file to the fake's RAOP receiver, with the volume changed
// while it plays and what it plays reported, as pyatv's RAOP does.
import { createHash } from "node:crypto";
import { DeviceModel, DeviceState, Protocol } from "@atv/interface";
import { encodeWav } from "@atv/raop/audio";
import { afterEach, describe, expect, it } from "vitest";
import { FakeAppleTV } from "../fake/fake-apple-tv.js";
import { scan } from "../scan/scan.js";
import { connect } from "./connect.js";

const RATE = 44_100;

/** A WAV file's bytes: `frames` stereo 16-bit frames of a tone. */
function wav(frames: number): { bytes: Uint8Array; pcm: Buffer } {
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const sample = Math.round(9000 * Math.sin((2 * Math.PI * 523 * i) / RATE));
    pcm.writeInt16LE(sample, i * 4);
    pcm.writeInt16LE(-sample, i * 4 + 2);
  }
  return { bytes: encodeWav(pcm), pcm };
}

describe("streaming audio through connect()", () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it("streams a file, takes a volume change mid-stream and reports what plays", async () => {
    const fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    closers.push(() => fake.close());
    const [device] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
    if (device === undefined) throw new Error("the fake was not found");
    const atv = await connect(device, { protocols: [Protocol.RAOP], timeout: 5000 });
    closers.push(() => atv.close());

    const frames = RATE * 2;
    const { bytes, pcm } = wav(frames);
    const started = new Promise<void>((resolve) => {
      const stop = fake.onEvent((event) => {
        if (event.kind === "stream_start") {
          stop();
          resolve();
        }
      });
    });
    const positions: number[] = [];
    const streaming = atv.stream.streamFile(bytes, {
      metadata: { title: "Tone", artist: "atv", album: "Tests" },
      onProgress: (position) => positions.push(position),
    });
    await started;
    const playing = await atv.metadata.playing();
    expect(playing.deviceState).toBe(DeviceState.Playing);
    expect(playing.title).toBe("Tone");
    // The receiver told its volume (-15 dB in /info): kept, as pyatv keeps it, and reported.
    expect(atv.audio.volume).toBeCloseTo(50, 5);
    await atv.audio.setVolume(80);
    await streaming;

    // The last packet is filled up with silence to its 352 frames.
    const padding = (352 - (frames % 352)) % 352;
    const stream = fake.raop?.streams.at(-1);
    expect(stream?.frames).toBe(frames + padding);
    expect(stream?.sha256).toBe(
      createHash("sha256")
        .update(Buffer.concat([pcm, Buffer.alloc(padding * 4)]))
        .digest("hex"),
    );
    expect(stream?.metadata).toMatchObject({ title: "Tone", artist: "atv", album: "Tests" });
    // Nothing set the volume at the start; the change arrived while the stream ran.
    expect(stream?.volumes).toEqual([-6]);
    expect(positions.at(-1)).toBeCloseTo(2, 1);
    expect((await atv.metadata.playing()).deviceState).toBe(DeviceState.Idle);
  });

  it("streams to the speaker profile, which offers AirPlay and RAOP alone", async () => {
    const fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, profile: "speaker" });
    closers.push(() => fake.close());
    const [device] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
    if (device === undefined) throw new Error("the fake was not found");
    expect(device.services.map((service) => service.protocol).sort()).toEqual(
      [Protocol.AirPlay, Protocol.RAOP].sort(),
    );
    expect(device.deviceInfo.model).toBe(DeviceModel.AirPortExpressGen2);
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    const { bytes, pcm } = wav(352 * 20);
    await atv.stream.streamFile(bytes);
    const stream = fake.raop?.streams.at(-1);
    expect(stream?.sha256).toBe(createHash("sha256").update(pcm).digest("hex"));
  });
});
