import { createServer } from "node:net";
import { gzipSync } from "node:zlib";
import {
  BlockedStateError,
  ConnectionFailedError,
  ConnectionLostError,
  OperationTimeoutError,
  ProtocolError,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { DmapHttpClient } from "./http-client.js";
import { TestServer } from "./test-server.js";

const GET = { method: "GET", headers: { Accept: "*/*" }, timeout: 5000 } as const;

describe("DmapHttpClient", () => {
  let server: TestServer | undefined;
  let client: DmapHttpClient | undefined;

  afterEach(async () => {
    client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  async function setUp(): Promise<{ server: TestServer; client: DmapHttpClient }> {
    server = await TestServer.start();
    client = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    return { server, client };
  }

  it("gives the status and body, and sends method, path, headers and body", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({ status: 203, body: Uint8Array.of(1, 2, 3) });
    const response = await client.request({
      method: "POST",
      path: "ctrl-int/1/pause?session-id=5",
      headers: { "X-Test": "yes" },
      body: Uint8Array.of(9, 8),
      timeout: 5000,
    });
    expect(response.status).toBe(203);
    expect([...response.body]).toEqual([1, 2, 3]);
    const [seen] = server.requests;
    expect(seen?.method).toBe("POST");
    expect(seen?.path).toBe("/ctrl-int/1/pause");
    expect(seen?.query.get("session-id")).toBe("5");
    expect(seen?.headers["x-test"]).toBe("yes");
    expect([...(seen?.body ?? [])]).toEqual([9, 8]);
  });

  it("keeps the connection alive between requests", async () => {
    const { server, client } = await setUp();
    await client.request({ ...GET, path: "a" });
    await client.request({ ...GET, path: "b" });
    await client.request({ ...GET, path: "c" });
    expect(server.requests).toHaveLength(3);
    expect(server.connections).toBe(1);
  });

  it("inflates a gzip body", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({
      body: new Uint8Array(gzipSync(Buffer.from("hello"))),
      headers: { "Content-Encoding": "gzip" },
    });
    const response = await client.request({ ...GET, path: "x" });
    expect(Buffer.from(response.body).toString()).toBe("hello");
  });

  it("rejects a corrupt gzip body with ProtocolError", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({
      body: Uint8Array.of(1, 2, 3),
      headers: { "Content-Encoding": "gzip" },
    });
    await expect(client.request({ ...GET, path: "x" })).rejects.toBeInstanceOf(ProtocolError);
  });

  it("refuses an answer of more than 16 MiB with ProtocolError", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({ body: new Uint8Array(16 * 1024 * 1024 + 1) });
    await expect(client.request({ ...GET, path: "x" })).rejects.toBeInstanceOf(ProtocolError);
  });

  it("fails with ConnectionFailedError when nothing listens", async () => {
    // A port that was free a moment ago: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    client = new DmapHttpClient({ host: "127.0.0.1", port });
    await expect(client.request({ ...GET, path: "x" })).rejects.toBeInstanceOf(
      ConnectionFailedError,
    );
  });

  it("fails with ConnectionLostError when the device drops the connection mid-request", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({ destroy: true });
    await expect(client.request({ ...GET, path: "x" })).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("fails with OperationTimeoutError when the answer takes too long", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({ hang: true });
    await expect(client.request({ ...GET, path: "x", timeout: 50 })).rejects.toBeInstanceOf(
      OperationTimeoutError,
    );
  });

  it("rejects with the signal's reason when the caller aborts", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({ hang: true });
    const controller = new AbortController();
    const pending = client.request({ ...GET, path: "x", timeout: 0, signal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("ends pending requests on close and refuses new ones", async () => {
    const { server, client } = await setUp();
    server.handler = () => ({ hang: true });
    const pending = client.request({ ...GET, path: "x", timeout: 0 });
    await waitFor(() => server.requests.length === 1);
    client.close();
    await expect(pending).rejects.toBeInstanceOf(BlockedStateError);
    await expect(client.request({ ...GET, path: "y" })).rejects.toBeInstanceOf(BlockedStateError);
    await waitFor(() => server.abandoned.length === 1);
  });

  it("sends a GET once more when its kept-alive socket was dropped, a POST not", async () => {
    const { server, client } = await setUp();
    await client.request({ ...GET, path: "first" });
    server.handler = () => ({ destroy: true });
    await expect(client.request({ ...GET, path: "get" })).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
    expect(server.to("/get")).toHaveLength(2);

    server.handler = () => ({});
    await client.request({ ...GET, path: "again" });
    server.handler = () => ({ destroy: true });
    await expect(client.request({ ...GET, method: "POST", path: "post" })).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
    expect(server.to("/post")).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
