import { connect as netConnect, type Socket } from "node:net";
import { AuthenticationError, ConnectionLostError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MrpCommandError, sendCommand } from "../command.js";
import { MrpConnection } from "../connection.js";
import { encodeFrame, encodeVarint } from "../framing.js";
import { Command } from "../protobuf/generated/enums.js";
import { sendCommandMessage } from "../protobuf/messages.js";
import { MrpProtocol } from "../protocol.js";
import { useFakeMrpDevice } from "../testing/fake-device.js";
import { FakeMrpDevice } from "./device.js";
import { FAKE_MAX_RECORDED } from "./state.js";

const fake = useFakeMrpDevice({ name: "TV", uniqueIdentifier: "FAKE-TEST" });

async function rawSocket(): Promise<Socket> {
  const socket = netConnect({ host: "127.0.0.1", port: fake.device.port });
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  return socket;
}

function closedBy(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once("close", () => resolve());
  });
}

describe("FakeMrpDevice", () => {
  it("drops a client that announces a frame and stalls, once idle for idleTimeout", async () => {
    const idle = await FakeMrpDevice.start({
      name: "TV",
      uniqueIdentifier: "FAKE-IDLE",
      idleTimeout: 50,
    });
    try {
      const socket = netConnect({ host: "127.0.0.1", port: idle.port });
      socket.on("error", () => {});
      socket.once("connect", () => socket.write(encodeVarint(1000)));
      await closedBy(socket);
      expect(idle.state.connectionCount).toBe(0);
    } finally {
      await idle.close();
    }
  });

  it("keeps the last FAKE_MAX_RECORDED commands", () => {
    const state = fake.device.state;
    for (let i = 0; i < FAKE_MAX_RECORDED + 5; i++) state.recordCommand(`c${i}`);
    expect(state.commands).toHaveLength(FAKE_MAX_RECORDED);
    expect(state.lastCommand?.name).toBe(`c${FAKE_MAX_RECORDED + 4}`);
    expect(state.events.length).toBeLessThanOrEqual(FAKE_MAX_RECORDED);
  });

  it("hangs up on garbage bytes", async () => {
    const socket = await rawSocket();
    socket.write(Buffer.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    await closedBy(socket);
    expect(fake.device.state.events).toEqual([]);
  });

  it("hangs up on an oversized frame", async () => {
    const socket = await rawSocket();
    socket.write(encodeVarint(100 * 1024 * 1024));
    await closedBy(socket);
  });

  it("hangs up on a frame that is no message", async () => {
    const socket = await rawSocket();
    socket.write(encodeFrame(Uint8Array.of(0xff, 0xff, 0xff)));
    await closedBy(socket);
  });

  it("survives random bytes from clients", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const socket = await rawSocket();
        socket.write(bytes);
        socket.end();
        await closedBy(socket);
      }),
      { numRuns: 50 },
    );
    // Still serving.
    const socket = await rawSocket();
    socket.destroy();
  });

  it("refuses commands on a plain session when pairing is required, acting on none", async () => {
    const strict = await FakeMrpDevice.start({
      name: "Strict",
      uniqueIdentifier: "STRICT",
      requirePairing: true,
    });
    try {
      const connection = await MrpConnection.connect("127.0.0.1", strict.port);
      const protocol = new MrpProtocol(connection);
      await protocol.exchangeDeviceInfo();
      const error = await sendCommand(protocol, sendCommandMessage(Command.Play)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MrpCommandError);
      expect((error as MrpCommandError).reason).toBe("TheDeviceIsNotPaired");
      await expect(protocol.start()).rejects.toBeInstanceOf(AuthenticationError);
      expect(strict.state.commands).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it("drops its connections on close()", async () => {
    const connection = await MrpConnection.connect("127.0.0.1", fake.device.port);
    const protocol = new MrpProtocol(connection);
    await protocol.start();
    expect(fake.device.state.connectionCount).toBe(1);
    await fake.device.close();
    await expect(protocol.sendAndReceive(sendCommandMessage(Command.Play))).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
  });
});
