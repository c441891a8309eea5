// HttpConnection against a raw TCP server written here: error statuses, responses cut
// or coalesced anyhow, garbage, a server that hangs up or stays silent, and the HAP framed
// encryption (intact and tampered).

import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { DecryptionError, HapFrameCipher } from "@atv/hap";
import {
  AuthenticationError,
  ConnectionLostError,
  HttpError,
  InvalidCredentialsError,
  OperationTimeoutError,
  ProtocolError,
} from "@atv/interface";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeResponse, HttpRequestParser } from "./codec.js";
import { HttpConnection } from "./connection.js";
import type { HttpRequest, OutgoingResponse } from "./types.js";

const WAIT = { timeout: 3000, interval: 5 };
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/** The server's end of one connection: what it received and a way to answer. */
class Peer {
  readonly socket: Socket;
  readonly requests: HttpRequest[] = [];
  /** Every byte received, as it came off the wire (before decryption). */
  readonly wire: Buffer[] = [];
  readonly #parser = new HttpRequestParser();
  readonly #cipher: HapFrameCipher | undefined;

  constructor(socket: Socket, cipher: HapFrameCipher | undefined) {
    this.socket = socket;
    this.#cipher = cipher;
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      this.wire.push(chunk);
      const plain = this.#cipher ? this.#cipher.decrypt(chunk) : chunk;
      this.requests.push(...this.#parser.push(plain));
    });
  }

  async received(count: number): Promise<HttpRequest[]> {
    await vi.waitFor(() => expect(this.requests.length).toBeGreaterThanOrEqual(count), WAIT);
    return this.requests;
  }

  /** Writes bytes, sealed when the connection is encrypted. */
  send(data: Uint8Array): void {
    this.socket.write(this.#cipher ? this.#cipher.encrypt(data) : data);
  }

  respond(response: OutgoingResponse): void {
    this.send(encodeResponse(response));
  }
}

interface TestServer {
  readonly port: number;
  /** The next client to connect. */
  accept(): Promise<Peer>;
}

