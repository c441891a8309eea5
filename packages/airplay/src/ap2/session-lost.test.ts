// An AirPlay 2 session the device ends: it closes the event channel, stops answering the
// keep-alive, or its control connection dies while the data stream stays open. Each time
// the session is lost once, MRP calls are refused with ConnectionLostError, and both the
// session's onLost and the MRP client's listener hear it once.

import { createServer, type Server, type Socket, connect as tcp } from "node:net";
import { TRANSIENT_CREDENTIALS } from "@atv/hap";
import { ConnectionLostError, type DeviceListener, OperationTimeoutError } from "@atv/interface";
import { genericMessage } from "@atv/mrp";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeAirPlayDevice } from "../fake/device.js";
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

/**
 * A TCP relay in front of the fake's control port. The channels the fake announces in its
 * SETUP answers are reached directly, so the relay can silence or cut the control
 * connection alone.
 */
interface Relay {
  readonly port: number;
  /** Stop passing the client's bytes on (the device goes deaf, the socket stays up). */
  silence(): void;
  /** Destroy both ends of every relayed connection. */
  cut(): void;
  close(): Promise<void>;
}

async function relay(target: number): Promise<Relay> {
  const pairs: Array<[Socket, Socket]> = [];
  let silent = false;
  const server: Server = createServer((client) => {
    const upstream = tcp(target, "127.0.0.1");
    pairs.push([client, upstream]);
    client.on("data", (chunk) => {
      if (!silent) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const cut = (): void => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
  };
  return {
    port,
    silence: () => {
      silent = true;
    },
    cut,
    close: async () => {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("an AirPlay 2 session the device ends", () => {
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

  async function tunnel(
    port: number,
    listener: DeviceListener,
    options: { timeout?: number; feedbackInterval?: number } = {},
  ): Promise<MrpTunnelClient> {
    const client = await connectMrpTunnel({
      host: "127.0.0.1",
      port,
      credentials: TRANSIENT_CREDENTIALS,
      timeout: options.timeout ?? 3000,
      listener,
      ...(options.feedbackInterval ? { feedbackInterval: options.feedbackInterval } : {}),
    });
    closers.push(() => client.close());
    return client;
  }

  /** A request the fake device never answers, already received by it. */
  async function waitingCall(mrp: FakeMrpDevice, client: MrpTunnelClient): Promise<unknown> {
    mrp.state.answerHeartbeats = false;
    const call = client.protocol.sendAndReceive(genericMessage(), { timeout: 10_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await vi.waitFor(() => expect(mrp.state.heartbeatCount).toBe(1), WAIT);
    return call;
  }

  /** After the loss has settled everywhere: heard once, and not again on close(). */
  async function expectHeardOnce(
    client: MrpTunnelClient,
    heard: Heard,
    lost: Error[],
  ): Promise<void> {
    expect(lost).toHaveLength(1);
    expect(heard.lost).toHaveLength(1);
    expect(heard.lost[0]).toBe(lost[0]);
    await client.close();
    expect(heard.lost).toHaveLength(1);
    expect(heard.closed).toBe(0);
    expect(lost).toHaveLength(1);
  }

  it("is lost when the device closes the event channel", async () => {
    const { mrp, airplay } = await device();
    const heard = hearing();
    const client = await tunnel(airplay.port, heard);
    const lost: Error[] = [];
    client.session.onLost((error) => lost.push(error));
    const waiting = waitingCall(mrp, client);
    const fake = [...airplay.connections][0];
    const events = fake?.eventChannel;
    expect(events?.closed).toBe(false);

    events?.close();

    const error = await waiting;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).message).toMatch(/event channel closed by device/);
    expect(lost).toEqual([error]);
    expect(client.session.closed).toBe(true);
    expect(client.session.connection.closed).toBe(true);
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    expect(mrp.state.commands).toEqual([]);
    // Every channel of the session is gone from the device's side too.
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
    await vi.waitFor(() => expect(fake?.dataChannel?.closed).toBe(true), WAIT);
    await expectHeardOnce(client, heard, lost);
  });

  it("is lost when the device stops answering the keep-alive", async () => {
    const { mrp, airplay } = await device();
    const front = await relay(airplay.port);
    closers.push(() => front.close());
    const feedbacks: number[] = [];
    airplay.onEvent((event) => {
      if (event.kind === "session" && event.event === "feedback") feedbacks.push(1);
    });
    const heard = hearing();
    const client = await tunnel(front.port, heard, { timeout: 500, feedbackInterval: 20 });
    const lost: Error[] = [];
    client.session.onLost((error) => lost.push(error));
    // The keep-alive runs and is answered.
    await vi.waitFor(() => expect(feedbacks.length).toBeGreaterThanOrEqual(2), WAIT);
    expect(heard.lost).toEqual([]);

    // The device goes deaf on the control connection; data stream and events stay open.
    front.silence();

    await vi.waitFor(() => expect(lost).toHaveLength(1), WAIT);
    const error = lost[0];
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error?.message).toMatch(/keep-alive/);
    expect(error?.cause).toBeInstanceOf(OperationTimeoutError);
    expect(client.session.closed).toBe(true);
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    expect(mrp.state.commands).toEqual([]);
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
    await expectHeardOnce(client, heard, lost);
  });

  it("is lost when the control connection dies under an open data stream", async () => {
    const { mrp, airplay } = await device();
    const front = await relay(airplay.port);
    closers.push(() => front.close());
    const heard = hearing();
    const client = await tunnel(front.port, heard);
    const lost: Error[] = [];
    client.session.onLost((error) => lost.push(error));
    const waiting = waitingCall(mrp, client);

    front.cut();

    const error = await waiting;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(lost).toEqual([error]);
    expect(client.session.closed).toBe(true);
    expect(client.session.dataChannel?.closed).toBe(true);
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    expect(mrp.state.commands).toEqual([]);
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
    await expectHeardOnce(client, heard, lost);
  });

  it("hears connectionClosed, not connectionLost, after its own close()", async () => {
    const { airplay } = await device();
    const heard = hearing();
    const client = await tunnel(airplay.port, heard, { feedbackInterval: 20 });
    const lost: Error[] = [];
    client.session.onLost((error) => lost.push(error));
    await client.close();
    await vi.waitFor(() => expect(airplay.connections.size).toBe(0), WAIT);
    expect(heard.closed).toBe(1);
    expect(heard.lost).toEqual([]);
    expect(lost).toEqual([]);
    expect(client.session.closed).toBe(true);
  });
});
