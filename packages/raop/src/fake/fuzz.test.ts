import { connect } from "node:net";
import { HttpResponseParser } from "@atv/airplay";
import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSdp, encodeProgress, encodeRaopMetadata } from "../wire/index.js";
import { FakeRaopReceiver } from "./receiver.js";
import { checkVolume, parseClientTransport, parseRtpInfo } from "./rtsp-fields.js";

const STATUSES = new Set([200, 400, 401, 403, 404, 415, 454, 455, 500, 501]);

function request(method: string, headers: Record<string, string>, body = ""): string {
  const lines = [`${method} rtsp://127.0.0.1/1 RTSP/1.0`, "CSeq: 1"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body.length > 0) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

const VALID = [
  request(
    "ANNOUNCE",
    { "Content-Type": "application/sdp" },
    buildSdp({
      sessionId: "1",
      localAddress: "127.0.0.1",
      remoteAddress: "127.0.0.1",
      format: "alac",
    }),
  ),
  request("SETUP", { Transport: "RTP/AVP/UDP;unicast;control_port=5000;timing_port=5001" }),
  request("RECORD", { "RTP-Info": "seq=1;rtptime=0" }),
  request("FLUSH", { "RTP-Info": "seq=1;rtptime=0" }),
  request("SET_PARAMETER", { "Content-Type": "text/parameters" }, "volume: -15.0"),
  request("SET_PARAMETER", { "Content-Type": "text/parameters" }, encodeProgress(1, 2, 3)),
  request(
    "SET_PARAMETER",
    { "Content-Type": "application/x-dmap-tagged" },
    Buffer.from(encodeRaopMetadata({ title: "t", artist: "a" })).toString("latin1"),
  ),
  request("GET_PARAMETER", { "Content-Type": "text/parameters" }, "volume\r\n"),
  request("OPTIONS", {}),
  request("TEARDOWN", {}),
].map((text) => Buffer.from(text, "latin1"));

/** Sends bytes, half-closes, and returns the statuses answered before the receiver hung up. */
async function exchange(port: number, bytes: Uint8Array): Promise<number[]> {
  const socket = connect({ host: "127.0.0.1", port });
  const parser = new HttpResponseParser();
  const statuses: number[] = [];
  let unreadable = false;
  socket.on("data", (chunk: Buffer) => {
    try {
      statuses.push(...parser.push(chunk).map((r) => r.status));
    } catch {
      unreadable = true;
    }
  });
  socket.on("error", () => {});
  socket.end(bytes);
  await new Promise<void>((resolve) => socket.once("close", () => resolve()));
  expect(unreadable).toBe(false);
  return statuses;
}

describe("FakeRaopReceiver fuzz", () => {
  let fake: FakeRaopReceiver;
  beforeAll(async () => {
    fake = await FakeRaopReceiver.start({ idleTimeout: 500 });
  });
  afterAll(async () => {
    await fake.close();
  });

  const mutated = fc
    .tuple(
      fc.constantFrom(...VALID),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
    )
    .map(([valid, edits, cut]) => {
      const bytes = Uint8Array.from(valid);
      for (const [at, value] of edits) bytes[at % bytes.length] = value;
      return bytes.subarray(0, bytes.length - (cut % 4 === 0 ? cut % bytes.length : 0));
    });
  const sequence = fc
    .array(fc.oneof(mutated, fc.constantFrom(...VALID)), { minLength: 1, maxLength: 5 })
    .map((parts) => Uint8Array.from(Buffer.concat(parts)));

  it("answers random and mutated requests with a status or hangs up, and keeps serving", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated, sequence),
        async (bytes) => {
          for (const status of await exchange(fake.port, bytes)) {
            expect(STATUSES.has(status)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
    const statuses = await exchange(fake.port, Buffer.from(request("OPTIONS", {})));
    expect(statuses).toEqual([200]);
  }, 60_000);
});

describe("RTSP fields", () => {
  it("reads a Transport header or throws ProtocolError", () => {
    expect(
      parseClientTransport(
        "RTP/AVP/UDP;unicast;interleaved=0-1;mode=record;control_port=6001;timing_port=6002",
      ),
    ).toEqual({ controlPort: 6001, timingPort: 6002 });
    for (const bad of [
      "RTP/AVP/TCP;control_port=1;timing_port=2",
      "RTP/AVP/UDP;control_port=0;timing_port=2",
      "RTP/AVP/UDP;control_port=1",
    ]) {
      expect(() => parseClientTransport(bad)).toThrow(ProtocolError);
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const t = parseClientTransport(text);
          expect(t.controlPort).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });

  it("reads RTP-Info or gives undefined", () => {
    expect(parseRtpInfo("seq=65535;rtptime=4294967295")).toEqual({
      seq: 65535,
      rtptime: 4294967295,
    });
    expect(parseRtpInfo("seq=65536;rtptime=1")).toBeUndefined();
    expect(parseRtpInfo("rtptime=1")).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (text) => {
        const info = parseRtpInfo(text);
        if (info !== undefined) expect(info.seq).toBeLessThanOrEqual(0xffff);
      }),
    );
  });

  it("takes volumes from -144 to 0 dB only", () => {
    expect(checkVolume(-30)).toBe(-30);
    expect(checkVolume(-144)).toBe(-144);
    for (const bad of [0.5, -145, Number.NaN])
      expect(() => checkVolume(bad)).toThrow(ProtocolError);
  });
});
