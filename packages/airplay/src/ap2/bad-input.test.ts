// Bad input on the AirPlay 2 data stream that carries MRP: garbage outside the encryption,
// sealed frames that are malformed, and a command hidden in a frame that turns bad. The
// channel that reads it ends at once, nothing in the bad frame is acted on, and the fake
// keeps serving new clients.

import { connect, type Socket } from "node:net";
import { DecryptionError, TRANSIENT_CREDENTIALS } from "@atv/hap";
import { ConnectionLostError, type DeviceListener, ProtocolError } from "@atv/interface";
import {
  Command,
  encodeProtocolMessage,
  genericMessage,
  type ProtocolMessage,
  sendCommandMessage,
} from "@atv/mrp";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { encodePlist } from "@atv/plist";
import { afterEach, describe, expect, it, vi } from "vitest";
import { controlKeys } from "../auth/keys.js";
import { verifyConnection } from "../auth/verify.js";
import { encodeDataFrame, encodeMrpPayload, syncFramePayload } from "../datastream-frame.js";
import { FakeAirPlayDevice } from "../fake/device.js";
import { HttpConnection } from "../http/connection.js";
import type { DataStreamChannel } from "./data-stream-channel.js";
import { connectMrpTunnel, type MrpTunnelClient } from "./mrp-tunnel.js";

const WAIT = { timeout: 3000, interval: 5 };

interface Heard extends DeviceListener {
  readonly lost: Error[];
  closed: number;
}

function hearing(): Heard {
  const heard: Heard = {
    lost: [],
    closed: 0,
    connectionLost: (error) => heard.lost.push(error),
    connectionClosed: () => {
      heard.closed++;
    },
  };
  return heard;
}

/** A sync frame whose params.data is `data` as it is. */
function syncFrame(data: Uint8Array, seqno = 1n): Uint8Array {
  return encodeDataFrame({ type: "sync", command: "comm", seqno, payload: syncFramePayload(data) });
}

/** A sync frame carrying `messages`, then `tail` appended to its MRP data. */
function mrpFrame(messages: readonly ProtocolMessage[], tail: readonly number[] = []): Uint8Array {
  const data = encodeMrpPayload(messages.map((message) => encodeProtocolMessage(message)));
  return syncFrame(Uint8Array.from([...data, ...tail]));
}

/** A well-formed sync frame's header with its 32-bit size field replaced. */
function frameAnnouncing(size: number): Uint8Array {
  const frame = encodeDataFrame({ type: "sync", command: "comm", seqno: 1n });
  new DataView(frame.buffer).setUint32(0, size);
  return frame;
}

/** Bytes outside the encryption that read as a 4-byte HAP frame with a wrong tag. */
const UNSEALED = Uint8Array.from([0x04, 0x00, ...new Array<number>(20).fill(0xaa)]);

