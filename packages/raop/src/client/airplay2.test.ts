import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { eventsKeys } from "@atv/airplay";
import { AirPlayPairingServer } from "@atv/airplay/fake";
import { SharedSecret } from "@atv/hap";
import {
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  HttpError,
  NotSupportedError,
  PlainProperties,
  ProtocolError,
  tcpConnect,
} from "@atv/interface";
import { encodePlist, PlistReal } from "@atv/plist";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  decodeRetransmitResponse,
  encodeRetransmitRequest,
  FRAMES_PER_PACKET,
  openAudioPacketV2,
  parseVolumeParameter,
  pcmToL16,
  pctToDbfs,
} from "../wire/index.js";
import {
  connectEventPort,
  initialVolumeOf,
  RAOP_V2_IDENTITY,
  raopAudioKey,
  sessionSetupBody,
} from "./airplay2-stream.js";
import { connectRaop, RaopClient, type RaopConnectOptions } from "./client.js";
import { type Answerer, TestReceiver } from "./test-receiver.js";
import { memorySource, patternPcm } from "./test-source.js";

const SPEED = 50;
/** Bit 48 (CoreUtils pairing and encryption): AirPlay 2, and transient pairing. */
const V2_TRANSIENT = { ft: "0x0,0x10000", md: "0,1,2" };
const HAP_CREDENTIALS = `${"11".repeat(32)}:${"22".repeat(32)}:${"33".repeat(4)}:${"44".repeat(4)}`;

let receiver: TestReceiver | undefined;
let client: RaopClient | undefined;

afterEach(async () => {
  await client?.close();
  await receiver?.close();
  client = undefined;
  receiver = undefined;
});

function pairingServer(): AirPlayPairingServer {
  return new AirPlayPairingServer({
    identifier: "AA:BB:CC:DD:EE:FF",
    seed: new Uint8Array(32).fill(7),
    pin: 1234,
  });
}

async function setUp(
  options: Partial<RaopConnectOptions> = {},
  answer?: Answerer,
): Promise<{ receiver: TestReceiver; client: RaopClient }> {
  receiver = await TestReceiver.start(answer, { pairing: pairingServer() });
  client = await connectRaop({
    host: "127.0.0.1",
    port: receiver.port,
    speed: SPEED,
    properties: new PlainProperties(V2_TRANSIENT),
    ...options,
  });
  return { receiver, client };
}

function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}

function requestLine(r: { method: string; uri: string }): string {
  return r.uri.startsWith("rtsp://") ? r.method : `${r.method} ${r.uri}`;
}

