import { connect } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { answerPairRequest } from "./pair-request.js";
import { DmapPairingServer, type DmapPairingServerOptions } from "./pairing-server.js";
import { pairingAnswerVector } from "./test-vectors.js";

const servers: DmapPairingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<DmapPairingServerOptions> = {}) {
  const paired: string[] = [];
  const server = await DmapPairingServer.start({
    pairingGuid: "0x0000000000000001",
    remoteName: "pyatv",
    pin: 1234,
    address: "127.0.0.1",
    port: 0,
    onPaired: (name) => paired.push(name),
    ...options,
  });
  servers.push(server);
  return { server, paired };
}

async function get(port: number, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
}

/** Sends raw bytes and reads until the server closes the connection. */
function rawRequest(port: number, request: Uint8Array | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.end(request);
  });
}

const RIGHT_CODE = "690E6FF61E0D7C747654A42AED17047D";

describe("DmapPairingServer", () => {
  it("answers the right code with pyatv's pairing answer, byte for byte", async () => {
    const { server, paired } = await start();
    const { status, body } = await get(
      server.port,
      `/pair?pairingcode=${RIGHT_CODE}&servicename=test`,
    );
    expect(status).toBe(200);
    expect(Buffer.from(body).toString("hex")).toBe(pairingAnswerVector.hex);
    expect(paired).toEqual(["test"]);
  });

  it("takes the code in lower case too", async () => {
    const { server, paired } = await start();
    const { status } = await get(
      server.port,
      `/pair?pairingcode=${RIGHT_CODE.toLowerCase()}&servicename=ATV`,
    );
    expect(status).toBe(200);
    expect(paired).toEqual(["ATV"]);
  });

  it("answers a wrong code with 500, as pyatv, and does not pair", async () => {
    const { server, paired } = await start();
    const wrong = await get(server.port, "/pair?pairingcode=wrong&servicename=test");
    expect(wrong.status).toBe(500);
    const otherPin = await get(
      server.port,
      "/pair?pairingcode=31e31f5bd3463f2d4ea92002f59c4b82&servicename=test",
    );
    expect(otherPin.status).toBe(500);
    expect(paired).toEqual([]);
  });

  it("follows a PIN change", async () => {
    const { server, paired } = await start({ pin: 1 });
    const before = await get(server.port, `/pair?pairingcode=${RIGHT_CODE}&servicename=a`);
    expect(before.status).toBe(500);
    server.setPin("1234");
    const after = await get(server.port, `/pair?pairingcode=${RIGHT_CODE}&servicename=b`);
    expect(after.status).toBe(200);
    expect(paired).toEqual(["b"]);
  });

  it("accepts any code without a PIN, as pyatv", async () => {
    const { server, paired } = await start({ pin: undefined });
    const { status } = await get(server.port, "/pair?pairingcode=anything&servicename=x");
    expect(status).toBe(200);
    expect(paired).toEqual(["x"]);
  });

  it("answers only GET /pair with both parameters", async () => {
    const { server, paired } = await start();
    expect((await get(server.port, "/")).status).toBe(404);
    expect((await get(server.port, "/pair")).status).toBe(400);
    expect((await get(server.port, `/pair?pairingcode=${RIGHT_CODE}`)).status).toBe(400);
    const post = await fetch(
      `http://127.0.0.1:${server.port}/pair?pairingcode=${RIGHT_CODE}&servicename=x`,
      { method: "POST", body: "x".repeat(100_000) },
    );
    expect(post.status).toBe(405);
    expect(await rawRequest(server.port, "garbage\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(paired).toEqual([]);
  });

  it("survives random request lines and still pairs afterwards", async () => {
    const { server, paired } = await start();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary-ascii", maxLength: 300 }), async (query) => {
        const answer = await rawRequest(
          server.port,
          Buffer.from(`GET /pair?${query} HTTP/1.1\r\nHost: x\r\n\r\n`, "latin1"),
        );
        // Either an HTTP answer or a closed connection; never a crash.
        if (answer.length > 0) expect(answer).toMatch(/^HTTP\/1\.1 (200|400|404|500) /);
      }),
      { numRuns: 60 },
    );
    const { status } = await get(server.port, `/pair?pairingcode=${RIGHT_CODE}&servicename=ok`);
    expect(status).toBe(200);
    expect(paired).toContain("ok");
  });
});

describe("answerPairRequest", () => {
  const expected = { pairingGuid: "1", remoteName: "pyatv", pin: 1234 };

  it("never throws on random methods and targets", () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string({ maxLength: 3000 })), (m, t) => {
        const result = answerPairRequest(m ?? undefined, t ?? undefined, expected);
        expect([200, 400, 404, 405, 500]).toContain(result.status);
      }),
    );
  });

  it("pairs only with the right code among mutated ones", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (code) => {
        const target = `/pair?pairingcode=${encodeURIComponent(code)}&servicename=x`;
        const result = answerPairRequest("GET", target, expected);
        expect(result.kind).toBe(
          code.toLowerCase() === RIGHT_CODE.toLowerCase() ? "paired" : "wrong-code",
        );
      }),
    );
  });
});
