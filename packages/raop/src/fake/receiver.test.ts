import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { patternPcm, sha256Hex } from "../client/test-source.js";
import {
  decodeTimingPacket,
  encodeProgress,
  encodeRaopMetadata,
  encodeSyncPacket,
  encodeTimingRequest,
  ntpNow,
} from "../wire/index.js";
import type { FakeRaopEvent } from "./events.js";
import { trimTrailingSilence } from "./pcm-assembler.js";
import { FakeRaopReceiver, type FakeRaopReceiverOptions } from "./receiver.js";
import { RaopTestClient } from "./test-client.js";
import { boundUdp } from "./test-udp.js";

const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function receiver(options: FakeRaopReceiverOptions = {}): Promise<FakeRaopReceiver> {
  const fake = await FakeRaopReceiver.start(options);
  open.push(fake);
  return fake;
}

async function client(fake: FakeRaopReceiver): Promise<RaopTestClient> {
  const c = await RaopTestClient.connect(fake.port);
  open.push(c);
  return c;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(5);
}

function kinds(events: readonly FakeRaopEvent[]): string[] {
  return events.map((e) => e.kind);
}

describe("FakeRaopReceiver streams", () => {
  it("records an ALAC stream whole, the short last packet included", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const pcm = patternPcm(352 * 10 + 100);
    await c.start("alac", 500);
    c.sendPcm("alac", pcm, 500);
    await until(() => fake.received.length === pcm.length);
    expect(fake.received).toEqual(pcm);
    expect((await c.request("TEARDOWN"))?.status).toBe(200);
    const [stream] = fake.streams;
    expect(stream).toMatchObject({
      format: "alac",
      frames: 352 * 10 + 100,
      sha256: sha256Hex(pcm),
      missing: 0,
      truncated: false,
      reason: "teardown",
    });
    expect(stream?.pcm).toEqual(pcm);
    expect(kinds(fake.events)).toEqual(["stream_start", "stream_end"]);
    expect(fake.events[1]).toEqual({
      kind: "stream_end",
      format: "alac",
      version: "v1",
      frames: 352 * 10 + 100,
      sha256: sha256Hex(pcm),
      unpaddedFrames: 352 * 10 + 100,
      unpaddedSha256: sha256Hex(pcm),
      missing: 0,
      badPackets: 0,
      reason: "teardown",
    });
  });

  it("counts padding as received and offers the checksum without it", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const source = patternPcm(352 * 3 + 17, 11);
    // As pyatv sends it: the last packet padded to 352 frames, then packets of silence.
    const sent = new Uint8Array(352 * 4 * 9);
    sent.set(source);
    await c.start("alac", 40);
    c.sendPcm("alac", sent, 40);
    await c.request("TEARDOWN");
    expect(fake.streams[0]).toMatchObject({
      frames: 352 * 9,
      sha256: sha256Hex(sent),
      unpaddedFrames: trimTrailingSilence(source).length / 4,
      unpaddedSha256: sha256Hex(trimTrailingSilence(source)),
    });
  });

  it("puts L16 packets back in order across the sequence number wrap", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const pcm = patternPcm(352 * 12, 7);
    await c.start("l16", 65530);
    c.sendPcm("l16", pcm, 65530, {
      order: (seqnos) =>
        seqnos.flatMap((_, i) => (i % 2 === 0 ? seqnos.slice(i, i + 2).reverse() : [])),
    });
    await until(() => fake.received.length === pcm.length);
    await c.request("TEARDOWN");
    expect(fake.streams[0]).toMatchObject({
      format: "l16",
      frames: 352 * 12,
      sha256: sha256Hex(pcm),
    });
  });

  it("asks again for the packets it drops and completes the stream with them", async () => {
    const dropped = new Set([900, 903, 904, 911]);
    const fake = await receiver({ dropSeqnos: (seqno) => dropped.has(seqno) });
    const c = await client(fake);
    const pcm = patternPcm(352 * 12 - 5, 3);
    await c.start("alac", 900);
    c.sendPcm("alac", pcm, 900);
    await c.request("TEARDOWN");
    const stream = fake.streams[0];
    expect(stream).toMatchObject({ frames: 352 * 12 - 5, sha256: sha256Hex(pcm), missing: 0 });
    expect(stream?.retransmitRequests).toBe(4);
    expect(c.retransmitRequests.map((r) => r.seqno).sort()).toEqual([900, 903, 904, 911]);
    expect(fake.events.filter((e) => e.kind === "retransmit_request")).toHaveLength(4);
  });

  it("asks for packets lost on the way, once per gap", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const pcm = patternPcm(352 * 8, 4);
    await c.start("l16", 10);
    c.sendPcm("l16", pcm, 10, { skip: (seqno) => seqno === 12 || seqno === 13 });
    await c.request("TEARDOWN");
    expect(c.retransmitRequests).toEqual([{ seqno: 12, count: 2 }]);
    expect(fake.streams[0]).toMatchObject({ sha256: sha256Hex(pcm), missing: 0 });
  });

  it("counts what never comes as missing and hashes the rest", async () => {
    const fake = await receiver({ dropSeqnos: (seqno) => seqno === 2 });
    const c = await client(fake);
    c.resend = false;
    const pcm = patternPcm(352 * 4, 5);
    await c.start("alac", 0);
    c.sendPcm("alac", pcm, 0);
    await c.request("TEARDOWN");
    const kept = new Uint8Array([...pcm.subarray(0, 352 * 8), ...pcm.subarray(352 * 12)]);
    expect(fake.streams[0]).toMatchObject({ frames: 352 * 3, missing: 1, sha256: sha256Hex(kept) });
  });

  it("ends a stream at FLUSH and starts the next where RTP-Info says", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start("l16", 100);
    // The FLUSH pyatv sends before any audio ends nothing.
    await c.request("FLUSH", { headers: { "RTP-Info": "seq=100;rtptime=0" } });
    const first = patternPcm(352 * 3, 8);
    c.sendPcm("l16", first, 100);
    await until(() => fake.received.length === first.length);
    expect(
      (await c.request("FLUSH", { headers: { "RTP-Info": "seq=200;rtptime=0" } }))?.status,
    ).toBe(200);
    const second = patternPcm(352 * 2, 9);
    c.sendPcm("l16", second, 200);
    await until(() => fake.received.length === second.length);
    await c.request("TEARDOWN");
    expect(fake.streams.map((s) => [s.reason, s.sha256])).toEqual([
      ["flush", sha256Hex(first)],
      ["teardown", sha256Hex(second)],
    ]);
    expect(kinds(fake.events)).toEqual([
      "stream_start",
      "stream_end",
      "stream_start",
      "stream_end",
    ]);
  });

  it("ends the stream when the client vanishes", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const pcm = patternPcm(352 * 2);
    await c.start("alac", 1);
    c.sendPcm("alac", pcm, 1);
    await until(() => fake.received.length === pcm.length);
    c.socket.destroy();
    await fake.waitForStreams(1);
    expect(fake.streams[0]).toMatchObject({ reason: "disconnect", sha256: sha256Hex(pcm) });
  });

  it("keeps a bounded prefix of the PCM but hashes all of it", async () => {
    const fake = await receiver({ maxPcmBytes: 1000 });
    const c = await client(fake);
    const pcm = patternPcm(352 * 3);
    await c.start("alac", 1);
    c.sendPcm("alac", pcm, 1);
    await c.request("TEARDOWN");
    const stream = fake.streams[0];
    expect(stream?.pcm).toEqual(pcm.subarray(0, 1000));
    expect(stream).toMatchObject({ truncated: true, sha256: sha256Hex(pcm), frames: 352 * 3 });
  });

  it("drops undecodable payloads and reads sync packets", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start("alac", 1);
    // An L16 payload where ALAC was announced cannot be decoded: dropped, then asked for.
    c.sendPcm("l16", patternPcm(352), 1);
    c.sendControl(
      encodeSyncPacket({
        first: true,
        rtpTime: 0,
        latency: 11025,
        ntp: ntpNow(),
        nextRtpTime: 11025,
      }),
    );
    c.sendControl(new Uint8Array([0x80]));
    await until(() => fake.connections.values().next().value?.channels?.syncPackets === 1);
    await c.request("TEARDOWN");
    expect(fake.streams).toHaveLength(0);
  });
});