describe("bad input on the AirPlay 2 data stream", () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function device(): Promise<{ mrp: FakeMrpDevice; airplay: FakeAirPlayDevice }> {
    const mrp = await FakeMrpDevice.start({ name: "Bedroom", uniqueIdentifier: "mrp-id" });
    closers.push(() => mrp.close());
    const airplay = await FakeAirPlayDevice.start({ mrp });
    closers.push(() => airplay.close());
    mrp.useCases.exampleVideo();
    return { mrp, airplay };
  }

  async function tunnel(port: number, listener?: DeviceListener): Promise<MrpTunnelClient> {
    const client = await connectMrpTunnel({
      host: "127.0.0.1",
      port,
      credentials: TRANSIENT_CREDENTIALS,
      timeout: 3000,
      ...(listener ? { listener } : {}),
    });
    closers.push(() => client.close());
    return client;
  }

  /** The fake's end of the only client's data stream. */
  function deviceSide(airplay: FakeAirPlayDevice): DataStreamChannel {
    expect(airplay.connections.size).toBe(1);
    const channel = [...airplay.connections][0]?.dataChannel;
    if (channel === undefined) throw new Error("the fake has no data stream");
    return channel;
  }

  function clientSide(client: MrpTunnelClient): DataStreamChannel {
    const channel = client.session.dataChannel;
    if (channel === undefined) throw new Error("the client has no data stream");
    return channel;
  }

  /** A request the fake device never answers (heartbeats, once it stops answering them). */
  async function waitingCall(
    mrp: FakeMrpDevice,
    client: MrpTunnelClient,
  ): Promise<{ call: Promise<ProtocolMessage>; request: ProtocolMessage }> {
    mrp.state.answerHeartbeats = false;
    const request = genericMessage();
    const call = client.protocol.sendAndReceive(request, { timeout: 10_000 });
    // Settled by the test; the handler only keeps an early rejection from going unhandled.
    call.catch(() => undefined);
    await vi.waitFor(() => expect(mrp.state.heartbeatCount).toBe(1), WAIT);
    return { call, request };
  }

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    const outcome = await promise.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(Error);
    return outcome as Error;
  }

  describe("from the device: the client's data stream ends, waiting MRP calls hear why", () => {
    const cases: Array<{
      what: string;
      inject: (channel: DataStreamChannel) => void;
      error: typeof ProtocolError;
      message: RegExp;
    }> = [
      {
        what: "bytes outside the encryption",
        inject: (channel) => channel.writeRaw(UNSEALED),
        error: DecryptionError,
        message: /decrypt|tag|authenticat/i,
      },
      {
        what: "a sealed header announcing a 5-byte frame",
        inject: (channel) => channel.writeFrame(frameAnnouncing(5)),
        error: ProtocolError,
        message: /frame of 5 bytes/,
      },
      {
        what: "a sealed header announcing a frame over 1 MiB",
        inject: (channel) => channel.writeFrame(frameAnnouncing(1024 * 1024 + 1)),
        error: ProtocolError,
        message: /frame of 1048577 bytes/,
      },
      {
        what: "a frame of an unknown message type",
        inject: (channel) => {
          const frame = encodeDataFrame({ type: "sync", command: "comm", seqno: 1n });
          frame.set(new TextEncoder().encode("junk"), 4);
          channel.writeFrame(frame);
        },
        error: ProtocolError,
        message: /unknown data stream message type "junk"/,
      },
      {
        what: "a sync frame whose payload is not a plist",
        inject: (channel) =>
          channel.writeFrame(
            encodeDataFrame({
              type: "sync",
              command: "comm",
              seqno: 1n,
              payload: new TextEncoder().encode("no plist here"),
            }),
          ),
        error: ProtocolError,
        message: /plist/,
      },
      {
        what: "a plist whose params.data is not MRP",
        inject: (channel) => channel.writeFrame(syncFrame(Uint8Array.from([0x05, 0x01]))),
        error: ProtocolError,
        message: /MRP payload/,
      },
      {
        what: "params.data framing a message that does not decode",
        inject: (channel) => channel.writeFrame(syncFrame(Uint8Array.from([3, 0x08, 0xff, 0xff]))),
        error: ProtocolError,
        message: /./,
      },
    ];

    it.each(cases)("$what", async ({ inject, error: errorClass, message }) => {
      const { mrp, airplay } = await device();
      const heard = hearing();
      const client = await tunnel(airplay.port, heard);
      const lostSession: Error[] = [];
      client.session.onLost((error) => lostSession.push(error));
      const { call } = await waitingCall(mrp, client);

      inject(deviceSide(airplay));

      // The waiting call hears a lost connection whose cause is the decode error.
      const error = await rejection(call);
      expect(error).toBeInstanceOf(ConnectionLostError);
      const cause = error.cause as Error;
      expect(cause).toBeInstanceOf(errorClass);
      // ProtocolError cases are exactly that, not a DecryptionError (its subclass).
      expect(cause.name).toBe(errorClass === DecryptionError ? "DecryptionError" : "ProtocolError");
      expect(cause.message).toMatch(message);
      expect(clientSide(client).closeError).toBe(cause);

      // The listener hears the decode error itself, once; later calls are refused.
      expect(heard.lost).toEqual([cause]);
      expect(heard.closed).toBe(0);
      await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
      expect(mrp.state.commands).toEqual([]);

      // The session ends with its data stream, and says so once.
      await vi.waitFor(() => expect(client.session.closed).toBe(true), WAIT);
      expect(lostSession).toHaveLength(1);
      await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
      expect(heard.lost).toHaveLength(1);
    });

    it("acts on no message of a frame that turns bad after it (control: the same frame whole)", async () => {
      const { mrp, airplay } = await device();
      const client = await tunnel(airplay.port);
      const fake = deviceSide(airplay);

      // Control: a whole frame holding the answer resolves the waiting call.
      const first = await waitingCall(mrp, client);
      const answer = genericMessage();
      answer.identifier = first.request.identifier ?? null;
      expect(answer.identifier).toBeTruthy();
      fake.writeFrame(mrpFrame([answer]));
      await expect(first.call).resolves.toMatchObject({ identifier: answer.identifier });

      // The same answer followed by a bad length prefix in the same frame: not delivered.
      mrp.state.heartbeatCount = 0;
      const second = await waitingCall(mrp, client);
      const late = genericMessage();
      late.identifier = second.request.identifier ?? null;
      fake.writeFrame(mrpFrame([late], [0x05, 0x01]));
      const error = await rejection(second.call);
      expect(error).toBeInstanceOf(ConnectionLostError);
      expect(error.cause).toBeInstanceOf(ProtocolError);
    });

    it("ignores a sync frame without params.data (pyatv skips those)", async () => {
      const { mrp, airplay } = await device();
      const heard = hearing();
      const client = await tunnel(airplay.port, heard);
      deviceSide(airplay).writeFrame(
        encodeDataFrame({
          type: "sync",
          command: "comm",
          seqno: 9n,
          payload: encodePlist({ params: { other: 1 } }),
        }),
      );
      await client.remoteControl.play();
      expect(mrp.state.commands.map((c) => c.name)).toEqual(["play"]);
      expect(heard.lost).toEqual([]);
      expect(client.session.closed).toBe(false);
      expect(clientSide(client).closed).toBe(false);
    });
  });

  describe("from the client: the fake hangs up and keeps serving", () => {
    it("drops a data stream with bytes outside the encryption", async () => {
      const { mrp, airplay } = await device();
      const heard = hearing();
      const client = await tunnel(airplay.port, heard);
      const fake = deviceSide(airplay);

      clientSide(client).writeRaw(UNSEALED);

      await vi.waitFor(() => expect(fake.closed).toBe(true), WAIT);
      expect(fake.closeError).toBeInstanceOf(DecryptionError);
      await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
      await vi.waitFor(() => expect(heard.lost).toHaveLength(1), WAIT);
      expect(heard.lost[0]).toBeInstanceOf(ConnectionLostError);
      expect(mrp.state.commands).toEqual([]);

      // A new client gets a working tunnel.
      const again = await tunnel(airplay.port);
      await again.remoteControl.play();
      expect(mrp.state.commands.map((c) => c.name)).toEqual(["play"]);
    });

    it("acts on no command in a frame that turns bad after it (control: the same frame whole)", async () => {
      const { mrp, airplay } = await device();
      const client = await tunnel(airplay.port);
      const fake = deviceSide(airplay);

      // Control: the command alone in a frame is acted on.
      clientSide(client).writeFrame(mrpFrame([sendCommandMessage(Command.Pause)]));
      await vi.waitFor(
        () => expect(mrp.state.commands.map((c) => c.name)).toEqual(["pause"]),
        WAIT,
      );

      // The same command followed by a bad length prefix: the device acts on nothing.
      clientSide(client).writeFrame(mrpFrame([sendCommandMessage(Command.Play)], [0x05, 0x01]));
      await vi.waitFor(() => expect(fake.closed).toBe(true), WAIT);
      expect(fake.closeError).toBeInstanceOf(ProtocolError);
      expect(fake.closeError?.name).toBe("ProtocolError");
      expect(fake.closeError?.message).toMatch(/MRP payload/);
      await vi.waitFor(() => expect(clientSide(client).closed).toBe(true), WAIT);
      expect(mrp.state.commands.map((c) => c.name)).toEqual(["pause"]);

      const again = await tunnel(airplay.port);
      await again.remoteControl.play();
      expect(mrp.state.commands.map((c) => c.name)).toEqual(["pause", "play"]);
    });

    it("drops a control connection with bytes outside its encryption", async () => {
      const { mrp, airplay } = await device();
      const socket: Socket = connect(airplay.port, "127.0.0.1");
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      });
      const connection = new HttpConnection(socket, { requestTimeout: 3000 });
      closers.push(() => connection.close());
      const secret = await verifyConnection(TRANSIENT_CREDENTIALS, connection.exchange);
      if (secret === undefined) throw new Error("a transient verify gives a secret");
      const keys = controlKeys(secret);
      connection.enableEncryption(keys.outputKey, keys.inputKey);
      expect(airplay.connections.size).toBe(1);

      socket.write(UNSEALED);

      await vi.waitFor(() => expect(connection.closed).toBe(true), WAIT);
      expect(connection.closeError).toBeInstanceOf(ConnectionLostError);
      await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);

      const again = await tunnel(airplay.port);
      await again.remoteControl.play();
      expect(mrp.state.commands.map((c) => c.name)).toEqual(["play"]);
    });
  });
});
