// The fake receiver as an AirPlay 2 speaker, driven the way pyatv's airplayv2.py streams:
// pairing and verify on the RTSP port, HAP framing, plist SETUPs, an event channel,
// sealed audio, resends of sealed packets; and refusing what a real speaker refuses.

import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpConnection, RtspSession } from "@atv/airplay";
import { HapFrameCipher } from "@atv/hap";
import { AuthenticationError, InvalidCredentialsError, PairingError } from "@atv/interface";
import { encodePlist } from "@atv/plist";
import { afterEach, describe, expect, it } from "vitest";
import { patternPcm, sha256Hex } from "../client/test-source.js";
import { encodeProgress, encodeRaopMetadata } from "../wire/index.js";
import type { FakeRaopEvent } from "./events.js";
import { FakeRaopReceiver, type FakeRaopReceiverOptions } from "./receiver.js";
import {
  pairWithPin,
  RaopV2TestClient,
  sessionSetupBody,
  streamSetupBody,
} from "./test-client-v2.js";

const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function receiver(options: FakeRaopReceiverOptions = {}): Promise<FakeRaopReceiver> {
  const fake = await FakeRaopReceiver.start({ version: "v2", ...options });
  open.push(fake);
  return fake;
}

async function client(fake: FakeRaopReceiver): Promise<RaopV2TestClient> {
  const c = await RaopV2TestClient.connect(fake.port);
  open.push(c);
  return c;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(5);
}

function events(fake: FakeRaopReceiver, kind: FakeRaopEvent["kind"]): FakeRaopEvent[] {
  return fake.events.filter((e) => e.kind === kind);
}

describe("FakeRaopReceiver v2: pairing and verify", () => {
  it("pairs with the PIN, then verifies with the credentials and streams", async () => {
    const fake = await receiver({ pin: "4321" });
    const credentials = await pairWithPin(fake.port, "4321");
    expect(credentials.split(":")).toHaveLength(4);
    expect(fake.pairing?.pairings.entries).toHaveLength(1);
    const [paired] = events(fake, "paired");
    expect(paired).toMatchObject({ kind: "paired" });
    expect(paired && "pairingGuid" in paired && paired.pairingGuid).toMatch(/^[0-9a-f-]{36}$/i);

    const c = await client(fake);
    await c.start(100, credentials);
    const pcm = patternPcm(352 * 5);
    c.sendPcm(pcm, 100);
    await until(() => fake.received.length === pcm.length);
    expect((await c.request("TEARDOWN", { headers: { Session: 0 } })).status).toBe(200);
    expect(fake.streams[0]).toMatchObject({ version: "v2", format: "l16", sha256: sha256Hex(pcm) });
  });

  it("refuses a wrong PIN and remembers nobody", async () => {
    const fake = await receiver({ pin: "1111" });
    await expect(pairWithPin(fake.port, "2222")).rejects.toBeInstanceOf(PairingError);
    expect(fake.pairing?.pairings.entries).toHaveLength(0);
    expect(events(fake, "pairing_failed")).toEqual([
      { kind: "pairing_failed", service: "raop", reason: "pair-setup" },
    ]);
  });

  it("refuses to verify credentials it never paired", async () => {
    const fake = await receiver();
    const other = await receiver();
    const credentials = await pairWithPin(other.port, "1111");
    const c = await client(fake);
    await expect(c.verify(credentials)).rejects.toBeInstanceOf(AuthenticationError);
    expect(c.connection.encrypted).toBe(false);
  });

  it("keeps pairings given at start and shares a pairing server", async () => {
    const first = await receiver({ seed: new Uint8Array(32).fill(7), identifier: "fake-id" });
    const credentials = await pairWithPin(first.port, "1111");
    const kept = first.pairing?.pairings.entries ?? [];
    const second = await receiver({
      seed: new Uint8Array(32).fill(7),
      identifier: "fake-id",
      pairings: kept,
    });
    const c = await client(second);
    await c.verify(credentials);
    expect(c.connection.encrypted).toBe(true);
    const shared = await receiver({ pairingServer: first.pairing });
    expect(shared.pairing).toBe(first.pairing);
    expect(shared.publicKey).toEqual(first.publicKey);
  });

  it("verifies transiently (PIN 3939) and encrypts everything after", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    expect(c.connection.encrypted).toBe(true);
    const [connection] = fake.connections;
    expect(connection?.encrypted).toBe(true);
    const options = await c.request("OPTIONS", { uri: "*" });
    expect(options.status).toBe(200);
  });
});