describe("FakeRaopReceiver parameters", () => {
  it("records volume, progress, metadata and artwork with the stream", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start("alac", 1);
    const text = { "Content-Type": "text/parameters" };
    expect(
      (await c.request("SET_PARAMETER", { headers: text, body: "volume: -15.0" }))?.status,
    ).toBe(200);
    await c.request("SET_PARAMETER", { headers: text, body: encodeProgress(10, 20, 30) });
    await c.request("SET_PARAMETER", {
      headers: { "Content-Type": "application/x-dmap-tagged" },
      body: encodeRaopMetadata({ title: "Song", artist: "Band", album: "Record" }),
    });
    await c.request("SET_PARAMETER", {
      headers: { "Content-Type": "image/jpeg" },
      body: new Uint8Array([0xff, 0xd8, 0xff]),
    });
    await c.request("SET_PARAMETER", { headers: text, body: "volume: -144.0" });
    const get = await c.request("GET_PARAMETER", { headers: text, body: "volume\r\n" });
    expect(new TextDecoder().decode(get?.body)).toBe("volume: -144.000000\r\n");
    c.sendPcm("alac", patternPcm(352), 1);
    await until(() => fake.received.length > 0);
    await c.request("TEARDOWN");
    expect(fake.events.filter((e) => e.kind !== "stream_start" && e.kind !== "stream_end")).toEqual(
      [
        { kind: "volume", level: -15, percent: 50 },
        { kind: "progress", start: 10, current: 20, end: 30 },
        { kind: "metadata", title: "Song", artist: "Band", album: "Record" },
        { kind: "artwork", mimetype: "image/jpeg", length: 3 },
        { kind: "volume", level: -144, percent: 0 },
      ],
    );
    expect(fake.volume).toBe(-144);
    expect(fake.streams[0]).toMatchObject({
      volumes: [-15, -144],
      progress: { start: 10, current: 20, end: 30 },
      metadata: { title: "Song", artist: "Band", album: "Record" },
      artwork: { mimetype: "image/jpeg", bytes: new Uint8Array([0xff, 0xd8, 0xff]) },
    });
  });

  it("refuses a volume out of range or a parameter it does not know", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const text = { "Content-Type": "text/parameters" };
    expect((await c.request("SET_PARAMETER", { headers: text, body: "volume: 5" }))?.status).toBe(
      400,
    );
    expect(
      (await c.request("SET_PARAMETER", { headers: text, body: "volume: loud" }))?.status,
    ).toBe(400);
    expect((await c.request("SET_PARAMETER", { headers: text, body: "colour: red" }))?.status).toBe(
      501,
    );
    expect(
      (await c.request("SET_PARAMETER", { headers: { "Content-Type": "x/y" }, body: "a" }))?.status,
    ).toBe(415);
    expect(fake.events).toEqual([]);
  });

  it("answers /info with the initial volume as a real number", async () => {
    const fake = await receiver({ initialVolume: -20.5 });
    const c = await client(fake);
    const info = await c.request("GET", { uri: "/info" });
    expect(info?.status).toBe(200);
    expect(info?.headers["content-type"]).toBe("application/x-apple-binary-plist");
    expect(fake.volume).toBe(-20.5);
  });
});

