import { createHash } from "node:crypto";
import type { Socket } from "node:dgram";
import {
  InvalidConfigError,
  PairingError,
  Protocol,
  Service,
  type ZeroconfService,
} from "@atv/interface";
import { buildResponse, decodeMessage } from "@atv/zeroconf";
import { afterEach, describe, expect, it } from "vitest";
import { loopbackUdpSocket } from "../../../../scripts/udp-test-support.js";
import { decodeDmap, first } from "../tags/index.js";
import { DmapPairingHandler, type DmapPairingOptions } from "./pairing-handler.js";
import { TOUCH_REMOTE_SERVICE_TYPE } from "./touch-remote-records.js";

/**
 * A stand-in Apple TV: listens on an mDNS port for the remote's announcement and, like the
 * Remotes screen once the user typed a PIN, calls the announced /pair with the code.
 */
class StandInAppleTv {
  #socket: Socket;
  #seen: ZeroconfService | undefined;
  #waiters: ((service: ZeroconfService) => void)[] = [];
  #goodbye: (() => void) | undefined;
  /** Resolves when the remote withdraws its service (records with TTL 0). */
  readonly goodbye = new Promise<void>((resolve) => {
    this.#goodbye = resolve;
  });

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("message", (data) => {
      const decoded = decodeMessage(data);
      if (!decoded.ok) return;
      const { answers } = decoded.message;
      if (answers.length > 0 && answers.every((a) => a.ttl === 0)) this.#goodbye?.();
      const service = buildResponse("127.0.0.1", [decoded.message]).services.find(
        (s) => s.type === TOUCH_REMOTE_SERVICE_TYPE && s.port !== 0,
      );
      if (service === undefined || this.#seen !== undefined) return;
      this.#seen = service;
      for (const wake of this.#waiters.splice(0)) wake(service);
    });
  }

  static async open(): Promise<StandInAppleTv> {
    return new StandInAppleTv(await loopbackUdpSocket());
  }

  get mdnsPort(): number {
    return this.#socket.address().port;
  }

  remote(): Promise<ZeroconfService> {
    if (this.#seen) return Promise.resolve(this.#seen);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Types `pin` for the remote it saw; resolves with the HTTP status and body. */
  async typePin(pin: string): Promise<{ status: number; body: Uint8Array }> {
    const remote = await this.remote();
    const guid = remote.properties.get("Pair") ?? "";
    let input = guid;
    for (const digit of pin) input += `${digit}\0`;
    const code = createHash("md5").update(input, "latin1").digest("hex").toUpperCase();
    const response = await fetch(
      `http://${remote.address}:${remote.port}/pair?pairingcode=${code}&servicename=STANDIN`,
    );
    return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
  }

  close(): void {
    this.#socket.close();
  }
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setUp(options: Partial<DmapPairingOptions> = {}) {
  const appleTv = await StandInAppleTv.open();
  closers.push(() => appleTv.close());
  const service = new Service({ protocol: Protocol.DMAP, port: 3689 });
  const handler = new DmapPairingHandler({
    service,
    announceTo: [{ address: "127.0.0.1", port: appleTv.mdnsPort }],
    serverAddress: "127.0.0.1",
    ...options,
  });
  closers.push(() => handler.close());
  return { appleTv, service, handler };
}

describe("DmapPairingHandler", () => {
  it("pairs when the device calls back with the PIN the user chose", async () => {
    const { appleTv, service, handler } = await setUp({ remoteName: "Living room remote" });
    expect(handler.deviceProvidesPin).toBe(false);
    await handler.begin();
    handler.pin(1234);
    const remote = await appleTv.remote();
    expect(remote.properties.get("DvNm")).toBe("Living room remote");
    expect(remote.properties.get("Pair")).toBe(handler.pairingGuid);
    const finished = handler.finish();
    const answer = await appleTv.typePin("1234");
    await finished;
    expect(answer.status).toBe(200);
    const tree = decodeDmap(answer.body);
    expect(first(tree, "cmpa", "cmnm")).toBe("Living room remote");
    expect(BigInt(first(tree, "cmpa", "cmpg") as number | bigint)).toBe(
      BigInt(`0x${handler.pairingGuid}`),
    );
    expect(handler.hasPaired).toBe(true);
    expect(service.credentials).toBe(`0x${handler.pairingGuid}`);
    expect(service.credentials).toMatch(/^0x[0-9A-F]{16}$/);
    // Paired: the remote no longer announces itself.
    await appleTv.goodbye;
  });

  it("uses the given GUID and a zero-padded PIN; finish() after the call returns at once", async () => {
    const { appleTv, service, handler } = await setUp({
      pairingGuid: "0x7D1324235F535AE7",
      pin: 1,
    });
    await handler.begin();
    expect((await appleTv.typePin("0001")).status).toBe(200);
    await handler.finish();
    expect(service.credentials).toBe("0x7D1324235F535AE7");
    expect(handler.remoteName).toBe("pyatv");
  });

  it("fails with PairingError naming the PIN when only a wrong PIN was typed", async () => {
    const { appleTv, service, handler } = await setUp({ pin: 1234, timeout: 300 });
    await handler.begin();
    expect((await appleTv.typePin("4321")).status).toBe(500);
    const error = await handler.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PairingError);
    expect((error as Error).message).toContain("within 0.3 s");
    expect((error as Error).message).toContain("PIN 1234");
    expect((error as Error).message).toContain("Settings > General > Remotes");
    expect(handler.hasPaired).toBe(false);
    expect(service.credentials).toBeUndefined();
  });

  it("stops waiting when the caller aborts", async () => {
    const { handler } = await setUp({ pin: 1234 });
    await handler.begin();
    const controller = new AbortController();
    const finished = handler.finish({ signal: controller.signal });
    controller.abort(new Error("user pressed enter"));
    await expect(finished).rejects.toThrow("user pressed enter");
    expect(handler.hasPaired).toBe(false);
  });

  it("ends a waiting finish() with PairingError on close", async () => {
    const { handler } = await setUp({ pin: 1234 });
    await handler.begin();
    const finished = handler.finish();
    await handler.close();
    await expect(finished).rejects.toThrow(/closed before the device called back/);
  });

  it("refuses to begin with nowhere to announce, releasing its server", async () => {
    const service = new Service({ protocol: Protocol.DMAP, port: 3689 });
    const handler = new DmapPairingHandler({ service, serverAddress: "127.0.0.1" });
    closers.push(() => handler.close());
    await expect(handler.begin()).rejects.toBeInstanceOf(InvalidConfigError);
    expect(handler.serverPort).toBeUndefined();
  });

  it("refuses finish() before begin()", async () => {
    const { handler } = await setUp();
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
  });

  it("stops the pairing server on close", async () => {
    const { appleTv, handler } = await setUp({ pin: 1234 });
    await handler.begin();
    const port = handler.serverPort;
    await appleTv.remote();
    await handler.close();
    expect(handler.serverPort).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/pair`)).rejects.toThrow();
  });
});
