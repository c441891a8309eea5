import {
  AuthenticationError,
  ConnectionLostError,
  HttpError,
  InvalidStateError,
  ProtocolError,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import {
  decodeAlacFrame,
  decodeAudioPacket,
  decodeRetransmitResponse,
  decodeSyncPacket,
  encodeRetransmitRequest,
  FRAMES_PER_PACKET,
  parseVolumeParameter,
  pctToDbfs,
} from "../wire/index.js";
import { connectRaop, type RaopClient, type RaopConnectOptions } from "./client.js";
import { TestReceiver } from "./test-receiver.js";
import { memorySource, patternPcm } from "./test-source.js";

const SPEED = 50;
let receiver: TestReceiver | undefined;
let client: RaopClient | undefined;

afterEach(async () => {
  await client?.close();
  await receiver?.close();
  client = undefined;
  receiver = undefined;
});

async function setUp(
  options: Partial<RaopConnectOptions> = {},
  answer?: ConstructorParameters<typeof Object>[0],
): Promise<{ receiver: TestReceiver; client: RaopClient }> {
  receiver = await TestReceiver.start(answer);
  client = await connectRaop({ host: "127.0.0.1", port: receiver.port, speed: SPEED, ...options });
  return { receiver, client };
}

function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}

describe("RaopClient against a scripted receiver", () => {
  it("sends the AirPlay 1 requests in order with their headers", async () => {
    const { receiver, client } = await setUp();
    const pcm = patternPcm(FRAMES_PER_PACKET * 10 + 100);
    await client.streamFile(memorySource(pcm, { metadata: { title: "T", artist: "A" } }));

    expect(receiver.methods).toEqual([
      "OPTIONS",
      "ANNOUNCE",
      "SETUP",
      "SET_PARAMETER", // progress
      "SET_PARAMETER", // metadata
      "POST", // feedback
      "RECORD",
      "SET_PARAMETER", // volume
      "TEARDOWN",
    ]);
    const [options, announce, setup, progress, metadata, , record, volume, teardown] =
      receiver.requests.map((r) => r!) as NonNullable<(typeof receiver.requests)[number]>[];
    expect(options?.uri).toBe("*");
    expect(announce?.headers["content-type"]).toBe("application/sdp");
    const sdp = text(announce!.body);
    expect(sdp).toContain("a=rtpmap:96 AppleLossless");
    expect(sdp).toContain("a=fmtp:96 352 0 16 40 10 14 2 255 0 0 44100");
    expect(setup?.headers.transport).toMatch(
      /^RTP\/AVP\/UDP;unicast;interleaved=0-1;mode=record;control_port=\d+;timing_port=\d+$/,
    );
    expect(text(progress!.body)).toMatch(/^progress: 66150\/66150\/\d+\r\n$/);
    expect(metadata?.headers["content-type"]).toBe("application/x-dmap-tagged");
    expect(metadata?.headers.session).toBe("DEADBEEF");
    expect(record?.headers.session).toBe("DEADBEEF");
    expect(record?.headers["rtp-info"]).toMatch(/^seq=\d+;rtptime=66150$/);
    expect(record?.headers.range).toBe("npt=0-");
    expect(parseVolumeParameter(text(volume!.body))).toBeCloseTo(pctToDbfs(33));
    expect(teardown?.headers.session).toBe("DEADBEEF");
    for (const [i, request] of receiver.requests.entries()) {
      expect(request.headers.cseq).toBe(String(i));
    }

    // 11 packets, in order, the first marked; the PCM is the source's plus padding.
    await receiver.waitFor(() => receiver.audio.length >= 11);
    const packets = receiver.audio.map((bytes) => decodeAudioPacket(bytes));
    expect(packets).toHaveLength(11);
    const seq0 = packets[0]!.seqno;
    packets.forEach((packet, i) => {
      expect(packet.seqno).toBe((seq0 + i) & 0xffff);
      expect(packet.timestamp).toBe(66150 + i * FRAMES_PER_PACKET);
      expect(packet.marker).toBe(i === 0);
    });
    expect(record?.headers["rtp-info"]).toBe(`seq=${seq0};rtptime=66150`);
    const sessionId = Number(/o=iTunes (\d+) /.exec(sdp)?.[1]);
    expect(packets.every((packet) => packet.ssrc === sessionId)).toBe(true);
    const received = Buffer.concat(packets.map((p) => decodeAlacFrame(p.payload)));
    const padding = FRAMES_PER_PACKET - 100;
    expect(received.length).toBe(pcm.length + padding * 4);
    expect(Buffer.from(received.subarray(0, pcm.length)).equals(Buffer.from(pcm))).toBe(true);
    expect(received.subarray(pcm.length).every((b) => b === 0)).toBe(true);
    expect(client.lastStreamStats?.paddingFrames).toBe(padding);

    // Sync packets: the first flagged, each pairing "now" with the next RTP time.
    const syncs = receiver.control.map((bytes) => decodeSyncPacket(bytes));
    expect(syncs.length).toBeGreaterThan(0);
    expect(syncs[0]?.first).toBe(true);
    expect(syncs.slice(1).every((s) => !s.first)).toBe(true);
    expect(syncs[0]?.latency).toBe(66150);
  });

  it("sends L16 when asked, and announces L16", async () => {
    const { receiver, client } = await setUp({ format: "l16" });
    await client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET)));
    const sdp = text(receiver.requests.find((r) => r.method === "ANNOUNCE")!.body);
    expect(sdp).toContain("L16/44100/2");
    expect(sdp).not.toContain("fmtp");
    await receiver.waitFor(() => receiver.audio.length >= 1);
    expect(decodeAudioPacket(receiver.audio[0]!).payload).toHaveLength(FRAMES_PER_PACKET * 4);
  });

  it("answers retransmit requests from its backlog", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 20)));
    await receiver.waitFor(() => receiver.audio.length >= 3);
    const first = decodeAudioPacket(receiver.audio[1]!);
    const request = encodeRetransmitRequest({ seqno: first.seqno, count: 2 });
    const before = receiver.control.length;
    receiver.controlSocket.send(request, receiver.clientControlPort, "127.0.0.1");
    await receiver.waitFor(
      () => receiver.control.slice(before).filter((b) => (b[1]! & 0x7f) === 0x56).length >= 2,
    );
    const resent = receiver.control
      .slice(before)
      .filter((b) => (b[1]! & 0x7f) === 0x56)
      .map((b) => decodeRetransmitResponse(b));
    expect(Buffer.from(resent[0]!).equals(Buffer.from(receiver.audio[1]!))).toBe(true);
    expect(Buffer.from(resent[1]!).equals(Buffer.from(receiver.audio[2]!))).toBe(true);
    await client.stop();
    await done;
    expect(client.lastStreamStats?.retransmitted).toBe(2);
  });

  it("sends a volume change mid-stream at once", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    expect(client.volume).toBe(33);
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 200)));
    await receiver.waitFor(() => receiver.audio.length >= 2);
    await client.setVolume(60);
    const volumes = receiver.requests
      .filter((r) => r.method === "SET_PARAMETER" && text(r.body).startsWith("volume"))
      .map((r) => parseVolumeParameter(text(r.body)));
    expect(volumes).toEqual([pctToDbfs(33), pctToDbfs(60)]);
    expect(client.volume).toBe(60);
    await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    await client.stop();
    await done;
    expect(receiver.methods.at(-1)).toBe("TEARDOWN");
  });

  it("reports the stream in playing() while it runs, idle after", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const changes: string[] = [];
    client.onStateChange(() => changes.push(String(client.playing().deviceState)));
    const done = client.streamFile(
      memorySource(patternPcm(FRAMES_PER_PACKET * 400), {
        duration: 3.2,
        metadata: { title: "Song", artist: "Band", album: "Record" },
      }),
    );
    await receiver.waitFor(() => receiver.audio.length >= 2);
    const playing = client.playing();
    expect(playing).toMatchObject({ title: "Song", artist: "Band", album: "Record", totalTime: 3 });
    expect(playing.deviceState).toBe(3);
    await client.pause();
    await done;
    expect(client.playing().deviceState).toBe(0);
    expect(changes).toEqual(["3", "0"]);
  });

  it("authenticates with the password when the receiver asks (digest)", async () => {
    const nonce = "abc123";
    const { receiver, client } = await setUp({ password: "secret" }, (request: never) => {
      const r = request as { headers: Record<string, string>; method: string };
      if (r.method === "OPTIONS") return undefined;
      if (!r.headers.authorization) {
        return {
          status: 401,
          headers: { "WWW-Authenticate": `Digest realm="raop", nonce="${nonce}"` },
        };
      }
      return undefined;
    });
    await client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET)));
    const announces = receiver.requests.filter((r) => r.method === "ANNOUNCE");
    expect(announces).toHaveLength(2);
    expect(announces[1]?.headers.authorization).toMatch(
      /^Digest username="atv", realm="raop", nonce="abc123", uri="rtsp:\/\/127\.0\.0\.1\/\d+", response="[0-9a-f]{32}"$/,
    );
    expect(receiver.requests.at(-1)?.headers.authorization).toBeDefined();
  });

  it("turns a refused password, a missing one and 403 into AuthenticationError", async () => {
    const refuse = () => ({
      status: 401,
      headers: { "WWW-Authenticate": 'Digest realm="raop", nonce="n"' },
    });
    for (const options of [{ password: "wrong" }, {}]) {
      const { client, receiver } = await setUp(options, ((r: { method: string }) =>
        r.method === "ANNOUNCE" ? refuse() : undefined) as never);
      await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      expect(receiver.audio).toHaveLength(0);
      await client.close();
      await receiver.close();
    }
    const { client: c3 } = await setUp({}, ((r: { method: string }) =>
      r.method === "ANNOUNCE" ? { status: 403 } : undefined) as never);
    await expect(c3.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it("turns 453 into an HttpError with the status", async () => {
    const { client } = await setUp({}, ((r: { method: string }) =>
      r.method === "SETUP" ? { status: 453 } : undefined) as never);
    const error = await client.streamFile(memorySource(patternPcm(10))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(453);
  });

  it("turns a malformed answer or Transport into ProtocolError", async () => {
    const { client } = await setUp({}, ((r: { method: string }) =>
      r.method === "ANNOUNCE"
        ? { raw: new TextEncoder().encode("garbage\r\n\r\n") }
        : undefined) as never);
    await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      ProtocolError,
    );
    await client.close();
    await receiver?.close();
    const { client: c2 } = await setUp({}, ((r: { method: string }) =>
      r.method === "SETUP"
        ? { headers: { Session: "1", Transport: "RTP/AVP/UDP;server_port=x" } }
        : undefined) as never);
    await expect(c2.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(ProtocolError);
  });

  it("ends with ConnectionLostError when the receiver goes away, releasing sockets", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const source = memorySource(patternPcm(FRAMES_PER_PACKET * 400));
    const done = client.streamFile(source);
    await receiver.waitFor(() => receiver.audio.length >= 2);
    expect(await receiver.clientPortsFree()).toBe(false);
    receiver.dropConnections();
    await expect(done).rejects.toBeInstanceOf(ConnectionLostError);
    expect(source.closed).toBe(false); // an AudioSource given is the caller's to close
    expect(await receiver.clientPortsFree()).toBe(true);
    expect(client.streaming).toBe(false);
    const sent = receiver.audio.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.audio.length).toBe(sent);
  });

  it("ends with ConnectionLostError when the audio port is gone", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 400)));
    await receiver.waitFor(() => receiver.audio.length >= 2);
    receiver.audioSocket.close();
    await expect(done).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("stops on abort and still tears down", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const controller = new AbortController();
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 400)), {
      signal: controller.signal,
    });
    await receiver.waitFor(() => receiver.audio.length >= 2);
    controller.abort(new Error("user"));
    await expect(done).rejects.toThrow("user");
    await receiver.waitFor(() => receiver.methods.includes("TEARDOWN"));
  });
});

