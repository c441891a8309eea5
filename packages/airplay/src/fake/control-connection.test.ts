// The fake receiver's control connection is as strict as a real one: RTSP before verify
// is 470, the data stream before RECORD 455, a malformed SETUP 400, an unknown method
// 501; a client sending garbage is hung up on, an idle one dropped, and the fake goes on
// serving everybody else.

import { type Socket, connect as tcp } from "node:net";
import { TRANSIENT_CREDENTIALS } from "@atv/hap";
import {
  ConnectionLostError,
  DEFAULT_INFO_SETTINGS,
  HttpError,
  InvalidCredentialsError,
} from "@atv/interface";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { encodePlist, type PlistDictionary } from "@atv/plist";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Ap2Session } from "../ap2/session.js";
import { HttpConnection } from "../http/connection.js";
import { FakeAirPlayDevice, type FakeAirPlayDeviceOptions } from "./device.js";

const WAIT = { timeout: 3000, interval: 5 };
const INFO = { ...DEFAULT_INFO_SETTINGS, rpId: "" };

/** The remote-control data stream's SETUP body (as Ap2Session sends it). */
const streamSetup = (stream: PlistDictionary = { type: 130, seed: 1234n }): PlistDictionary => ({
  streams: [stream],
});

describe("the fake AirPlay control connection", () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function device(
    options: FakeAirPlayDeviceOptions = {},
  ): Promise<{ airplay: FakeAirPlayDevice; activity: string[] }> {
    const mrp = await FakeMrpDevice.start({ name: "Bedroom", uniqueIdentifier: "mrp-id" });
    closers.push(() => mrp.close());
    const airplay = await FakeAirPlayDevice.start({ mrp, ...options });
    closers.push(() => airplay.close());
    const activity: string[] = [];
    airplay.onEvent((event) => {
      if (event.kind === "session")
        activity.push(event.event === "setup" ? `setup:${event.channel}` : event.event);
    });
    return { airplay, activity };
  }

  async function session(airplay: FakeAirPlayDevice): Promise<Ap2Session> {
    const opened = await Ap2Session.connect("127.0.0.1", airplay.port, TRANSIENT_CREDENTIALS, {
      info: INFO,
      timeout: 3000,
    });
    closers.push(() => opened.close());
    return opened;
  }

  async function plainConnection(airplay: FakeAirPlayDevice): Promise<HttpConnection> {
    const connection = await HttpConnection.connect("127.0.0.1", airplay.port, {
      requestTimeout: 3000,
    });
    closers.push(() => connection.close());
    return connection;
  }

  async function rawSocket(port: number): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
    const socket = tcp(port, "127.0.0.1");
    closers.push(() => void socket.destroy());
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => undefined);
    const closed = new Promise<Buffer>((resolve) =>
      socket.once("close", () => resolve(Buffer.concat(received))),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return { socket, closed };
  }

  /** The fake still serves: a new client verifies and is answered on the sealed connection. */
  async function expectServing(airplay: FakeAirPlayDevice): Promise<void> {
    const fresh = await session(airplay);
    expect(fresh.verified).toBe(true);
    expect((await fresh.rtsp.feedback()).status).toBe(200);
  }

  async function httpStatus(promise: Promise<unknown>): Promise<number> {
    const error = await promise.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(HttpError);
    return (error as HttpError).statusCode;
  }

  it("refuses RTSP before a verify with 470 and sets nothing up", async () => {
    const { airplay, activity } = await device();
    const connection = await plainConnection(airplay);
    for (const method of ["SETUP", "RECORD", "TEARDOWN"]) {
      const response = await connection.exchange(
        {
          method,
          uri: "rtsp://127.0.0.1/1",
          protocol: "RTSP/1.0",
          body: encodePlist(streamSetup()),
        },
        { allowErrorStatus: true },
      );
      expect(response.status).toBe(470);
      expect(response.reason).toBe("Connection Authorization Required");
    }
    await expect(
      connection.exchange({ method: "POST", uri: "/feedback", protocol: "RTSP/1.0" }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(activity).toEqual([]);
    expect(connection.closed).toBe(false);
  });

  it("refuses the data stream before the session SETUP and RECORD with 455", async () => {
    const { airplay, activity } = await device();
    const client = await session(airplay);
    // Neither the session's SETUP nor RECORD yet.
    expect(await httpStatus(client.rtsp.setup(streamSetup()))).toBe(455);
    await client.setupEventChannel();
    // The session is set up, but not recorded.
    expect(await httpStatus(client.rtsp.setup(streamSetup()))).toBe(455);
    expect(activity).toEqual(["verified", "setup:event"]);

    // Control: after RECORD the same SETUP opens the stream.
    expect((await client.rtsp.record()).status).toBe(200);
    const answer = (await client.rtsp.setup(streamSetup())) as {
      streams: Array<{ dataPort: bigint | number }>;
    };
    expect(Number(answer.streams[0]?.dataPort)).toBeGreaterThan(0);
    expect(activity).toEqual(["verified", "setup:event", "record", "setup:data"]);
  });

  it("answers a malformed SETUP with 400 and keeps the connection", async () => {
    const { airplay, activity } = await device();
    const client = await session(airplay);
    await client.setupEventChannel();
    await client.rtsp.record();
    const bodies: Array<{ what: string; body: Uint8Array }> = [
      { what: "not a plist", body: new TextEncoder().encode("not a plist") },
      { what: "an empty body", body: new Uint8Array() },
      { what: "a plist that is no dictionary", body: encodePlist([1, 2, 3]) },
      { what: "a stream that is no dictionary", body: encodePlist({ streams: ["stream"] }) },
      { what: "no stream in streams", body: encodePlist({ streams: [] }) },
      { what: "a data stream without a seed", body: encodePlist(streamSetup({ type: 130 })) },
      {
        what: "a data stream with a text seed",
        body: encodePlist(streamSetup({ type: 130, seed: "1234" })),
      },
    ];
    const statuses = [];
    for (const { what, body } of bodies) {
      statuses.push([what, await httpStatus(client.rtsp.exchange("SETUP", { body }))]);
    }
    expect(statuses).toEqual(bodies.map(({ what }) => [what, 400]));
    expect(activity).toEqual(["verified", "setup:event", "record"]);
    expect((await client.rtsp.feedback()).status).toBe(200);
    expect(client.closed).toBe(false);
  });

  it("answers an unknown RTSP method or stream type with 501", async () => {
    const { airplay, activity } = await device();
    const client = await session(airplay);
    for (const method of ["ANNOUNCE", "GET_PARAMETER", "FLUSHBUFFERED", "PAUSE"]) {
      expect([method, await httpStatus(client.rtsp.exchange(method))]).toEqual([method, 501]);
    }
    await client.setupEventChannel();
    await client.rtsp.record();
    expect(await httpStatus(client.rtsp.setup(streamSetup({ type: 96, seed: 1n })))).toBe(501);
    // An RTSP POST to a path the receiver does not have.
    expect(await httpStatus(client.rtsp.exchange("POST", { uri: "/nothing-here" }))).toBe(404);
    expect(activity).toEqual(["verified", "setup:event", "record"]);
    expect((await client.rtsp.feedback()).status).toBe(200);
  });

  describe("hangs up on a client that sends garbage, and serves the next", () => {
    const garbage: Array<{ what: string; bytes: Uint8Array }> = [
      { what: "binary junk", bytes: Uint8Array.from([0, 1, 2, 255, 13, 10, 13, 10]) },
      { what: "a malformed request line", bytes: new TextEncoder().encode("HELLO\r\n\r\n") },
      {
        what: "a header line without a colon",
        bytes: new TextEncoder().encode("GET /info HTTP/1.1\r\nno colon\r\n\r\n"),
      },
      {
        what: "a negative Content-Length",
        bytes: new TextEncoder().encode("POST /pair-setup HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
      },
      {
        what: "a chunked body",
        bytes: new TextEncoder().encode(
          "POST /pair-setup HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        ),
      },
      { what: "a head over 16 KiB", bytes: new TextEncoder().encode(`GET /${"a".repeat(17_000)}`) },
    ];

    it.each(garbage)("$what", async ({ bytes }) => {
      const { airplay, activity } = await device();
      const { socket, closed } = await rawSocket(airplay.port);
      await vi.waitFor(() => expect(airplay.connections.size).toBe(1), WAIT);
      socket.write(bytes);
      // Hung up on, without an answer.
      expect((await closed).length).toBe(0);
      await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
      await expectServing(airplay);
      // Only the well-behaved client did anything.
      expect(activity).toEqual(["verified", "feedback"]);
    });
  });

  it("drops an idle client after idleTimeout, and serves the next", async () => {
    const { airplay } = await device({ idleTimeout: 50 });
    const { closed } = await rawSocket(airplay.port);
    expect((await closed).length).toBe(0);
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);

    // A client that was answered, then went quiet, is dropped too and hears it.
    const connection = await plainConnection(airplay);
    const ended = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    const info = await connection.exchange({ method: "GET", uri: "/info" });
    expect(info.status).toBe(200);
    expect(await ended).toBeInstanceOf(ConnectionLostError);
    expect(connection.closed).toBe(true);
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
  });
});
