// Functional tests: the client against the fake device over loopback.

import { createServer, type Server } from "node:net";
import { parseCredentials } from "@atv/hap";
import {
  AuthenticationError,
  CommandError,
  ConnectionFailedError,
  ConnectionLostError,
  InvalidCredentialsError,
  PairingError,
  ProtocolError,
} from "@atv/interface";
import { describe, expect, it, vi } from "vitest";
import { connectMrp, pairMrp } from "./client.js";
import { MrpCommandError, sendCommand } from "./command.js";
import { FakeMrpDevice } from "./fake/index.js";
import { Command, HandlerReturnStatus, SendError } from "./protobuf/generated/enums.js";
import { sendCommandMessage } from "./protobuf/messages.js";
import { useFakeMrpDevice } from "./testing/fake-device.js";

const HOST = "127.0.0.1";
const DEVICE_ID = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";
const HEX_PART = /^[0-9a-f]+$/;

const fake = useFakeMrpDevice({ name: "Living Room", uniqueIdentifier: DEVICE_ID });

async function pair(port: number, pin: number | string = 1111): Promise<string> {
  const handler = pairMrp({ host: HOST, port });
  try {
    await handler.begin();
    handler.pin(pin);
    await handler.finish();
    expect(handler.hasPaired).toBe(true);
    return handler.service.credentials as string;
  } finally {
    await handler.close();
  }
}

function recordingListener() {
  return { connectionLost: vi.fn<(error: Error) => void>(), connectionClosed: vi.fn() };
}

describe("pairing", () => {
  it("pairs with the PIN the device shows and yields pyatv-style credentials", async () => {
    const credentials = await pair(fake.device.port);
    const parts = credentials.split(":");
    expect(parts).toHaveLength(4);
    for (const part of parts) expect(part).toMatch(HEX_PART);
    const parsed = parseCredentials(credentials);
    expect(Buffer.from(parsed.atvId).toString()).toBe(DEVICE_ID);
    expect(parsed.ltsk).toHaveLength(32);
    expect(fake.device.state.pairedClientIds).toEqual([Buffer.from(parsed.clientId).toString()]);
  });

  it("zero-pads the PIN to four digits, as pyatv does", async () => {
    const other = await FakeMrpDevice.start({
      name: "Bedroom",
      uniqueIdentifier: "B0B0",
      pin: "0042",
    });
    try {
      await expect(pair(other.port, 42)).resolves.toMatch(/:/);
    } finally {
      await other.close();
    }
  });

  it("rejects a wrong PIN with a PairingError that says so", async () => {
    const handler = pairMrp({ host: HOST, port: fake.device.port });
    try {
      await handler.begin();
      handler.pin(1234);
      const error = await handler.finish().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PairingError);
      expect((error as Error).message).toMatch(/wrong PIN/);
      expect(handler.hasPaired).toBe(false);
      expect(handler.service.credentials).toBeUndefined();
      expect(fake.device.state.pairedClientIds).toEqual([]);
    } finally {
      await handler.close();
    }
  });

  it("refuses finish() before begin() and without a PIN", async () => {
    const handler = pairMrp({ host: HOST, port: fake.device.port });
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
    await handler.begin();
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
    await handler.close();
  });
});

