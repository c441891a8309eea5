import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuthenticationError, HttpError, PlaybackError, ProtocolError } from "@atv/interface";
import { decodePlist, encodePlist } from "@atv/plist";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakePlayback, type FakePlaybackEvent } from "../fake/playback.js";
import { AirPlayMajorVersion } from "../features.js";
import { FileServer } from "./file-server.js";
import { playMedia } from "./play-media.js";
import type { PlaybackInfo } from "./playback-info.js";
import { PLAY_ATTEMPTS, playUrl, stopPlayback, WAIT_RETRIES } from "./player.js";
import { type HandlerResponse, inMemoryExchange } from "./test-exchange.js";

const FAST = { pollInterval: 5, retryDelay: 1 };
const { AirPlayV1, AirPlayV2 } = AirPlayMajorVersion;

let dir: string;
let file: string;
let content: Buffer;
let server: FileServer;
const fakes: FakePlayback[] = [];

function fake(duration = 0.05): { playback: FakePlayback; events: FakePlaybackEvent[] } {
  const playback = new FakePlayback({ duration, fetchTimeout: 2000 });
  fakes.push(playback);
  const events: FakePlaybackEvent[] = [];
  playback.onEvent((event) => events.push(event));
  return { playback, events };
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "atv-player-"));
  file = join(dir, "movie.mp4");
  content = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 251));
  await writeFile(file, content);
  server = await FileServer.start(file);
});

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((playback) => playback.close()));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("playUrl", () => {
  it("plays a URL to its end with AirPlay 1", async () => {
    const { playback, events } = fake();
    const { exchange, requests } = inMemoryExchange((...args) => playback.handle(...args));
    const started: PlaybackInfo[] = [];

    await playUrl(exchange, server.url, {
      ...FAST,
      version: AirPlayV1,
      position: 0.8,
      sessionId: "session-1",
      onStarted: (info) => started.push(info),
    });

    const play = requests[0]!;
    expect(play.method).toBe("POST");
    expect(play.uri).toBe("/play");
    expect(play.headers).toMatchObject({
      "User-Agent": "MediaControl/1.0",
      "Content-Type": "application/x-apple-binary-plist",
    });
    expect(decodePlist(play.body!)).toEqual({
      "Content-Location": server.url,
      "Start-Position": 0.8,
      "X-Apple-Session-ID": "session-1",
    });
    expect(requests.slice(1).every((r) => r.method === "GET" && r.uri === "/playback-info")).toBe(
      true,
    );
    expect(playback.lastPlay).toEqual({
      url: server.url,
      position: 0.8,
      version: AirPlayV1,
      sessionId: "session-1",
      uuid: undefined,
    });
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ playing: true, duration: 0.05, readyToPlay: true });
    expect(playback.status).toBe("finished");
    expect(events.map((event) => event.type)).toEqual(["play", "fetched", "finished"]);
    expect(events[1]).toMatchObject({ bytes: content.length, sha256: sha256(content) });
  });

  it("plays a URL to its end with AirPlay 2, sending its session requests", async () => {
    const { playback, events } = fake();
    const main = inMemoryExchange((...args) => playback.handle(...args));
    const session = inMemoryExchange((...args) => playback.handle(...args));
    const prepared: number[] = [];

    await playUrl(main.exchange, server.url, {
      ...FAST,
      version: AirPlayV2,
      position: 3,
      sessionId: "abc-session",
      sessionExchange: session.exchange,
      prepare: async () => {
        prepared.push(main.requests.length);
      },
    });

    expect(prepared).toEqual([0]);
    const play = main.requests[0]!;
    expect(play.headers).toMatchObject({
      "User-Agent": "AirPlay/550.10",
      "X-Apple-ProtocolVersion": "1",
      "X-Apple-Session-ID": "abc-session",
      "X-Apple-Stream-ID": "1",
    });
    const body = decodePlist(play.body!) as Record<string, unknown>;
    expect(body).toMatchObject({
      "Content-Location": server.url,
      "Start-Position-Seconds": 3,
      streamType: 1,
      mediaType: "file",
      rate: 1,
      volume: 1,
    });
    expect(body.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.requests.map((r) => `${r.protocol} ${r.method} ${r.uri}`)).toEqual([
      "RTSP/1.0 PUT /setProperty?isInterestedInDateRange",
      "RTSP/1.0 PUT /setProperty?actionAtItemEnd",
      "RTSP/1.0 POST /rate?value=1.000000",
      "RTSP/1.0 PUT /setProperty?forwardEndTime",
      "RTSP/1.0 PUT /setProperty?reverseEndTime",
    ]);
    expect(decodePlist(session.requests[3]!.body!)).toEqual({
      value: { flags: 0, value: 0, epoch: 0, timescale: 0 },
    });
    expect(playback.lastPlay).toMatchObject({
      version: AirPlayV2,
      position: 3,
      sessionId: "abc-session",
      uuid: body.uuid,
    });
    // The device started paused and played once the client set the rate.
    expect(events.map((event) => event.type)).toEqual(["play", "fetched", "rate", "finished"]);
    expect(playback.status).toBe("finished");
  });

  it("raises the device's error as a PlaybackError", async () => {
    const { playback } = fake();
    const { exchange } = inMemoryExchange((...args) => playback.handle(...args));
    const missing = `${new URL(server.url).origin}/not-served.mp4`;

    const error = await playUrl(exchange, missing, { ...FAST, version: AirPlayV1 }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(PlaybackError);
    expect((error as PlaybackError).message).toBe(
      "got error -11800 (AVFoundationErrorDomain) when playing video",
    );
    expect(playback.status).toBe("failed");
  });

  it("tries /play again after a 500, as pyatv, and gives up after three", async () => {
    const { playback } = fake();
    const { exchange } = inMemoryExchange((...args) => playback.handle(...args));
    playback.failNextPlays(2);
    await playUrl(exchange, server.url, { ...FAST, version: AirPlayV1 });
    expect(playback.playCount).toBe(3);

    const { playback: failing } = fake();
    const other = inMemoryExchange((...args) => failing.handle(...args));
    failing.failNextPlays(10);
    const error = await playUrl(other.exchange, server.url, { ...FAST, version: AirPlayV2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlaybackError);
    expect((error as PlaybackError).cause).toBeInstanceOf(HttpError);
    expect(((error as PlaybackError).cause as HttpError).statusCode).toBe(500);
    expect(failing.playCount).toBe(PLAY_ATTEMPTS);
    // No playback was started, so nothing but /play was sent.
    expect(other.requests.map((r) => r.uri)).toEqual(["/play", "/play", "/play"]);
  });

  it("does not retry other statuses", async () => {
    let plays = 0;
    const { exchange } = inMemoryExchange(async (_method, path) => {
      if (path === "/play") plays += 1;
      return { status: 403 };
    });
    await expect(
      playUrl(exchange, "http://x/a.mp4", { ...FAST, version: AirPlayV1 }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(plays).toBe(1);
  });

  it("stops the device and rejects with the reason when aborted", async () => {
    const { playback, events } = fake(30);
    const { exchange, requests } = inMemoryExchange((...args) => playback.handle(...args));
    const controller = new AbortController();
    const reason = new Error("user stopped");

    const playing = playUrl(exchange, server.url, {
      ...FAST,
      version: AirPlayV1,
      signal: controller.signal,
      onStarted: () => controller.abort(reason),
    });

    await expect(playing).rejects.toBe(reason);
    expect(requests.at(-1)).toMatchObject({ method: "POST", uri: "/stop" });
    expect(events.map((event) => event.type)).toEqual(["play", "fetched", "stop"]);
    expect(playback.status).toBe("idle");
  });

  it("sends nothing for an aborted signal, and no /stop when told not to", async () => {
    const { playback } = fake(30);
    const { exchange, requests } = inMemoryExchange((...args) => playback.handle(...args));
    await expect(
      playUrl(exchange, server.url, { version: AirPlayV1, signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    expect(requests).toHaveLength(0);

    const controller = new AbortController();
    await expect(
      playUrl(exchange, server.url, {
        ...FAST,
        version: AirPlayV1,
        signal: controller.signal,
        stopOnAbort: false,
        onStarted: () => controller.abort(),
      }),
    ).rejects.toThrow();
    expect(requests.some((r) => r.uri === "/stop")).toBe(false);
    expect(playback.status).toBe("playing");
  });

  it("gives up when nothing plays after the first poll and five more, as pyatv", async () => {
    const polls: string[] = [];
    const { exchange } = inMemoryExchange(async (_method, path) => {
      if (path === "/playback-info") polls.push(path);
      return path === "/playback-info"
        ? { status: 200, body: encodePlist({ readyToPlay: false, uuid: 123 }) }
        : { status: 200 };
    });
    await playUrl(exchange, "http://x/a.mp4", { ...FAST, version: AirPlayV1 });
    expect(polls).toHaveLength(WAIT_RETRIES + 1);
  });

  it("follows pyatv's idle, playing, idle sequence and accepts an empty answer", async () => {
    const answers: HandlerResponse[] = [
      { status: 200 },
      { status: 200, body: encodePlist({ duration: 0.8 }) },
      { status: 200, body: encodePlist({ readyToPlay: false, uuid: 123 }) },
    ];
    const polls: string[] = [];
    const { exchange } = inMemoryExchange(async (_method, path) => {
      if (path !== "/playback-info") return { status: 200 };
      polls.push(path);
      return answers.shift() ?? { status: 500 };
    });
    const seen: PlaybackInfo[] = [];
    await playUrl(exchange, "http://x/a.mp4", {
      ...FAST,
      version: AirPlayV1,
      onPlaybackInfo: (info) => seen.push(info),
    });
    expect(polls).toHaveLength(3);
    expect(seen.map((info) => info.playing)).toEqual([false, true, false]);
  });

  it("takes a lost connection while polling as the end, and a bad answer as an error", async () => {
    let polls = 0;
    const lost = inMemoryExchange(async (_method, path) => {
      if (path === "/playback-info" && ++polls === 2) lost.disconnect();
      return path === "/playback-info"
        ? { status: 200, body: encodePlist({ duration: 10 }) }
        : { status: 200 };
    });
    await playUrl(lost.exchange, "http://x/a.mp4", { ...FAST, version: AirPlayV1 });
    expect(polls).toBe(2);

    const bad = inMemoryExchange(async (_method, path) =>
      path === "/playback-info"
        ? { status: 200, body: new TextEncoder().encode("not a plist") }
        : { status: 200 },
    );
    await expect(
      playUrl(bad.exchange, "http://x/a.mp4", { ...FAST, version: AirPlayV1 }),
    ).rejects.toBeInstanceOf(ProtocolError);
  });

  it("refuses a bad position or version before sending anything", async () => {
    const { exchange, requests } = inMemoryExchange(async () => ({ status: 200 }));
    await expect(
      playUrl(exchange, "http://x/a.mp4", { version: AirPlayV1, position: -1 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      playUrl(exchange, "http://x/a.mp4", { version: 3 as AirPlayMajorVersion }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(requests).toHaveLength(0);
  });
});

describe("stopPlayback", () => {
  it("sends POST /stop and the device stops", async () => {
    const { playback } = fake(30);
    const { exchange } = inMemoryExchange((...args) => playback.handle(...args));
    const controller = new AbortController();
    const playing = playUrl(exchange, server.url, {
      ...FAST,
      version: AirPlayV1,
      signal: controller.signal,
      stopOnAbort: false,
      onStarted: () => {
        void stopPlayback(exchange);
      },
    });
    // The next poll finds nothing playing: the playback ended.
    await playing;
    expect(playback.status).toBe("idle");
  });
});

describe("playMedia", () => {
  it("serves a local file that the device reads byte for byte", async () => {
    const { playback, events } = fake();
    const { exchange } = inMemoryExchange((...args) => playback.handle(...args));

    await playMedia(exchange, file, "127.0.0.1", { ...FAST, version: AirPlayV2 });

    const url = playback.lastPlay!.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\.mp4$/);
    const fetched = events.find((event) => event.type === "fetched");
    expect(fetched).toEqual({
      type: "fetched",
      url,
      bytes: content.length,
      sha256: sha256(content),
      truncated: false,
      contentType: "video/mp4",
    });
    // The server lived as long as the playback and no longer.
    await expect(fetch(url)).rejects.toThrow();
  });

  it("accepts a file: URL", async () => {
    const { playback, events } = fake();
    const { exchange } = inMemoryExchange((...args) => playback.handle(...args));
    await playMedia(exchange, `file://${file}`, "localhost", { ...FAST, version: AirPlayV1 });
    expect(events.find((event) => event.type === "fetched")).toMatchObject({
      sha256: sha256(content),
    });
  });

  it("fails on a missing file before sending anything", async () => {
    const { exchange, requests } = inMemoryExchange(async () => ({ status: 200 }));
    const missing = join(dir, "no-such-movie.mp4");
    const error = await playMedia(exchange, missing, "127.0.0.1", {
      version: AirPlayV1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaybackError);
    expect((error as PlaybackError).message).toContain(missing);
    expect(((error as PlaybackError).cause as NodeJS.ErrnoException).code).toBe("ENOENT");
    expect(requests).toHaveLength(0);

    await expect(
      playMedia(exchange, dir, "127.0.0.1", { version: AirPlayV1 }),
    ).rejects.toBeInstanceOf(PlaybackError);
    await expect(
      playMedia(exchange, "relative/missing.mp4", "127.0.0.1", { version: AirPlayV1 }),
    ).rejects.toBeInstanceOf(PlaybackError);
    expect(requests).toHaveLength(0);
  });

  it("passes other URLs through unchanged", async () => {
    const { exchange, requests } = inMemoryExchange(async (_method, path) =>
      path === "/playback-info" ? { status: 200 } : { status: 200 },
    );
    const url = "https://example.invalid/stream.m3u8";
    await playMedia(exchange, url, "127.0.0.1", { ...FAST, version: AirPlayV1 });
    expect(decodePlist(requests[0]!.body!)).toMatchObject({ "Content-Location": url });
  });
});