describe("protocol version choice", () => {
  const table: [string, Record<string, string>, Partial<RaopConnectOptions>, 1 | 2][] = [
    ["Apple TV 3 on auto", { ft: "0x5A7FFFF7,0xE" }, {}, 1],
    ["HomePod mini on auto (transient)", { ft: "0x4A7FCA00,0xBC354BD0" }, {}, 2],
    ["no TXT record on auto", {}, {}, 1],
    ["bit 38 without credentials on auto (falls back)", { ft: "0x0,0x40" }, {}, 1],
    [
      "bit 38 with HAP credentials on auto",
      { ft: "0x0,0x40" },
      { credentials: HAP_CREDENTIALS },
      2,
    ],
    [
      "bit 38 with legacy credentials on auto",
      { ft: "0x0,0x40" },
      { credentials: `${"44".repeat(8)}:${"22".repeat(32)}` },
      1,
    ],
    ["bit 38 and bit 43 on auto (transient)", { ft: "0x0,0x840" }, {}, 2],
    ["HomePod mini forced v1", { ft: "0x4A7FCA00,0xBC354BD0" }, { protocolVersion: "v1" }, 1],
    ["Apple TV 3 forced v2", { ft: "0x5A7FFFF7,0xE" }, { protocolVersion: "v2" }, 2],
  ];
  it.each(table)("%s", (_name, txt, options, expected) => {
    const chosen = new RaopClient({
      host: "127.0.0.1",
      port: 1,
      properties: new PlainProperties(txt),
      ...options,
    });
    expect(chosen.protocolVersion).toBe(expected);
  });

  it("refuses a forced v2 without keys, saying what is missing, before connecting", async () => {
    receiver = await TestReceiver.start();
    client = await connectRaop({
      host: "127.0.0.1",
      port: receiver.port,
      properties: new PlainProperties({ ft: "0x0,0x40" }),
      protocolVersion: "v2",
    });
    const failure = client.streamFile(memorySource(patternPcm(10)));
    await expect(failure).rejects.toBeInstanceOf(NotSupportedError);
    await expect(failure).rejects.toThrow(/pair with --protocol raop/);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("AirPlay 2 audio key", () => {
  it("derives shk as pyatv does (hap-keys.json, raop audio)", () => {
    const vectors = JSON.parse(
      readFileSync(new URL("../../../../../shared/vectors/hap-keys.json", import.meta.url), "utf8"),
    );
    const list = Array.isArray(vectors.vectors) ? vectors.vectors : [vectors.vectors];
    const vector = list.find((v: { role: string }) => v.role === "raop audio");
    const secret = new SharedSecret(Buffer.from(vectors.secrets[vector.secret], "hex"));
    expect(Buffer.from(raopAudioKey(secret)).toString("hex")).toBe(vector.key_hex);
    // The same bytes as the event channel's input key (pyatv swaps the infos there).
    expect(raopAudioKey(secret)).toEqual(eventsKeys(secret).inputKey);
  });

  it("puts settings' identity into SETUP #1 when given", () => {
    const body = sessionSetupBody(5000, { ...RAOP_V2_IDENTITY, name: "Kitchen remote" }, "U");
    expect(body.name).toBe("Kitchen remote");
    expect(body.sessionUUID).toBe("U");
  });
});

describe("RaopClient streaming the AirPlay 2 way", () => {
  it("verifies, encrypts, sends both plist SETUPs and seals every packet", async () => {
    const { receiver, client } = await setUp();
    expect(client.protocolVersion).toBe(2);
    const pcm = patternPcm(FRAMES_PER_PACKET * 10 + 100);
    await client.streamFile(memorySource(pcm, { metadata: { title: "T", artist: "A" } }));

    const lines = receiver.requests.map(requestLine);
    const firstFeedback = lines.indexOf("POST /feedback");
    // Later keep-alives may come any time; the order up to TEARDOWN is fixed.
    const ordered = lines.filter((line, i) => line !== "POST /feedback" || i === firstFeedback);
    expect(ordered.slice(0, 8)).toEqual([
      "GET /info",
      "POST /pair-pin-start",
      "POST /pair-setup",
      "POST /pair-setup",
      "SETUP",
      "SETUP",
      "SET_PARAMETER",
      "SET_PARAMETER",
    ]);
    expect(ordered.slice(8)).toEqual([
      "POST /feedback",
      "RECORD",
      "FLUSH",
      "SET_PARAMETER",
      "TEARDOWN",
    ]);
    const find = (method: string) => receiver.requests.filter((r) => r.method === method);
    const info = receiver.requests[0]!;
    expect(info.headers.cseq).toBe("0");
    expect(receiver.requests[2]!.headers["x-apple-hkp"]).toBe("4");
    const [progress, metadata, volume] = find("SET_PARAMETER");
    expect(text(progress!.body)).toMatch(/^progress: 66150\/66150\/\d+\r\n$/);
    expect(metadata!.headers.session).toBe("0");
    expect(parseVolumeParameter(text(volume!.body))).toBeCloseTo(pctToDbfs(33));
    const record = find("RECORD")[0]!;
    expect(record.headers.session).toBeUndefined();
    expect(record.headers["rtp-info"]).toBeUndefined();
    const flush = find("FLUSH")[0]!;
    expect(flush.headers.range).toBe("npt=0-");
    expect(flush.headers.session).toBe("0");
    expect(find("TEARDOWN")[0]!.headers.session).toBe("0");

    // SETUP #1: the session, with pyatv's values and our timing port.
    const [session, stream] = receiver.setups;
    expect(session).toEqual({
      deviceID: "AA:BB:CC:DD:EE:FF",
      sessionUUID: expect.stringMatching(
        /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
      ),
      timingPort: receiver.clientTimingPort,
      timingProtocol: "NTP",
      isMultiSelectAirPlay: true,
      groupContainsGroupLeader: false,
      macAddress: "AA:BB:CC:DD:EE:FF",
      model: "iPhone14,3",
      name: "pyatv",
      osBuildVersion: "20F66",
      osName: "iPhone OS",
      osVersion: "16.5",
      senderSupportsRelay: false,
      sourceVersion: "690.7.1",
      statsCollectionEnabled: false,
    });
    expect(receiver.clientTimingPort).toBeGreaterThan(0);

    // SETUP #2: one L16 real-time stream, the key derived from the verify's secret.
    const secret = receiver.secret!;
    const shk = raopAudioKey(secret);
    await receiver.waitFor(() => receiver.audio.length >= 11);
    const first = openAudioPacketV2(shk, receiver.audio[0]!);
    const ssrc = new DataView(first.header.buffer, first.header.byteOffset).getUint32(8);
    expect(stream).toEqual({
      streams: [
        {
          audioFormat: 0x800,
          audioMode: "default",
          controlPort: receiver.clientControlPort,
          ct: 1,
          isMedia: true,
          latencyMax: 88200,
          latencyMin: 11025,
          shk,
          spf: 352,
          sr: 44100,
          type: 96,
          supportsDynamicStreamID: false,
          streamConnectionID: ssrc,
        },
      ],
    });
    expect(receiver.clientControlPort).toBeGreaterThan(0);

    // The event channel: connected once, sealed with the events keys, answered 200.
    expect(receiver.eventConnections).toBe(1);
    await receiver.waitFor(() => receiver.eventAnswers.length >= 1);
    expect(receiver.eventAnswers[0]!.status).toBe(200);
    expect(receiver.eventAnswers[0]!.headers.cseq).toBe("7");
    expect(receiver.eventAnswers[0]!.headers.server).toBe("AirTunes/366.0");

    // Audio: sealed, the counter from 0, L16 (big-endian) of the source plus padding.
    const packets = receiver.audio.map((bytes) => openAudioPacketV2(shk, bytes));
    expect(packets).toHaveLength(11);
    const view = (h: Uint8Array) => new DataView(h.buffer, h.byteOffset, h.byteLength);
    const seq0 = view(packets[0]!.header).getUint16(2);
    packets.forEach((packet, i) => {
      expect(packet.counter).toBe(BigInt(i));
      expect(packet.header[1]).toBe(i === 0 ? 0xe0 : 0x60);
      expect(view(packet.header).getUint16(2)).toBe((seq0 + i) & 0xffff);
      expect(view(packet.header).getUint32(4)).toBe(66150 + i * FRAMES_PER_PACKET);
      expect(view(packet.header).getUint32(8)).toBe(ssrc);
    });
    expect(flush.headers["rtp-info"]).toBe(`seq=${seq0};rtptime=66150`);
    const received = Buffer.concat(packets.map((p) => p.pcm));
    const padded = new Uint8Array(FRAMES_PER_PACKET * 11 * 4);
    padded.set(pcm);
    expect(received.equals(Buffer.from(pcmToL16(padded)))).toBe(true);
  });

  it("uses the identity of the settings in SETUP #1", async () => {
    const info = {
      name: "Living room",
      mac: "02:00:00:00:00:01",
      model: "iPhone10,6",
      deviceId: "FF:00:00:00:00:01",
      osName: "iPhone OS",
      osBuild: "18G82",
      osVersion: "14.7.1",
    };
    const { receiver, client } = await setUp({ info });
    await client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET)));
    expect(receiver.setups[0]).toMatchObject({
      name: "Living room",
      macAddress: "02:00:00:00:00:01",
      model: "iPhone10,6",
      deviceID: "FF:00:00:00:00:01",
      osBuildVersion: "18G82",
      osVersion: "14.7.1",
    });
  });

  it("resends a sealed packet unchanged when asked", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 40)));
    await receiver.waitFor(() => receiver.audio.length >= 3);
    const shk = receiver.audioKey!;
    const wanted = openAudioPacketV2(shk, receiver.audio[1]!);
    const seqno = new DataView(wanted.header.buffer, wanted.header.byteOffset).getUint16(2);
    const before = receiver.control.length;
    receiver.controlSocket.send(
      encodeRetransmitRequest({ seqno, count: 1 }),
      receiver.clientControlPort,
      "127.0.0.1",
    );
    const resends = () => receiver.control.slice(before).filter((b) => (b[1]! & 0x7f) === 0x56);
    await receiver.waitFor(() => resends().length >= 1);
    const resent = decodeRetransmitResponse(resends()[0]!);
    expect(Buffer.from(resent).equals(Buffer.from(receiver.audio[1]!))).toBe(true);
    expect(openAudioPacketV2(shk, resent).counter).toBe(1n);
    await client.stop();
    await done;
    // The resend did not use up a counter: every fresh packet's counter is its index.
    receiver.audio.forEach((bytes, i) => {
      expect(openAudioPacketV2(shk, bytes).counter).toBe(BigInt(i));
    });
  });

  it("keeps sending feedback every 2 s and ignores its failures", async () => {
    let feedbacks = 0;
    const { receiver, client } = await setUp({ speed: 1 }, (request) => {
      if (request.uri !== "/feedback") return undefined;
      feedbacks++;
      return { status: feedbacks % 2 === 0 ? 403 : 500 };
    });
    const pcm = patternPcm(Math.round(44100 * 2.6));
    await client.streamFile(memorySource(pcm));
    expect(feedbacks).toBeGreaterThanOrEqual(2);
    expect(receiver.methods).toContain("TEARDOWN");
    expect(client.lastStreamStats?.sourceFrames).toBe(pcm.length / 4);
  }, 10_000);

  it("turns a SETUP answer without dataPort into ProtocolError, releasing everything", async () => {
    const { receiver, client } = await setUp({}, (request, r) => {
      if (request.method !== "SETUP" || r.setups.length === 0) return undefined;
      return {
        headers: { "Content-Type": "application/x-apple-binary-plist" },
        body: encodePlist({ streams: [{ type: 96, controlPort: r.controlSocket.address().port }] }),
      };
    });
    await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      ProtocolError,
    );
    expect(receiver.audio).toHaveLength(0);
    expect(client.streaming).toBe(false);
  });

  it("turns statuses and garbage of the SETUPs into typed errors", async () => {
    const cases: [Answerer, new (...args: never[]) => Error][] = [
      [(r) => (r.method === "SETUP" ? { status: 403 } : undefined), AuthenticationError],
      [(r) => (r.method === "SETUP" ? { status: 500 } : undefined), HttpError],
      [(r) => (r.method === "SETUP" ? { body: Uint8Array.of(1, 2, 3) } : undefined), ProtocolError],
      [
        (r) => (r.method === "SETUP" ? { body: encodePlist({ timingPort: 1 }) } : undefined),
        ProtocolError,
      ],
    ];
    for (const [answer, type] of cases) {
      const { client } = await setUp({}, answer);
      await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(type);
      await client.close();
      await receiver?.close();
    }
  });

  it("fails with AuthenticationError when the receiver does not know the credentials", async () => {
    const { receiver, client } = await setUp({ credentials: HAP_CREDENTIALS });
    await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(receiver.methods).not.toContain("SETUP");
  });

  it("ends with ConnectionLostError when the receiver goes away, releasing sockets", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 400)));
    await receiver.waitFor(() => receiver.audio.length >= 2);
    expect(await receiver.clientPortsFree()).toBe(false);
    receiver.dropConnections();
    await expect(done).rejects.toBeInstanceOf(ConnectionLostError);
    expect(await receiver.clientPortsFree()).toBe(true);
    expect(client.streaming).toBe(false);
  });
});