describe("connecting", () => {
  it("connects with credentials: pair-verify, then an encrypted session", async () => {
    const credentials = await pair(fake.device.port);
    const client = await fake.connect({ credentials });
    expect(client.protocol.connection.encrypted).toBe(true);
    expect(fake.device.state.verifiedClientIds).toEqual(fake.device.state.pairedClientIds);
    expect(client.protocol.deviceInfo?.uniqueIdentifier).toBe(DEVICE_ID);
    // The client introduces itself with the identifier it paired with (as pyatv does).
    expect(fake.device.state.clientInfo?.uniqueIdentifier).toBe(
      fake.device.state.pairedClientIds[0],
    );
    await client.remoteControl.play();
    expect(fake.device.state.lastCommand?.name).toBe("play");
  });

  it("opens a plain session without credentials", async () => {
    const client = await fake.connect();
    expect(client.protocol.connection.encrypted).toBe(false);
    expect(fake.device.state.connectionState).toBe(2);
    await client.remoteControl.pause();
    expect(fake.device.state.commands.map((c) => c.name)).toEqual(["pause"]);
  });

  it.each([
    "nonsense",
    "aa:bb",
    "zz:zz:zz:zz",
    "::",
    // ltpk of 3 bytes where a 32-byte key belongs.
    `aabbcc:${"11".repeat(32)}:4142:4344`,
    // Legacy (AirPlay) credentials are no MRP credentials.
    `:${"11".repeat(32)}::4344`,
  ])("rejects garbled credentials %j before any I/O", async (credentials) => {
    await expect(fake.connect({ credentials })).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(fake.device.state.connectionCount).toBe(0);
    expect(fake.device.state.clientInfo).toBeUndefined();
  });

  it("rejects credentials the device does not know with an AuthenticationError", async () => {
    const credentials = await pair(fake.device.port);
    fake.device.state.forgetPairedClients();
    const verifiedBefore = fake.device.state.verifiedClientIds.length;
    await expect(fake.connect({ credentials })).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.device.state.verifiedClientIds).toHaveLength(verifiedBefore);
    expect(fake.device.state.commands).toEqual([]);
  });

  it("rejects credentials of another device with an AuthenticationError", async () => {
    const other = await FakeMrpDevice.start({ name: "Other", uniqueIdentifier: "OTHER-ID" });
    try {
      const credentials = await pair(other.port);
      await expect(fake.connect({ credentials })).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await other.close();
    }
  });

  it("is refused a plain session by a device that requires pairing", async () => {
    const strict = await FakeMrpDevice.start({
      name: "Strict",
      uniqueIdentifier: DEVICE_ID,
      requirePairing: true,
    });
    try {
      await expect(fake.connect({ port: strict.port })).rejects.toBeInstanceOf(AuthenticationError);
      const credentials = await pair(strict.port);
      const client = await fake.connect({ port: strict.port, credentials });
      await client.remoteControl.stop();
      expect(strict.state.commands.map((c) => c.name)).toEqual(["stop"]);
    } finally {
      await strict.close();
    }
  });

  it("fails with ConnectionFailedError on a closed port", async () => {
    const port = await closedPort();
    const error = await fake.connect({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("fails with ConnectionFailedError within the timeout when the device never answers", async () => {
    const silent = await silentServer();
    try {
      const port = (silent.address() as { port: number }).port;
      const error = await connectMrp({ host: HOST, port, timeout: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionFailedError);
    } finally {
      silent.close();
    }
  });

  it("rejects with the abort reason when the caller aborts", async () => {
    const silent = await silentServer();
    try {
      const port = (silent.address() as { port: number }).port;
      const controller = new AbortController();
      const pending = connectMrp({ host: HOST, port, signal: controller.signal });
      const reason = new Error("user gave up");
      setTimeout(() => controller.abort(reason), 20);
      await expect(pending).rejects.toBe(reason);
    } finally {
      silent.close();
    }
  });
});

describe("commands the device refuses", () => {
  it("raises CommandError with the device's handler status as reason", async () => {
    const client = await fake.connect();
    fake.device.state.failNextCommand({
      handlerReturnStatus: HandlerReturnStatus.NoActionableNowPlayingItem,
    });
    const error = await client.remoteControl.play().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as MrpCommandError).reason).toBe("NoActionableNowPlayingItem");
    expect(fake.device.state.commands).toEqual([]);
    // Only the next command fails.
    await client.remoteControl.play();
    expect(fake.device.state.lastCommand?.name).toBe("play");
  });

  it("raises CommandError with the send error as reason", async () => {
    const client = await fake.connect();
    fake.device.state.failNextCommand({ sendError: SendError.NotSupported });
    const error = await client.remoteControl.setPosition(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MrpCommandError);
    expect((error as MrpCommandError).reason).toBe("NotSupported");
    expect((error as Error).message).toMatch(/SeekToPlaybackPosition failed/);
  });

  it("raises CommandError for a command the device has no handler for", async () => {
    const client = await fake.connect();
    const error = await sendCommand(client.protocol, sendCommandMessage(Command.LikeTrack)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect((error as MrpCommandError).reason).toBe("NoCommandHandlers");
  });
});

describe("losing the connection", () => {
  it("fails the waiting call with ConnectionLostError when the device vanishes", async () => {
    const listener = recordingListener();
    const credentials = await pair(fake.device.port);
    const client = await fake.connect({ credentials, listener });
    fake.device.useCases.dropConnectionsOnNextCommand();
    await expect(client.remoteControl.next()).rejects.toBeInstanceOf(ConnectionLostError);
    await vi.waitFor(() => expect(listener.connectionLost).toHaveBeenCalled());
    expect(listener.connectionLost).toHaveBeenCalledTimes(1);
    expect(listener.connectionLost.mock.calls[0]?.[0]).toBeInstanceOf(ConnectionLostError);
    expect(listener.connectionClosed).not.toHaveBeenCalled();
    // Later calls fail at once, and closing stays quiet.
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    await client.close();
    expect(listener.connectionLost).toHaveBeenCalledTimes(1);
    expect(listener.connectionClosed).not.toHaveBeenCalled();
  });

  it("tells the listener connectionClosed once on close()", async () => {
    const listener = recordingListener();
    const client = await fake.connect({ listener });
    await client.close();
    await client.close();
    expect(listener.connectionClosed).toHaveBeenCalledTimes(1);
    expect(listener.connectionLost).not.toHaveBeenCalled();
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("closes with a ProtocolError on garbage bytes from the device", async () => {
    const listener = recordingListener();
    const client = await fake.connect({ listener });
    // Six bytes of a varint that never ends: no length prefix is that long.
    fake.device.useCases.sendRawBytes(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    await vi.waitFor(() => expect(listener.connectionLost).toHaveBeenCalledTimes(1));
    expect(listener.connectionLost.mock.calls[0]?.[0]).toBeInstanceOf(ProtocolError);
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("closes with a ProtocolError on a frame that is not a message", async () => {
    const listener = recordingListener();
    await fake.connect({ listener });
    fake.device.useCases.sendRawBytes(Uint8Array.of(0x03, 0xff, 0xff, 0xff));
    await vi.waitFor(() => expect(listener.connectionLost).toHaveBeenCalledTimes(1));
    expect(listener.connectionLost.mock.calls[0]?.[0]).toBeInstanceOf(ProtocolError);
  });

  it("closes with a ProtocolError on an oversized frame, failing the waiting call", async () => {
    const listener = recordingListener();
    const client = await fake.connect({ listener });
    const pending = client.protocol.sendAndReceive(sendCommandMessage(Command.Play));
    fake.device.useCases.sendOversizedFrameHeader();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).cause).toBeInstanceOf(ProtocolError);
    expect(listener.connectionLost).toHaveBeenCalledTimes(1);
    expect(listener.connectionLost.mock.calls[0]?.[0]).toBeInstanceOf(ProtocolError);
  });

  it("closes with an error on tampered ciphertext from the device", async () => {
    const listener = recordingListener();
    const credentials = await pair(fake.device.port);
    const client = await fake.connect({ credentials, listener });
    const heard = vi.fn();
    client.protocol.listen(42, heard);
    fake.device.useCases.sendTamperedMessage();
    await vi.waitFor(() => expect(listener.connectionLost).toHaveBeenCalledTimes(1));
    const error = listener.connectionLost.mock.calls[0]?.[0];
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error?.name).toBe("DecryptionError");
    expect(heard).not.toHaveBeenCalled();
  });

  it("the fake hangs up on ciphertext it cannot open, acting on nothing", async () => {
    const listener = recordingListener();
    const credentials = await pair(fake.device.port);
    const client = await fake.connect({ credentials, listener });
    // Wrong keys from now on: the device sees a bad tag.
    client.protocol.connection.enableEncryption(new Uint8Array(32), new Uint8Array(32));
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    expect(listener.connectionLost).toHaveBeenCalledTimes(1);
    expect(fake.device.state.commands).toEqual([]);
  });
});

describe("heartbeat", () => {
  it("sends heartbeats the device answers", async () => {
    await fake.connect({ heartbeatInterval: 10 });
    await vi.waitFor(() => expect(fake.device.state.heartbeatCount).toBeGreaterThanOrEqual(3));
  });

  it("reports the connection lost when heartbeats go unanswered", async () => {
    const listener = recordingListener();
    await fake.connect({ listener, heartbeatInterval: 10, heartbeatTimeout: 50 });
    fake.device.useCases.answerHeartbeats(false);
    await vi.waitFor(() => expect(listener.connectionLost).toHaveBeenCalledTimes(1), {
      timeout: 5000,
    });
    expect(listener.connectionLost.mock.calls[0]?.[0]).toBeInstanceOf(ConnectionLostError);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts connections and never says a word. */
async function silentServer(): Promise<Server> {
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  const close = server.close.bind(server);
  server.close = (callback) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return server;
}
