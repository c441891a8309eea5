import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeAnyPlist, decodePlist, encodePlist, isXmlPlist, PlistReal } from "@atv/plist";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AirPlayMajorVersion } from "../features.js";
import { FakePlayback, type FakePlaybackEvent } from "./playback.js";
import { parsePlayRequest } from "./playback-request.js";

const BPLIST = { "content-type": "application/x-apple-binary-plist" };
const NO_BODY = new Uint8Array(0);
const MEDIA = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 13) % 256));

// A media server: /media answers MEDIA, /hang never answers, anything else 404.
let server: Server;
let base: string;
const hanging = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/media") {
      response.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": MEDIA.length });
      response.end(MEDIA);
    } else if (request.url === "/hang") {
      hanging.add(response);
      response.on("close", () => hanging.delete(response));
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fakes: FakePlayback[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function start(options: ConstructorParameters<typeof FakePlayback>[0] = {}) {
  const playback = new FakePlayback(options);
  fakes.push(playback);
  const events: FakePlaybackEvent[] = [];
  playback.onEvent((event) => events.push(event));
  const next = (type: FakePlaybackEvent["type"]) =>
    new Promise<FakePlaybackEvent>((resolve) => {
      const off = playback.onEvent((event) => {
        if (event.type !== type) return;
        off();
        resolve(event);
      });
    });
  return { playback, events, next };
}

function v1Play(url: string, position = 0): [string, string, Record<string, string>, Uint8Array] {
  const body = encodePlist({
    "Content-Location": url,
    "Start-Position": new PlistReal(position),
    "X-Apple-Session-ID": "s-1",
  });
  return ["POST", "/play", BPLIST, body];
}

async function info(playback: FakePlayback): Promise<Record<string, unknown>> {
  const answer = await playback.handle("GET", "/playback-info", {}, NO_BODY);
  expect(answer.status).toBe(200);
  // AirPlay 1 sessions are answered in XML, as AirPlay 1 receivers do; AirPlay 2 in binary.
  const xml = answer.headers?.["Content-Type"] === "text/x-apple-plist+xml";
  expect(isXmlPlist(answer.body!)).toBe(xml);
  return decodeAnyPlist(answer.body!) as Record<string, unknown>;
}

async function scrub(playback: FakePlayback): Promise<string> {
  const answer = await playback.handle("GET", "/scrub", {}, NO_BODY);
  return new TextDecoder().decode(answer.body);
}

describe("FakePlayback", () => {
  it("answers idle before anything is played", async () => {
    const { playback } = start();
    expect(playback.status).toBe("idle");
    expect(await info(playback)).toEqual({ readyToPlay: false });
    expect(await scrub(playback)).toBe("duration: 0.000000\nposition: 0.000000\n");
  });

  it("loads, fetches the whole URL, plays and ends", async () => {
    const { playback, events, next } = start({ duration: 0.05 });
    expect(await playback.handle(...v1Play(`${base}/media`, 0.01))).toEqual({ status: 200 });
    expect(playback.status).toBe("playing");
    const playing = await info(playback);
    expect(playing).toMatchObject({ duration: 0.05, rate: 1, readyToPlay: true });
    expect(playing.position).toBeGreaterThanOrEqual(0.01);
    await next("finished");
    expect(playback.status).toBe("finished");
    expect(await info(playback)).toEqual({ readyToPlay: false });
    expect(events).toEqual([
      {
        type: "play",
        url: `${base}/media`,
        position: 0.01,
        version: AirPlayMajorVersion.AirPlayV1,
      },
      {
        type: "fetched",
        url: `${base}/media`,
        bytes: MEDIA.length,
        sha256: createHash("sha256").update(MEDIA).digest("hex"),
        truncated: false,
        contentType: "video/mp4",
      },
      { type: "finished", url: `${base}/media` },
    ]);
  });

  it("is loading until the fetch ends when it answers /play at once", async () => {
    const { playback, next } = start({ awaitLoad: false });
    const fetched = next("fetched");
    await playback.handle(...v1Play(`${base}/media`));
    expect(playback.status).toBe("loading");
    const loading = await info(playback);
    expect(loading).toMatchObject({ readyToPlay: false, playbackBufferEmpty: true });
    expect(loading).not.toHaveProperty("duration");
    await fetched;
    expect(playback.status).toBe("playing");
  });

  it("pauses, seeks and plays on /rate and /scrub", async () => {
    const { playback, events } = start({ duration: 100 });
    await playback.handle(...v1Play(`${base}/media`, 10));
    expect((await playback.handle("POST", "/rate?value=0.000000", {}, NO_BODY)).status).toBe(200);
    expect(playback.status).toBe("paused");
    expect(await info(playback)).toMatchObject({ rate: 0 });
    expect((await playback.handle("POST", "/scrub?position=42.5", {}, NO_BODY)).status).toBe(200);
    expect(await scrub(playback)).toBe("duration: 100.000000\nposition: 42.500000\n");
    expect(await info(playback)).toMatchObject({ position: 42.5, duration: 100 });
    await playback.handle("POST", "/rate?value=1.000000", {}, NO_BODY);
    expect(playback.status).toBe("playing");
    expect(events.slice(2)).toEqual([
      { type: "rate", rate: 0 },
      { type: "scrub", position: 42.5 },
      { type: "rate", rate: 1 },
    ]);
    expect((await playback.handle("POST", "/rate?value=fast", {}, NO_BODY)).status).toBe(400);
    expect((await playback.handle("POST", "/scrub", {}, NO_BODY)).status).toBe(400);
  });

  it("starts an AirPlay 2 playback paused until the rate is set", async () => {
    const { playback } = start();
    const body = encodePlist({
      "Content-Location": `${base}/media`,
      "Start-Position-Seconds": new PlistReal(0),
      uuid: "u-1",
      rate: new PlistReal(1),
    });
    await playback.handle("POST", "/play", { ...BPLIST, "x-apple-session-id": "h-1" }, body);
    expect(playback.lastPlay).toEqual({
      url: `${base}/media`,
      position: 0,
      version: AirPlayMajorVersion.AirPlayV2,
      sessionId: "h-1",
      uuid: "u-1",
    });
    expect(playback.status).toBe("paused");
    expect(await info(playback)).toMatchObject({ uuid: "u-1", rate: 0 });
    const property = await playback.handle(
      "PUT",
      "/setProperty?actionAtItemEnd",
      BPLIST,
      encodePlist({ value: 0 }),
    );
    expect(decodePlist(property.body!)).toEqual({ errorCode: 0 });
    await playback.handle("POST", "/rate?value=1.000000", {}, NO_BODY);
    expect(playback.status).toBe("playing");
  });

  it("reports an error for a URL it cannot fetch", async () => {
    const { playback, events } = start();
    await playback.handle(...v1Play(`${base}/missing`));
    expect(playback.status).toBe("failed");
    expect(await info(playback)).toMatchObject({
      error: { code: -11800, domain: "AVFoundationErrorDomain" },
    });
    expect(events[1]).toEqual({
      type: "fetch-failed",
      url: `${base}/missing`,
      reason: "HTTP 404 Not Found",
    });

    await playback.handle(...v1Play("ftp://example.invalid/x.mp4"));
    expect(playback.status).toBe("failed");
  });

  it("gives up a fetch at its timeout and reads no more than its cap", async () => {
    const slow = start({ fetchTimeout: 30 });
    await slow.playback.handle(...v1Play(`${base}/hang`));
    expect(slow.playback.status).toBe("failed");
    expect(slow.events[1]).toMatchObject({ type: "fetch-failed" });
    expect((slow.events[1] as { reason: string }).reason).toMatch(/timed out/);

    const capped = start({ maxFetchBytes: 1000 });
    await capped.playback.handle(...v1Play(`${base}/media`));
    expect(capped.events[1]).toMatchObject({
      type: "fetched",
      bytes: 1000,
      truncated: true,
      sha256: createHash("sha256").update(MEDIA.subarray(0, 1000)).digest("hex"),
    });
  });

  it("replaces a playback with a new /play and aborts its fetch", async () => {
    const { playback, events, next } = start({ awaitLoad: false });
    await playback.handle(...v1Play(`${base}/hang`));
    await waitForHang();
    const fetched = next("fetched");
    await playback.handle(...v1Play(`${base}/media`));
    await fetched;
    expect(playback.status).toBe("playing");
    expect(playback.lastPlay?.url).toBe(`${base}/media`);
    // The first fetch ended without a word: no failure was reported for it.
    expect(events.map((event) => event.type)).toEqual(["play", "play", "fetched"]);
    await waitUntil(() => hanging.size === 0);
  });

  it("stops on /stop and on close, aborting a fetch", async () => {
    const { playback, events } = start({ awaitLoad: false });
    await playback.handle(...v1Play(`${base}/hang`));
    await waitForHang();
    expect(await playback.handle("POST", "/stop", {}, NO_BODY)).toEqual({ status: 200 });
    expect(playback.status).toBe("idle");
    expect(events.map((event) => event.type)).toEqual(["play", "stop"]);
    await waitUntil(() => hanging.size === 0);

    await playback.handle(...v1Play(`${base}/hang`));
    await waitForHang();
    await playback.close();
    await waitUntil(() => hanging.size === 0);
    expect((await playback.handle("GET", "/playback-info", {}, NO_BODY)).status).toBe(503);
  });

  it("answers 500 to injected failures, 400 to bad bodies, 404 and 405", async () => {
    const { playback } = start();
    playback.failNextPlays(1);
    expect((await playback.handle(...v1Play(`${base}/media`))).status).toBe(500);
    expect(playback.playCount).toBe(1);
    expect((await playback.handle("POST", "/play", BPLIST, NO_BODY)).status).toBe(400);
    expect((await playback.handle("POST", "/play", {}, encodePlist({}))).status).toBe(400);
    expect((await playback.handle("GET", "/play", {}, NO_BODY)).status).toBe(405);
    expect((await playback.handle("GET", "/nothing", {}, NO_BODY)).status).toBe(404);
    expect(playback.playCount).toBe(3);
    expect(playback.status).toBe("idle");
  });
});

describe("parsePlayRequest", () => {
  it("reads the text/parameters body of older senders", () => {
    const body = new TextEncoder().encode(
      "Content-Location: http://10.0.0.2:7001/a.mp4\nStart-Position: 0.25\n",
    );
    expect(parsePlayRequest({ "content-type": "text/parameters" }, body)).toEqual({
      url: "http://10.0.0.2:7001/a.mp4",
      position: 0.25,
      version: AirPlayMajorVersion.AirPlayV1,
      sessionId: undefined,
      uuid: undefined,
    });
  });

  it("names what is wrong with a bad request", () => {
    expect(parsePlayRequest({ "content-type": "text/plain" }, NO_BODY)).toMatch(/Content-Type/);
    expect(parsePlayRequest(BPLIST, encodePlist({ "Content-Location": 3 }))).toBe(
      "no Content-Location",
    );
    expect(
      parsePlayRequest(
        BPLIST,
        encodePlist({ "Content-Location": "http://x", "Start-Position": -1 }),
      ),
    ).toBe("bad Start-Position");
    expect(parsePlayRequest(BPLIST, encodePlist([1]))).toMatch(/not a dictionary/);
  });

  it("gives a request or a reason for any body", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("application/x-apple-binary-plist", "text/parameters", "x/y"),
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }),
          fc
            .dictionary(
              fc.constantFrom(
                "Content-Location",
                "Start-Position",
                "Start-Position-Seconds",
                "uuid",
              ),
              fc.oneof(fc.string(), fc.double(), fc.boolean()),
            )
            .map((fields) => encodePlist(fields)),
        ),
        (type, body) => {
          const result = parsePlayRequest({ "content-type": type }, body);
          if (typeof result === "string") return;
          expect(result.url).not.toBe("");
          expect(Number.isFinite(result.position) && result.position >= 0).toBe(true);
        },
      ),
    );
  });
});

// Polls a condition on the event loop (for socket closes the fake does not report).
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

async function waitForHang(): Promise<void> {
  await waitUntil(() => hanging.size > 0);
}