describe("HttpConnection", () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function listen(cipher?: () => HapFrameCipher): Promise<TestServer> {
    const peers: Peer[] = [];
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      peers.push(new Peer(socket, cipher?.()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    );
    const address = server.address();
    return {
      port: typeof address === "object" && address !== null ? address.port : 0,
      accept: async () => {
        await vi.waitFor(() => expect(peers.length).toBeGreaterThan(0), WAIT);
        return peers.shift() as Peer;
      },
    };
  }

  async function connect(
    server: TestServer,
    requestTimeout = 3000,
  ): Promise<{ connection: HttpConnection; peer: Peer }> {
    const connection = await HttpConnection.connect("127.0.0.1", server.port, { requestTimeout });
    closers.push(() => connection.close());
    return { connection, peer: await server.accept() };
  }

  const get = (uri: string) => ({ method: "GET", uri, headers: { CSeq: uri } });

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    const outcome = await promise.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(Error);
    return outcome as Error;
  }

  describe("error statuses", () => {
    it.each([
      { status: 404, reason: "Not Found", error: HttpError, name: "HttpError" },
      { status: 500, reason: "Internal Server Error", error: HttpError, name: "HttpError" },
      {
        status: 455,
        reason: "Method Not Valid in This State",
        error: HttpError,
        name: "HttpError",
      },
      {
        status: 470,
        reason: "Connection Authorization Required",
        error: InvalidCredentialsError,
        name: "InvalidCredentialsError",
      },
      {
        status: 401,
        reason: "Unauthorized",
        error: AuthenticationError,
        name: "AuthenticationError",
      },
      { status: 403, reason: "Forbidden", error: AuthenticationError, name: "AuthenticationError" },
    ])("$status is a $name naming the reason", async ({ status, reason, error, name }) => {
      const server = await listen();
      const { connection, peer } = await connect(server);
      const answer = connection.exchange(get("/thing"));
      await peer.received(1);
      peer.respond({ status, reason });
      const failure = await rejection(answer);
      expect(failure).toBeInstanceOf(error);
      expect(failure.name).toBe(name);
      expect(failure.message).toContain(String(status));
      expect(failure.message).toContain(reason);
      expect(failure.message).toContain("GET /thing");
      if (failure instanceof HttpError) expect(failure.statusCode).toBe(status);

      // An error status is an answer: the connection goes on.
      expect(connection.closed).toBe(false);
      const next = connection.exchange(get("/next"));
      await peer.received(2);
      peer.respond({ status: 200, body: bytes("fine") });
      expect(text((await next).body)).toBe("fine");
    });

    it("returns the response as it is with allowErrorStatus", async () => {
      const server = await listen();
      const { connection, peer } = await connect(server);
      const answer = connection.exchange(get("/missing"), { allowErrorStatus: true });
      await peer.received(1);
      peer.respond({ status: 404, reason: "Nowhere", body: bytes("not here") });
      const response = await answer;
      expect(response.status).toBe(404);
      expect(response.reason).toBe("Nowhere");
      expect(text(response.body)).toBe("not here");
    });
  });

  it("reads a response that arrives one byte at a time", async () => {
    const server = await listen();
    const { connection, peer } = await connect(server);
    peer.socket.setNoDelay(true);
    const answer = connection.exchange(get("/slow"));
    await peer.received(1);
    const response = encodeResponse({
      protocol: "RTSP/1.0",
      status: 200,
      headers: { CSeq: 7, "X-Thing": "value" },
      body: bytes("one byte at a time"),
    });
    for (const byte of response) {
      peer.socket.write(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const received = await answer;
    expect(received.protocol).toBe("RTSP/1.0");
    expect(received.headers.cseq).toBe("7");
    expect(received.headers["x-thing"]).toBe("value");
    expect(text(received.body)).toBe("one byte at a time");
  });

  it("gives two responses in one chunk to two requests, in order", async () => {
    const server = await listen();
    const { connection, peer } = await connect(server);
    const first = connection.exchange(get("/first"));
    const second = connection.exchange(get("/second"));
    const requests = await peer.received(2);
    expect(requests.map((r) => r.uri)).toEqual(["/first", "/second"]);
    peer.socket.write(
      Buffer.concat([
        encodeResponse({ status: 200, body: bytes("answer one") }),
        encodeResponse({ status: 201, body: bytes("answer two") }),
      ]),
    );
    expect(text((await first).body)).toBe("answer one");
    const other = await second;
    expect(other.status).toBe(201);
    expect(text(other.body)).toBe("answer two");
  });

  it("fails on garbage with a ProtocolError and refuses later requests", async () => {
    const server = await listen();
    const { connection, peer } = await connect(server);
    const ends: Array<Error | undefined> = [];
    connection.onClose((error) => ends.push(error));
    const first = connection.exchange(get("/a"));
    const second = connection.exchange(get("/b"));
    await peer.received(2);
    peer.socket.write("SPROING not a status line\r\n\r\n");

    const failure = await rejection(first);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect(failure.name).toBe("ProtocolError");
    expect(failure.message).toMatch(/status line/);
    await expect(second).rejects.toBe(failure);
    expect(connection.closed).toBe(true);
    expect(connection.closeError).toBe(failure);
    expect(ends).toEqual([failure]);
    await expect(connection.exchange(get("/later"))).rejects.toBe(failure);
    // The connection was dropped on our side.
    await vi.waitFor(
      () => expect(peer.socket.destroyed || peer.socket.readableEnded).toBe(true),
      WAIT,
    );
    expect(ends).toHaveLength(1);
  });

  it("fails waiting requests with ConnectionLostError when the server hangs up", async () => {
    const server = await listen();
    const { connection, peer } = await connect(server);
    const ends: Array<Error | undefined> = [];
    connection.onClose((error) => ends.push(error));
    const first = connection.exchange(get("/a"));
    const second = connection.exchange(get("/b"));
    await peer.received(2);
    peer.socket.destroy();

    const failure = await rejection(first);
    expect(failure).toBeInstanceOf(ConnectionLostError);
    await expect(second).rejects.toBe(failure);
    expect(ends).toEqual([failure]);
    await expect(connection.exchange(get("/later"))).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("fails a request nobody answers with OperationTimeoutError, keeping the order", async () => {
    const server = await listen();
    const { connection, peer } = await connect(server, 3000);
    const silent = connection.exchange(get("/silent"), { timeout: 30 });
    const failure = await rejection(silent);
    expect(failure).toBeInstanceOf(OperationTimeoutError);
    expect(failure.message).toContain("GET /silent");
    expect(connection.closed).toBe(false);

    // The late answer still belongs to the request that timed out, not to the next one.
    const next = connection.exchange(get("/next"));
    await peer.received(2);
    peer.respond({ status: 200, body: bytes("late answer to /silent") });
    peer.respond({ status: 200, body: bytes("answer to /next") });
    expect(text((await next).body)).toBe("answer to /next");
  });

  it("rejects with the signal's reason on abort, keeping the order", async () => {
    const server = await listen();
    const { connection, peer } = await connect(server);
    const controller = new AbortController();
    const aborted = connection.exchange(get("/aborted"), { signal: controller.signal });
    await peer.received(1);
    const reason = new Error("changed my mind");
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);

    const next = connection.exchange(get("/next"));
    await peer.received(2);
    peer.respond({ status: 200, body: bytes("for /aborted") });
    peer.respond({ status: 200, body: bytes("for /next") });
    expect(text((await next).body)).toBe("for /next");
  });

  describe("HAP framed encryption", () => {
    const clientOut = randomBytes(32);
    const clientIn = randomBytes(32);
    const deviceCipher = (): HapFrameCipher => new HapFrameCipher(clientIn, clientOut);

    it("round-trips requests and responses of several frames", async () => {
      const server = await listen(deviceCipher);
      const { connection, peer } = await connect(server);
      connection.enableEncryption(clientOut, clientIn);
      expect(connection.encrypted).toBe(true);
      const body = randomBytes(3000);
      const answer = connection.exchange({
        method: "POST",
        uri: "/sealed",
        protocol: "RTSP/1.0",
        body,
      });
      const [request] = await peer.received(1);
      expect(request?.method).toBe("POST");
      expect(request?.uri).toBe("/sealed");
      expect(Buffer.from(request?.body ?? [])).toEqual(body);
      // Nothing of it travelled in clear.
      expect(Buffer.concat(peer.wire).includes("/sealed")).toBe(false);

      const reply = randomBytes(2500);
      peer.respond({ protocol: "RTSP/1.0", status: 200, body: reply });
      expect(Buffer.from((await answer).body)).toEqual(reply);
    });

    it("fails with a DecryptionError on a tampered frame and accepts nothing after it", async () => {
      const server = await listen(deviceCipher);
      const { connection, peer } = await connect(server);
      connection.enableEncryption(clientOut, clientIn);
      const ends: Array<Error | undefined> = [];
      connection.onClose((error) => ends.push(error));
      const first = connection.exchange(get("/one"));
      const second = connection.exchange(get("/two"));
      await peer.received(2);

      const sealed = deviceCipher().encrypt(encodeResponse({ status: 200 }));
      // The peer's cipher has not sent anything yet: a fresh one seals the same way.
      sealed[4] = (sealed[4] as number) ^ 0x01;
      peer.socket.write(sealed);
      peer.respond({ status: 200 });

      const failure = await rejection(first);
      expect(failure).toBeInstanceOf(DecryptionError);
      expect(failure.name).toBe("DecryptionError");
      await expect(second).rejects.toBe(failure);
      expect(connection.closeError).toBe(failure);
      expect(ends).toEqual([failure]);
      await expect(connection.exchange(get("/later"))).rejects.toBe(failure);
    });
  });
});
