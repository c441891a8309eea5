// The client against the fake receiver (@atv/raop/fake): what the fake decodes must be
// exactly what was sent, the last packet's silence padding included.

import { AuthenticationError, ConnectionLostError } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeRaopEvent, FakeRaopReceiver } from "../fake/index.js";
import { FRAMES_PER_PACKET, pctToDbfs } from "../wire/index.js";
import { connectRaop, type RaopClient } from "./client.js";
import { memorySource, patternPcm, sha256Hex } from "./test-source.js";

let fake: FakeRaopReceiver | undefined;
let client: RaopClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

/** The source plus the zero frames that fill its last packet. */
function expectedPcm(pcm: Uint8Array): Uint8Array {
  const frames = pcm.length / 4;
  const padding = (FRAMES_PER_PACKET - (frames % FRAMES_PER_PACKET)) % FRAMES_PER_PACKET;
  const out = new Uint8Array(pcm.length + padding * 4);
  out.set(pcm);
  return out;
}

describe("RaopClient against FakeRaopReceiver", () => {
  it("delivers the PCM bit for bit, with metadata, progress and volume", async () => {
    fake = await FakeRaopReceiver.start();
    const events: FakeRaopEvent[] = [];
    fake.onEvent((event) => events.push(event));
    client = await connectRaop({ host: "127.0.0.1", port: fake.port, speed: 50 });
    await client.setVolume(40);
    const pcm = patternPcm(44100 + 123);
    const progress: number[] = [];
    await client.streamFile(
      memorySource(pcm, {
        metadata: {
          title: "Tone",
          artist: "Maker",
          album: "Tests",
          artwork: {
            bytes: Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3),
            mimetype: "image/jpeg",
          },
        },
      }),
      { onProgress: (position) => progress.push(position) },
    );
    await fake.waitForStreams(1);
    const stream = fake.streams[0];
    const expected = expectedPcm(pcm);
    expect(stream?.format).toBe("alac");
    expect(stream?.missing).toBe(0);
    expect(stream?.frames).toBe(expected.length / 4);
    expect(stream?.sha256).toBe(sha256Hex(expected));
    expect(stream?.metadata).toEqual({ title: "Tone", artist: "Maker", album: "Tests" });
    expect(stream?.volumes).toEqual([pctToDbfs(40)]);
    expect(stream?.artwork?.mimetype).toBe("image/jpeg");
    expect(stream?.artwork?.bytes).toEqual(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3));
    expect(stream?.progress?.start).toBe(66150);
    expect(progress.at(-1)).toBeCloseTo(pcm.length / 4 / 44100);
    expect(events.map((e) => e.kind)).toContain("stream_start");
    expect(events.find((e) => e.kind === "stream_end")).toMatchObject({
      frames: expected.length / 4,
      sha256: sha256Hex(expected),
    });
  });

  it("resends the packets the receiver lost, from its backlog", async () => {
    const dropped = new Set<number>();
    fake = await FakeRaopReceiver.start({
      dropSeqnos: (seqno) => {
        // Every 7th packet is lost on its first arrival.
        if (seqno % 7 !== 3 || dropped.has(seqno)) return false;
        dropped.add(seqno);
        return true;
      },
    });
    client = await connectRaop({ host: "127.0.0.1", port: fake.port, speed: 20 });
    const pcm = patternPcm(FRAMES_PER_PACKET * 60);
    await client.streamFile(memorySource(pcm));
    await fake.waitForStreams(1);
    const stream = fake.streams[0];
    expect(dropped.size).toBeGreaterThan(0);
    expect(stream?.retransmitRequests).toBeGreaterThan(0);
    expect(stream?.missing).toBe(0);
    expect(stream?.sha256).toBe(sha256Hex(expectedPcm(pcm)));
    expect(client.lastStreamStats?.retransmitted).toBeGreaterThanOrEqual(dropped.size - 1);
  });

  it("changes the volume mid-stream", async () => {
    fake = await FakeRaopReceiver.start();
    client = await connectRaop({ host: "127.0.0.1", port: fake.port, speed: 2 });
    const levels: number[] = [];
    fake.onEvent((event) => {
      if (event.kind === "volume") levels.push(event.level);
    });
    const started = new Promise<void>((resolve) =>
      fake?.onEvent((event) => event.kind === "stream_start" && resolve()),
    );
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 300)));
    await started;
    await client.setVolume(80);
    await client.stop();
    await done;
    expect(levels).toEqual([pctToDbfs(33), pctToDbfs(80)]);
  });

  it("streams with a password, and refuses a wrong one", async () => {
    fake = await FakeRaopReceiver.start({ password: "hunter2" });
    client = await connectRaop({
      host: "127.0.0.1",
      port: fake.port,
      password: "hunter2",
      speed: 50,
    });
    const pcm = patternPcm(FRAMES_PER_PACKET * 5);
    await client.streamFile(memorySource(pcm));
    await fake.waitForStreams(1);
    expect(fake.streams[0]?.sha256).toBe(sha256Hex(expectedPcm(pcm)));

    const wrong = await connectRaop({ host: "127.0.0.1", port: fake.port, password: "nope" });
    await expect(wrong.streamFile(memorySource(pcm))).rejects.toBeInstanceOf(AuthenticationError);
    await wrong.close();
  });

  it("ends with ConnectionLostError when the receiver closes mid-stream", async () => {
    fake = await FakeRaopReceiver.start();
    client = await connectRaop({ host: "127.0.0.1", port: fake.port, speed: 2 });
    const started = new Promise<void>((resolve) =>
      fake?.onEvent((event) => event.kind === "stream_start" && resolve()),
    );
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 300)));
    await started;
    await fake.close();
    await expect(done).rejects.toBeInstanceOf(ConnectionLostError);
    expect(client.streaming).toBe(false);
  });
});

describe("metadata fallbacks", () => {
  it("shows and reports pyatv's placeholder when nothing names the audio", async () => {
    fake = await FakeRaopReceiver.start();
    client = await connectRaop({ host: "127.0.0.1", port: fake.port, speed: 50 });
    let title: string | undefined;
    client.onStateChange(() => {
      title ??= client?.playing().title;
    });
    await client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET)));
    await fake.waitForStreams(1);
    expect(fake.streams[0]?.metadata).toEqual({
      title: "Streaming with atv",
      artist: "atv",
      album: "AirPlay",
    });
    expect(title).toBe("Streaming with atv");
  });
});