describe("FakeRaopReceiver UDP timing", () => {
  it("asks the client for its time after SETUP and answers timing requests", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start("l16", 1);
    await until(() => c.timingRequests > 0);
    const timingPort = fake.connections.values().next().value?.channels?.ports.timing as number;
    const asker = await boundUdp();
    open.push(asker);
    const answer = new Promise<Uint8Array>((resolve) =>
      asker.once("message", (msg) => resolve(new Uint8Array(msg))),
    );
    const sent = ntpNow();
    asker.send(encodeTimingRequest({ ntpNow: sent }), timingPort, "127.0.0.1");
    const response = decodeTimingPacket(await answer);
    expect(response.kind).toBe("response");
    expect(response.reftime).toBe(sent);
  });
});

describe("FakeRaopReceiver session rules", () => {
  it("refuses steps out of order, a wrong session and unknown methods", async () => {
    const fake = await receiver();
    const c = await client(fake);
    expect((await c.request("OPTIONS", { uri: "*" }))?.status).toBe(200);
    expect(
      (
        await c.request("SETUP", {
          headers: { Transport: "RTP/AVP/UDP;control_port=1;timing_port=2" },
        })
      )?.status,
    ).toBe(455);
    expect((await c.request("RECORD"))?.status).toBe(455);
    expect((await c.request("FLUSH"))?.status).toBe(455);
    expect((await c.request("DESCRIBE"))?.status).toBe(501);
    await c.start("alac", 1);
    expect((await c.request("FLUSH", { headers: { Session: "nope" } }))?.status).toBe(454);
    expect(
      (
        await c.request("SETUP", {
          headers: { Transport: "RTP/AVP/UDP;control_port=1;timing_port=2" },
        })
      )?.status,
    ).toBe(455);
  });

  it("answers a bad SDP or Transport with 400 and carries on", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const sdp = { "Content-Type": "application/sdp" };
    expect((await c.request("ANNOUNCE", { headers: sdp, body: "v=1\r\n" }))?.status).toBe(400);
    expect(
      (await c.request("ANNOUNCE", { headers: sdp, body: "v=0\r\nm=video 0 RTP/AVP 96\r\n" }))
        ?.status,
    ).toBe(400);
    expect(
      (await c.request("ANNOUNCE", { headers: { "Content-Type": "text/plain" }, body: "v=0" }))
        ?.status,
    ).toBe(415);
    await c.start("l16", 1).catch(() => {});
    const d = await client(fake);
    const body = "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/44100/2\r\n";
    await d.request("ANNOUNCE", { headers: sdp, body });
    expect(
      (await d.request("SETUP", { headers: { Transport: "RTP/AVP/UDP;timing_port=2" } }))?.status,
    ).toBe(400);
    expect((await d.request("SETUP"))?.status).toBe(400);
  });

  it("answers a malformed request with 400 and hangs up", async () => {
    const fake = await receiver();
    const c = await client(fake);
    c.write("NOT A REQUEST\r\n\r\n");
    expect((await c.response())?.status).toBe(400);
    expect(await c.response()).toBeUndefined();
    const d = await client(fake);
    expect((await d.request("OPTIONS", { uri: "*" }))?.status).toBe(200);
  });

  it("refuses heads and bodies over its limits", async () => {
    const fake = await receiver();
    const c = await client(fake);
    c.write(`OPTIONS * RTSP/1.0\r\nX: ${"a".repeat(9000)}\r\n\r\n`);
    expect((await c.response())?.status).toBe(400);
    const d = await client(fake);
    d.write("SET_PARAMETER rtsp://x/1 RTSP/1.0\r\nContent-Length: 99999999\r\n\r\n");
    expect((await d.response())?.status).toBe(400);
  });

  it("refuses a new ANNOUNCE while set up", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start("alac", 1);
    const body = "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/44100/2\r\n";
    const again = await c.request("ANNOUNCE", {
      headers: { "Content-Type": "application/sdp" },
      body,
    });
    expect(again?.status).toBe(455);
  });

  it("cuts off a client that piles up requests", async () => {
    const fake = await receiver();
    const c = await client(fake);
    c.write("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n".repeat(100));
    let last: number | undefined;
    for (let r = await c.response(); r !== undefined; r = await c.response()) last = r.status;
    expect(last).toBe(503);
  });

  it("answers pairing requests with 404 on an AirPlay 1 receiver", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const answer = await c.request("POST", { uri: "/pair-pin-start" });
    expect(answer?.status).toBe(404);
    expect(fake.pairing).toBeUndefined();
  });
});

