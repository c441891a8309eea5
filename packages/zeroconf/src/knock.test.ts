import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { knock } from "./knock.js";

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    }),
  );
}

describe("knock", () => {
  it("connects to each port, ignoring refused ones", async () => {
    const server = createServer((socket) => socket.destroy());
    const open = await listen(server);
    const closedServer = createServer();
    const closed = await listen(closedServer);
    await new Promise((resolve) => closedServer.close(resolve));

    const logs: string[] = [];
    const connected = new Promise<void>((resolve) => server.once("connection", () => resolve()));
    const k = knock("127.0.0.1", [closed, open], { debug: (msg) => logs.push(msg) });
    await connected;
    await expect.poll(() => logs.some((m) => m.startsWith("knock on %s:%d failed"))).toBe(true);
    k.stop();
    await new Promise((resolve) => server.close(resolve));
  });
});
