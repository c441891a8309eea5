import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { exitWhenDone } from "./process-exit.js";

describe("exitWhenDone", () => {
  const exitCode = process.exitCode;
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = exitCode;
  });

  it("sets the exit code and ends the process on the next turn when nothing is written", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    exitWhenDone(3);
    expect(process.exitCode).toBe(3);
    // Callbacks already queued run first.
    expect(exit).not.toHaveBeenCalled();
    await nextTurn();
    await nextTurn();
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it("leaves the process to end by itself while a write is under way", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    // A peer that reads nothing: 64 MB cannot all fit the socket buffers, so the write waits.
    let peer: Socket | undefined;
    const server = createServer((socket) => {
      peer = socket;
      socket.pause();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (typeof address !== "object" || address === null) throw new Error("no port");
    const client = connect(address.port, "127.0.0.1");
    await once(client, "connect");
    client.write(Buffer.alloc(64 * 1024 * 1024));
    exitWhenDone(0);
    await nextTurn();
    await nextTurn();
    expect(exit).not.toHaveBeenCalled();
    client.destroy();
    peer?.destroy();
    server.close();
  });
});