describe("FakeRaopReceiver limits", () => {
  it("drops a client that stays silent", async () => {
    const fake = await receiver({ idleTimeout: 30 });
    const c = await client(fake);
    expect(await c.response()).toBeUndefined();
    await until(() => fake.connections.size === 0);
  });

  it("refuses clients over the limit", async () => {
    const fake = await receiver({ maxConnections: 1 });
    const c = await client(fake);
    expect((await c.request("OPTIONS", { uri: "*" }))?.status).toBe(200);
    const refused = connect({ host: "127.0.0.1", port: fake.port });
    await new Promise<void>((resolve) =>
      refused.once("close", () => resolve()).on("error", () => {}),
    );
    expect(fake.connections.size).toBe(1);
  });

  it("keeps the PCM of the newest streams only", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start("l16", 0);
    for (let i = 0; i < 3; i++) {
      c.sendPcm("l16", patternPcm(352, i + 1), i * 10);
      await until(() => fake.received.length > 0);
      await c.request("FLUSH", { headers: { "RTP-Info": `seq=${(i + 1) * 10};rtptime=0` } });
    }
    expect(fake.streams.map((s) => s.pcm?.length)).toEqual([undefined, 1408, 1408]);
    expect(fake.streams.map((s) => s.sha256)).toEqual(
      [1, 2, 3].map((seed) => sha256Hex(patternPcm(352, seed))),
    );
  });

  it("ends streams in progress when closed", async () => {
    const fake = await FakeRaopReceiver.start();
    const c = await client(fake);
    await c.start("l16", 1);
    c.sendPcm("l16", patternPcm(352), 1);
    await until(() => fake.received.length > 0);
    await fake.close();
    expect(fake.streams[0]?.reason).toBe("close");
  });
});