describe("event channel connection", () => {
  const refused = () =>
    new ConnectionFailedError("refused", {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });

  it("tries again while the event port is refused", async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    let attempts = 0;
    const socket = await connectEventPort("127.0.0.1", port, {
      delayMs: 1,
      connect: (host, p, opts) =>
        ++attempts < 3 ? Promise.reject(refused()) : tcpConnect(host, p, opts),
    });
    expect(attempts).toBe(3);
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives up after five refusals, and at once on other failures", async () => {
    let attempts = 0;
    const failing = connectEventPort("127.0.0.1", 1, {
      delayMs: 1,
      connect: () => {
        attempts++;
        return Promise.reject(refused());
      },
    });
    await expect(failing).rejects.toBeInstanceOf(ConnectionFailedError);
    expect(attempts).toBe(5);

    attempts = 0;
    const other = connectEventPort("127.0.0.1", 1, {
      delayMs: 1,
      connect: () => {
        attempts++;
        return Promise.reject(new ConnectionFailedError("unreachable"));
      },
    });
    await expect(other).rejects.toBeInstanceOf(ConnectionFailedError);
    expect(attempts).toBe(1);
  });
});

describe("initialVolumeOf (a receiver's /info)", () => {
  it("reads the receiver's volume in dB, and nothing off the scale or of another type", () => {
    expect(initialVolumeOf(encodePlist({ initialVolume: new PlistReal(-20.5) }))).toBe(-20.5);
    expect(initialVolumeOf(encodePlist({ initialVolume: new PlistReal(-144) }))).toBe(-144);
    expect(initialVolumeOf(encodePlist({ initialVolume: new PlistReal(3) }))).toBeUndefined();
    expect(initialVolumeOf(encodePlist({ initialVolume: "-20" }))).toBeUndefined();
    expect(initialVolumeOf(encodePlist({ name: "speaker" }))).toBeUndefined();
    expect(initialVolumeOf(encodePlist([1, 2]))).toBeUndefined();
    expect(initialVolumeOf(new TextEncoder().encode("<html>not found</html>"))).toBeUndefined();
  });

  it("never throws on random or damaged answers", () => {
    const good = encodePlist({ initialVolume: new PlistReal(-12), name: "x" });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (noise, at) => {
        const damaged = Uint8Array.from(good);
        for (const [i, byte] of noise.entries()) damaged[(at + i) % damaged.length] = byte;
        for (const body of [noise, damaged]) {
          const volume = initialVolumeOf(body);
          expect(volume === undefined || (volume >= -144 && volume <= 0)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
