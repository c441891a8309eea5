// Random and mutated bytes from clients over real sockets never bring the fake receiver
// down: it answers what it can read or hangs up, forgets the connection, and well-behaved
// clients can still verify (and pair) afterwards.

import { type Socket, connect as tcp } from "node:net";
import { type HapCredentials, PairSetupClient, PairVerifyClient } from "@atv/hap";
import { DEFAULT_INFO_SETTINGS } from "@atv/interface";
import { encodePlist } from "@atv/plist";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mutatedFrom } from "../../../../scripts/byte-mutations.js";
import { Ap2Session } from "../ap2/session.js";
import { AirPlayHapPairSetup } from "../auth/hap-pairing.js";
import { HAP_PAIRING_HEADERS } from "../auth/headers.js";
import { controlKeys } from "../auth/keys.js";
import { verifyConnection } from "../auth/verify.js";
import { encodeRequest } from "../http/codec.js";
import { HttpConnection } from "../http/connection.js";
import { FakeAirPlayDevice } from "./device.js";

const WAIT = { timeout: 3000, interval: 5 };
const PIN = 2468;
// What the fake may send before hanging up: nothing, or answers with a status line (in
// the protocol of the request, which a mutation may have changed to "HTTP/11.7").
const ANSWER = /^[A-Z]+\/\d+\.\d+ \d{3} /;

describe("the fake AirPlay receiver against random client bytes", () => {
  let airplay: FakeAirPlayDevice;
  let credentials: HapCredentials;

  beforeAll(async () => {
    airplay = await FakeAirPlayDevice.start({ pin: String(PIN), playback: false });
    credentials = await pair();
  });

  afterAll(async () => {
    await airplay.close();
  });

  async function pair(): Promise<HapCredentials> {
    const connection = await HttpConnection.connect("127.0.0.1", airplay.port);
    try {
      const setup = new AirPlayHapPairSetup(connection.exchange);
      await setup.start();
      return await setup.finish(PIN);
    } finally {
      connection.close();
    }
  }

  async function opened(): Promise<Socket> {
    const socket = tcp(airplay.port, "127.0.0.1");
    socket.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return socket;
  }

  /** Everything the fake sent until the connection closed. */
  function untilClosed(socket: Socket): Promise<Buffer> {
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    return new Promise((resolve) => socket.once("close", () => resolve(Buffer.concat(received))));
  }

  /** A well-behaved client verifies and is answered on the sealed connection. */
  async function expectServing(): Promise<void> {
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
    const session = await Ap2Session.connect("127.0.0.1", airplay.port, credentials, {
      info: { ...DEFAULT_INFO_SETTINGS, rpId: "" },
      timeout: 3000,
    });
    try {
      expect(session.verified).toBe(true);
      expect((await session.rtsp.feedback()).status).toBe(200);
    } finally {
      session.close();
    }
  }

  const rtsp = (method: string, uri: string, body?: Uint8Array): Uint8Array =>
    encodeRequest({
      method,
      uri,
      protocol: "RTSP/1.0",
      headers: { CSeq: 1, "Content-Type": "application/x-apple-binary-plist" },
      ...(body ? { body } : {}),
    });

  // Valid requests of every kind the fake reads in clear, to mutate.
  const seeds = (): Uint8Array[] => [
    encodeRequest({ method: "GET", uri: "/info", protocol: "HTTP/1.1" }),
    encodeRequest({
      method: "POST",
      uri: "/pair-setup",
      headers: HAP_PAIRING_HEADERS,
      body: new PairSetupClient().m1(),
    }),
    encodeRequest({
      method: "POST",
      uri: "/pair-verify",
      headers: HAP_PAIRING_HEADERS,
      body: new PairVerifyClient(credentials).m1(),
    }),
    encodeRequest({ method: "POST", uri: "/pair-pin-start", headers: HAP_PAIRING_HEADERS }),
    rtsp("SETUP", "rtsp://127.0.0.1/1", encodePlist({ streams: [{ type: 130, seed: 1n }] })),
    rtsp("SETUP", "rtsp://127.0.0.1/1", encodePlist({ isRemoteControlOnly: true })),
    rtsp("RECORD", "rtsp://127.0.0.1/1"),
    rtsp("POST", "/feedback"),
    rtsp("TEARDOWN", "rtsp://127.0.0.1/1"),
  ];

  /** Input as a client could send it: random, or a valid request garbled, in pieces. */
  const input = (): fc.Arbitrary<Uint8Array[]> =>
    fc
      .tuple(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 400 }),
          mutatedFrom(seeds()),
          // A valid request, then anything.
          fc
            .tuple(fc.constantFrom(...seeds()), fc.uint8Array({ maxLength: 40 }))
            .map(([request, tail]) => Uint8Array.from([...request, ...tail])),
        ),
        fc.array(fc.nat(), { maxLength: 4 }),
      )
      .map(([bytes, cuts]) => {
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort(
          (a, b) => a - b,
        );
        const pieces: Uint8Array[] = [];
        let from = 0;
        for (const point of [...points, bytes.length]) {
          if (point > from) pieces.push(bytes.subarray(from, point));
          from = point;
        }
        return pieces;
      });

  it("answers or hangs up on anything sent in clear, and keeps serving", async () => {
    await fc.assert(
      fc.asyncProperty(input(), async (pieces) => {
        const socket = await opened();
        const received = untilClosed(socket);
        for (const piece of pieces) socket.write(piece);
        socket.end();
        const answer = await received;
        if (answer.length > 0) expect(answer.subarray(0, 40).toString("latin1")).toMatch(ANSWER);
        await expectServing();
      }),
      { numRuns: 60 },
    );
  });

  it("hangs up on anything sent on a verified connection outside its encryption", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const socket = await opened();
        const connection = new HttpConnection(socket, { requestTimeout: 3000 });
        try {
          const secret = await verifyConnection(credentials, connection.exchange);
          if (secret === undefined) throw new Error("a HAP verify gives a secret");
          const keys = controlKeys(secret);
          connection.enableEncryption(keys.outputKey, keys.inputKey);
          const ended = new Promise<void>((resolve) => connection.onClose(() => resolve()));
          socket.write(bytes);
          socket.end();
          await ended;
          expect(connection.closed).toBe(true);
        } finally {
          connection.close();
        }
        await expectServing();
      }),
      { numRuns: 20 },
    );
  });

  it("still pairs a new client after all that", async () => {
    const fresh = await pair();
    expect(fresh.clientId).not.toEqual(credentials.clientId);
    await expectServing();
  });
});