describe("FakeRaopReceiver v2: streaming", () => {
  it("records a sealed L16 stream of a few hundred packets whole", async () => {
    const fake = await receiver();
    const c = await client(fake);
    const starts: FakeRaopEvent[] = [];
    fake.onEvent((e) => e.kind === "stream_start" && starts.push(e));
    const answer1 = await (async () => {
      await c.verify();
      return c.setupSession();
    })();
    expect(answer1.eventPort).toBeGreaterThan(0);
    expect(answer1.timingPort).toBeGreaterThan(0);
    const answer2 = await c.setupStream();
    expect(answer2.streams).toEqual([
      { type: 96, dataPort: expect.any(Number), controlPort: expect.any(Number), streamID: 1 },
    ]);
    await c.record(65530);
    const pcm = patternPcm(352 * 300 + 17);
    await c.sendPcmPaced(pcm, 65530); // wraps past 65535
    await until(() => fake.received.length === pcm.length);
    expect((await c.request("TEARDOWN", { headers: { Session: 0 } })).status).toBe(200);
    const [stream] = fake.streams;
    expect(stream).toMatchObject({
      version: "v2",
      format: "l16",
      sha256: sha256Hex(pcm),
      missing: 0,
      badPackets: 0,
      reason: "teardown",
    });
    expect(stream?.pcm).toEqual(pcm);
    expect(starts).toEqual([{ kind: "stream_start", format: "l16", version: "v2" }]);
    expect(events(fake, "stream_end")[0]).toMatchObject({ version: "v2", badPackets: 0 });
  });

  it("records pyatv's recorded v2 packets (shared vector) with the shk from the plist", async () => {
    const vectors = JSON.parse(
      readFileSync(new URL("../../../../../shared/vectors/raop.json", import.meta.url), "utf8"),
    ) as {
      audio_packets: { key_hex?: string; input_pcm_s16le_hex: string; packets_hex?: string[] }[];
    };
    const vector = vectors.audio_packets[2];
    const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
    const packets = (vector?.packets_hex ?? []).map(hex);
    expect(packets).toHaveLength(2);
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    await c.setupSession();
    // The receiver learns the key from SETUP #2, whatever the session's keys are.
    const answer = await c.request("SETUP", {
      body: streamSetupBody(hex(vector?.key_hex ?? ""), c.control.address().port),
    });
    expect(answer.status).toBe(200);
    const { decodePlist } = await import("@atv/plist");
    const dataPort = Number(
      (decodePlist(answer.body) as { streams: { dataPort: number }[] }).streams[0]?.dataPort,
    );
    await c.record(1);
    for (const packet of packets) c.audio.send(packet, dataPort, "127.0.0.1");
    const pcm = hex(vector?.input_pcm_s16le_hex ?? "");
    await until(() => fake.received.length === 2 * 1408);
    expect(fake.received.subarray(0, pcm.length)).toEqual(pcm.subarray(0, 2 * 1408));
  });

  it("drops and counts a tampered packet, then takes its resend", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start(10);
    const pcm = patternPcm(352 * 4);
    const sealed: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      const packet = c.seal(10 + i, i * 352, pcm.subarray(i * 1408, (i + 1) * 1408), i === 0);
      c.sent.set(10 + i, packet);
      sealed.push(packet);
    }
    const tampered = (sealed[1] as Uint8Array).slice();
    tampered[40] = (tampered[40] as number) ^ 0x01;
    c.sendPacket(sealed[0] as Uint8Array);
    c.sendPacket(tampered);
    c.sendPacket(sealed[2] as Uint8Array);
    c.sendPacket(sealed[3] as Uint8Array);
    await until(() => fake.received.length === pcm.length);
    expect(fake.received).toEqual(pcm);
    expect(c.retransmitRequests).toEqual([{ seqno: 11, count: 1 }]);
    await c.request("TEARDOWN", { headers: { Session: 0 } });
    expect(fake.streams[0]).toMatchObject({ badPackets: 1, missing: 0, sha256: sha256Hex(pcm) });
  });

  it("asks again for a packet it dropped on purpose, and the sealed resend completes it", async () => {
    const fake = await receiver({ dropSeqnos: (seqno) => seqno === 3 });
    const c = await client(fake);
    await c.start(1);
    const pcm = patternPcm(352 * 6);
    c.sendPcm(pcm, 1);
    await until(() => fake.received.length === pcm.length);
    expect(fake.received).toEqual(pcm);
    expect(c.retransmitRequests).toEqual([{ seqno: 3, count: 1 }]);
    expect(events(fake, "retransmit_request")).toEqual([
      { kind: "retransmit_request", seqno: 3, count: 1 },
    ]);
  });

  it("re-requests a packet that never came", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start(50);
    const pcm = patternPcm(352 * 5);
    c.sendPcm(pcm, 50, { skip: (seqno) => seqno === 52 });
    await until(() => fake.received.length === pcm.length);
    expect(c.retransmitRequests).toEqual([{ seqno: 52, count: 1 }]);
    expect(fake.received).toEqual(pcm);
  });

  it("takes volume, progress, metadata, artwork and FLUSH over the encrypted channel", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start(1);
    const text = "text/parameters";
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(
      (await c.request("SET_PARAMETER", { body: bytes("volume: -12.5"), contentType: text }))
        .status,
    ).toBe(200);
    expect(
      (
        await c.request("SET_PARAMETER", {
          body: bytes(encodeProgress(1, 2, 3)),
          contentType: text,
        })
      ).status,
    ).toBe(200);
    const rtpInfo = { Session: 0, "RTP-Info": "seq=1;rtptime=0" };
    const metadata = encodeRaopMetadata({ title: "Song", artist: "Band", album: "LP" });
    expect(
      (
        await c.request("SET_PARAMETER", {
          body: metadata,
          contentType: "application/x-dmap-tagged",
          headers: rtpInfo,
        })
      ).status,
    ).toBe(200);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(
      (
        await c.request("SET_PARAMETER", {
          body: jpeg,
          contentType: "image/jpeg",
          headers: rtpInfo,
        })
      ).status,
    ).toBe(200);
    expect((await c.request("POST", { uri: "/feedback" })).status).toBe(200);
    const first = patternPcm(352 * 2, 3);
    c.sendPcm(first, 1);
    await until(() => fake.received.length === first.length);
    const flush = await c.request("FLUSH", {
      headers: { Range: "npt=0-", Session: 0, "RTP-Info": "seq=20;rtptime=0" },
    });
    expect(flush.status).toBe(200);
    const second = patternPcm(352 * 2, 4);
    c.sendPcm(second, 20);
    await until(() => fake.received.length === second.length);
    expect((await c.request("TEARDOWN", { headers: { Session: 0 } })).status).toBe(200);
    expect(fake.volume).toBe(-12.5);
    expect(fake.streams.map((s) => [s.reason, s.sha256])).toEqual([
      ["flush", sha256Hex(first)],
      ["teardown", sha256Hex(second)],
    ]);
    expect(fake.streams[0]).toMatchObject({
      metadata: { title: "Song", artist: "Band", album: "LP" },
      progress: { start: 1, current: 2, end: 3 },
      volumes: [-12.5],
      artwork: { mimetype: "image/jpeg", bytes: jpeg },
    });
  });

  it("opens an event channel the client answers, and closes it with the session", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    await c.setupSession();
    const [connection] = fake.connections;
    await until(() => connection?.eventChannel?.connected === true);
    expect(connection?.eventChannel?.send("/command", { type: "updateInfo" })).toBe(true);
    await until(() => (connection?.eventChannel?.answers.length ?? 0) > 0);
    expect(connection?.eventChannel?.answers).toEqual([200]);
    expect(c.eventRequests).toBe(1);
    const channel = connection?.eventChannel;
    expect((await c.request("TEARDOWN", { headers: { Session: 0 } })).status).toBe(200);
    expect(channel?.closed).toBe(true);
    await until(() => c.events?.closed === true);
  });

  it("still takes an AirPlay 1 session in clear", async () => {
    const fake = await receiver();
    const { RaopTestClient } = await import("./test-client.js");
    const c = await RaopTestClient.connect(fake.port);
    open.push(c);
    await c.start("l16", 7);
    const pcm = patternPcm(352 * 3);
    c.sendPcm("l16", pcm, 7);
    await until(() => fake.received.length === pcm.length);
    await c.request("TEARDOWN");
    expect(fake.streams[0]).toMatchObject({ version: "v1", sha256: sha256Hex(pcm) });
  });
});