describe("protocol version", () => {
  it("streams AirPlay 1 to an AirPlay 2 receiver on auto, refuses a forced v2", async () => {
    const { PlainProperties, NotSupportedError } = await import("@atv/interface");
    // Bit 38 (CoreUtils pairing and encryption) makes pyatv pick AirPlay 2.
    const properties = new PlainProperties({ ft: "0x0,0x40" });
    const { receiver, client } = await setUp({ properties });
    expect(client.protocolVersion).toBe(1);
    await client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET)));
    expect(receiver.methods).toContain("RECORD");
    const forced = await connectRaop({
      host: "127.0.0.1",
      port: receiver.port,
      properties,
      protocolVersion: "v2",
    });
    expect(forced.protocolVersion).toBe(2);
    await expect(forced.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    await forced.close();
  });
});

describe("closing", () => {
  it("ends a running stream quietly when the client is closed", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 400)));
    await receiver.waitFor(() => receiver.audio.length >= 2);
    await client.close();
    await expect(done).resolves.toBeUndefined();
    await expect(client.streamFile(memorySource(patternPcm(10)))).rejects.toBeInstanceOf(
      InvalidStateError,
    );
  });
});

describe("timing and bad input", () => {
  it("answers the receiver's timing requests, echoing its send time", async () => {
    const { decodeTimingPacket, encodeTimingRequest } = await import("../wire/index.js");
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 400)));
    await receiver.waitFor(() => receiver.audio.length >= 1);
    const answer = new Promise<Uint8Array>((resolve) =>
      receiver.timingSocket.once("message", (message) => resolve(new Uint8Array(message))),
    );
    const sent = 0x1234_5678_9abc_def0n;
    receiver.timingSocket.send(
      encodeTimingRequest({ ntpNow: sent }),
      receiver.clientTimingPort,
      "127.0.0.1",
    );
    const response = decodeTimingPacket(await answer);
    expect(response.kind).toBe("response");
    expect(response.reftime).toBe(sent);
    expect(response.recvtime).toBeGreaterThan(0n);
    await client.stop();
    await done;
  });

  it("ignores garbage on its timing and control ports", async () => {
    const { receiver, client } = await setUp({ speed: 2 });
    const done = client.streamFile(memorySource(patternPcm(FRAMES_PER_PACKET * 400)));
    await receiver.waitFor(() => receiver.audio.length >= 1);
    for (const bytes of [Uint8Array.of(), Uint8Array.of(0x80, 0x55), Uint8Array.of(1, 2, 3)]) {
      receiver.timingSocket.send(bytes, receiver.clientTimingPort, "127.0.0.1");
      receiver.controlSocket.send(bytes, receiver.clientControlPort, "127.0.0.1");
    }
    const count = receiver.audio.length;
    await receiver.waitFor(() => receiver.audio.length >= count + 3);
    await client.stop();
    await expect(done).resolves.toBeUndefined();
  });

  it("fails on a missing file before sending anything", async () => {
    const { receiver, client } = await setUp();
    await expect(client.streamFile("/nonexistent/tone.wav")).rejects.toThrow(/tone\.wav/);
    expect(receiver.requests).toHaveLength(0);
  });
});
