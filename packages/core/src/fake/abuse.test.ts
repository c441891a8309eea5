// A fake on a network holds up against peers that connect and stall: each server takes a
// bounded number of clients, refuses the rest, and serves again once the stalled go.

import { type Socket, connect as tcpConnect } from "node:net";
import { Protocol } from "@atv/interface";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../connect/connect.js";
import { scan } from "../scan/scan.js";
import { FakeAppleTV } from "./fake-apple-tv.js";

const STALLED = 200;
const CAP = 32;

let fake: FakeAppleTV;
beforeAll(async () => {
  fake = await FakeAppleTV.start({ profile: "tvos14", mdnsPort: 0 });
  fake.mrp?.useCases.exampleVideo();
});
afterAll(() => fake.close());

/** Opens `count` connections that each announce more than they send; resolves with them once every refused one has closed. */
async function stall(port: number, announce: Uint8Array, count: number) {
  const sockets: Socket[] = [];
  let closed = 0;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < count; i++) {
      const socket = tcpConnect(port, "127.0.0.1", () => socket.write(announce));
      socket.on("error", () => {});
      socket.on("close", () => {
        closed += 1;
        if (closed === count - CAP) resolve();
      });
      sockets.push(socket);
    }
  });
  return { sockets, open: () => sockets.filter((s) => !s.destroyed).length };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function portOf(protocol: Protocol): number {
  const port = fake.services.find((s) => s.protocol === protocol)?.port;
  if (port === undefined) throw new Error(`no ${protocol} service`);
  return port;
}

describe(`${STALLED} stalled connections`, () => {
  it("MRP takes 32, refuses the rest, and serves a client after", async () => {
    // A varint announcing a 1 MiB frame, and nothing of it.
    const stalled = await stall(portOf(Protocol.MRP), Uint8Array.of(0x80, 0x80, 0x40), STALLED);
    expect(stalled.open()).toBe(CAP);
    expect(fake.mrp?.state.connectionCount).toBe(CAP);
    for (const socket of stalled.sockets) socket.destroy();
    await until(() => fake.mrp?.state.connectionCount === 0);

    const [config] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
    if (config === undefined) throw new Error("the fake was not found");
    const atv = await connect(config, { protocols: [Protocol.MRP], timeout: 5000 });
    try {
      await atv.remoteControl.play();
      expect(fake.mrp?.state.lastCommand?.name).toBe("play");
    } finally {
      await atv.close();
    }
  });

  it("AirPlay takes 32, refuses the rest, and answers a client after", async () => {
    const head = "POST /pair-setup HTTP/1.1\r\nContent-Length: 100000\r\n\r\n";
    const stalled = await stall(portOf(Protocol.AirPlay), Buffer.from(head), STALLED);
    expect(stalled.open()).toBe(CAP);
    expect(fake.airplay?.connections.size).toBe(CAP);
    for (const socket of stalled.sockets) socket.destroy();
    await until(() => fake.airplay?.connections.size === 0);

    const answer = await new Promise<string>((resolve) => {
      const socket = tcpConnect(portOf(Protocol.AirPlay), "127.0.0.1", () =>
        socket.write("GET /info RTSP/1.0\r\nCSeq: 1\r\n\r\n"),
      );
      socket.once("data", (chunk) => {
        resolve(chunk.toString("latin1"));
        socket.destroy();
      });
    });
    expect(answer).toMatch(/^RTSP\/1\.0 200/);
  });

  it("Companion takes 32, refuses the rest, and takes a client after", async () => {
    // A frame header (type, 24-bit length) announcing 64 KiB, and no payload.
    const stalled = await stall(portOf(Protocol.Companion), Uint8Array.of(3, 1, 0, 0), STALLED);
    expect(stalled.open()).toBe(CAP);
    expect(fake.companion?.state.connectionCount).toBe(CAP);
    for (const socket of stalled.sockets) socket.destroy();
    await until(() => fake.companion?.state.connectionCount === 0);

    const socket = tcpConnect(portOf(Protocol.Companion), "127.0.0.1");
    try {
      await until(() => fake.companion?.state.connectionCount === 1);
      expect(socket.destroyed).toBe(false);
    } finally {
      socket.destroy();
    }
  });
});