describe("FakeRaopReceiver v2: refusals", () => {
  it("refuses a plist SETUP from a client that has not verified with 470", async () => {
    const fake = await receiver();
    const connection = await HttpConnection.connect("127.0.0.1", fake.port);
    open.push(connection);
    const rtsp = new RtspSession(connection);
    await expect(rtsp.setup(sessionSetupBody(5000))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    const answer = await rtsp.exchange("SETUP", {
      body: sessionSetupBody(5000),
      allowErrorStatus: true,
    });
    expect(answer.status).toBe(470);
  });

  it("answers malformed and ill-typed SETUP bodies with 4xx and keeps serving", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    const setup = (body: Uint8Array | object) =>
      c.request("SETUP", {
        body: body instanceof Uint8Array ? body : encodePlist(body as never),
        contentType: "application/x-apple-binary-plist",
      });
    expect((await setup(new TextEncoder().encode("bplist00 garbage"))).status).toBe(400);
    expect((await setup([1, 2])).status).toBe(400);
    const session = sessionSetupBody(5000);
    expect((await setup({ ...session, timingPort: "5000" })).status).toBe(400);
    const { timingProtocol: _, ...untimed } = session;
    expect((await setup(untimed)).status).toBe(400);
    expect((await setup({ ...session, timingProtocol: "PTP" })).status).toBe(501);
    expect((await setup({ ...session, name: 5 })).status).toBe(400);
    // SETUP #2 before SETUP #1.
    expect((await setup(streamSetupBody(c.shk, 5000))).status).toBe(455);
    expect((await setup(session)).status).toBe(200);
    expect((await setup(session)).status).toBe(455);
    const shk = c.shk;
    const stream = (overrides: object) => setup(streamSetupBody(shk, 5000, overrides as never));
    expect((await stream({ ct: 3 })).status).toBe(415);
    expect((await stream({ audioFormat: 0x400 })).status).toBe(415);
    expect((await stream({ sr: 48000 })).status).toBe(415);
    expect((await stream({ spf: 1024 })).status).toBe(415);
    expect((await stream({ type: 103 })).status).toBe(501);
    expect((await stream({ shk: shk.subarray(0, 16) })).status).toBe(400);
    expect((await stream({ shk: "key" })).status).toBe(400);
    expect((await stream({ controlPort: 0 })).status).toBe(400);
    expect((await stream({ isMedia: 1 })).status).toBe(400);
    expect((await setup({ streams: [] })).status).toBe(400);
    expect((await stream({})).status).toBe(200);
    expect((await stream({})).status).toBe(455);
    expect(c.connection.closed).toBe(false);
  });

  it("takes ALAC (ct 2) streams too", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    await c.setupSession();
    const answer = await c.request("SETUP", {
      body: streamSetupBody(c.shk, c.control.address().port, { ct: 2, audioFormat: 0x40000 }),
    });
    expect(answer.status).toBe(200);
  });

  it("hangs up on a frame that does not open, and serves others", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    const [connection] = fake.connections;
    const closed = new Promise<void>((resolve) => c.connection.onClose(() => resolve()));
    // A well-formed frame sealed with other keys.
    const wrong = new HapFrameCipher(new Uint8Array(32), new Uint8Array(32));
    c.socket.write(
      wrong.encrypt(new TextEncoder().encode("OPTIONS * RTSP/1.0\r\nCSeq: 9\r\n\r\n")),
    );
    await closed;
    await until(() => connection?.closed === true);
    const other = await client(fake);
    await other.verify();
    expect((await other.request("OPTIONS", { uri: "*" })).status).toBe(200);
  });

  it("refuses a second verify on an encrypted connection", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.verify();
    const again = await c.connection.exchange(
      { method: "POST", uri: "/pair-pin-start", protocol: "HTTP/1.1", headers: {} },
      { allowErrorStatus: true },
    );
    expect(again.status).toBe(455);
  });
});

describe("FakeRaopReceiver v2: limits", () => {
  it("drops an idle verified client with its event channel and ports", async () => {
    // Long enough for the transient SRP work on the client, which sends nothing meanwhile.
    const fake = await receiver({ idleTimeout: 1500 });
    const c = await client(fake);
    await c.verify();
    await c.setupSession();
    const [connection] = fake.connections;
    await until(() => connection?.eventChannel?.connected === true);
    const channel = connection?.eventChannel;
    await until(() => fake.connections.size === 0);
    expect(channel?.closed).toBe(true);
    await until(() => c.events?.closed === true && c.connection.closed);
  });

  it("ends the stream in progress when the client goes away", async () => {
    const fake = await receiver();
    const c = await client(fake);
    await c.start(1);
    const pcm = patternPcm(352 * 2);
    c.sendPcm(pcm, 1);
    await until(() => fake.received.length === pcm.length);
    c.connection.close();
    await fake.waitForStreams(1);
    expect(fake.streams[0]).toMatchObject({
      version: "v2",
      reason: "disconnect",
      sha256: sha256Hex(pcm),
    });
  });
});
