import { randomBytes } from "node:crypto";
import { DecryptionError } from "@atv/hap";
import {
  CommandError,
  ConnectionLostError,
  InvalidStateError,
  OperationTimeoutError,
  ProtocolError,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { CompanionCipher, encodeFrame, FrameType } from "../frame.js";
import { decodeOpack, encodeOpack } from "../opack.js";
import { CompanionConnection } from "./connection.js";
import { CompanionProtocol } from "./protocol.js";
import { duplexPair, TestPeer } from "./test-peer.js";

function setup(firstXid = 100) {
  const [near, far] = duplexPair();
  const connection = new CompanionConnection(near);
  const closed: Array<Error | undefined> = [];
  const protocol = new CompanionProtocol(connection, {
    firstXid,
    onClosed: (error) => closed.push(error),
  });
  return { connection, protocol, peer: new TestPeer(far), closed };
}

function encrypted(firstXid = 100) {
  const parts = setup(firstXid);
  const a = randomBytes(32);
  const b = randomBytes(32);
  parts.connection.enableEncryption(a, b);
  parts.peer.enableEncryption(b, a);
  return { ...parts, deviceKeys: [b, a] as const };
}

describe("CompanionProtocol requests", () => {
  it("sends _i, _t, _c, _x (last) and resolves with the response's _c", async () => {
    const { protocol, peer } = setup(100);
    const answer = protocol.request("_launchApp", { _bundleID: "com.example" });
    const message = await peer.nextMessage();
    expect([...message.dict.keys()]).toEqual(["_i", "_t", "_c", "_x"]);
    expect(message.identifier).toBe("_launchApp");
    expect(message.type).toBe(2);
    expect(message.xid).toBe(100);
    expect(message.content).toEqual(new Map([["_bundleID", "com.example"]]));
    peer.respond(100, { ok: true });
    expect(await answer).toEqual(new Map([["ok", true]]));
    protocol.close();
  });

  it("matches concurrent requests by _x, whatever the order of the answers", async () => {
    const { protocol, peer } = encrypted(7);
    const first = protocol.request("one");
    const second = protocol.request("two");
    const third = protocol.request("three");
    const xids = [];
    for (let i = 0; i < 3; i++) xids.push((await peer.nextMessage()).xid);
    expect(xids).toEqual([7, 8, 9]);
    peer.respond(9, "third");
    peer.respond(7, "first");
    peer.respond(8, "second");
    expect(await Promise.all([first, second, third])).toEqual(["first", "second", "third"]);
    protocol.close();
  });

  it("starts _x somewhere in [0, 2^16] by default and counts up", async () => {
    const [near, far] = duplexPair();
    const protocol = new CompanionProtocol(new CompanionConnection(near));
    const peer = new TestPeer(far);
    void protocol.request("a").catch(() => {});
    void protocol.request("b").catch(() => {});
    const a = Number((await peer.nextMessage()).xid);
    const b = Number((await peer.nextMessage()).xid);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(2 ** 16);
    expect(b).toBe(a + 1);
    protocol.close();
  });

  it("turns an error response into a CommandError with the device's text", async () => {
    const { protocol, peer } = setup(1);
    const answer = protocol.request("_launchApp", {});
    await peer.nextMessage();
    peer.respond(1, {}, { _em: "No such app", _ec: 3, _ed: "RPErrorDomain" });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toContain("No such app");
    protocol.close();
  });

  it("rejects with OperationTimeoutError when nothing answers, and drops a late answer", async () => {
    const { protocol, peer } = setup(1);
    const error = await protocol.request("slow", {}, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    peer.respond(1, "late");
    const next = protocol.request("next");
    await peer.nextMessage();
    await peer.nextMessage();
    peer.respond(2, "on time");
    expect(await next).toBe("on time");
    protocol.close();
  });

  it("rejects with the signal's reason on abort, before or while waiting", async () => {
    const { protocol } = setup(1);
    const before = AbortSignal.abort(new Error("before"));
    await expect(protocol.request("x", {}, { signal: before })).rejects.toThrow("before");
    const controller = new AbortController();
    const waiting = protocol.request("x", {}, { signal: controller.signal });
    controller.abort(new Error("while"));
    await expect(waiting).rejects.toThrow("while");
    protocol.close();
  });

  it("rejects every waiting call with ConnectionLostError when the device hangs up", async () => {
    const { protocol, peer, closed, connection } = setup(1);
    const calls = [
      protocol.request("a"),
      protocol.request("b"),
      protocol.exchangeAuth(FrameType.PV_Start, {}),
    ];
    await peer.nextFrame();
    peer.close();
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(ConnectionLostError);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toBeInstanceOf(ConnectionLostError);
    await expect(protocol.request("c")).rejects.toBeInstanceOf(ConnectionLostError);
    expect(() => connection.send(FrameType.E_OPACK, new Uint8Array(1))).toThrow(InvalidStateError);
  });

  it("rejects waiting calls when closed by us, and close() is idempotent", async () => {
    const { protocol, closed } = setup(1);
    const call = protocol.request("a");
    protocol.close();
    protocol.close();
    await expect(call).rejects.toBeInstanceOf(ConnectionLostError);
    expect(closed).toEqual([undefined]);
  });

  it("closes on a tampered E_OPACK frame: nothing in it or after it is acted on", async () => {
    const { protocol, peer, connection, deviceKeys } = encrypted(1);
    const events: unknown[] = [];
    protocol.onEvent("_iMC", (content) => events.push(content));
    const call = protocol.request("a");
    await peer.nextMessage();
    // The answer the device would seal first, with one bit of its tag flipped.
    const bad = new CompanionCipher(...deviceKeys).sealFrame(
      FrameType.E_OPACK,
      encodeOpack({ _c: "forged", _t: 3, _x: 1 }),
    );
    bad[bad.length - 1] = (bad.at(-1) as number) ^ 1;
    peer.sendRaw(bad);
    peer.sendEvent("_iMC", { after: true });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).cause).toBeInstanceOf(DecryptionError);
    expect(connection.closeError).toBeInstanceOf(DecryptionError);
    expect(events).toEqual([]);
  });

  it("closes with a ProtocolError on a frame that is not OPACK", async () => {
    const { protocol, peer, connection } = setup(1);
    const call = protocol.request("a");
    await peer.nextMessage();
    peer.sendRaw(encodeFrame(FrameType.E_OPACK, Uint8Array.of(0xff, 0xff)));
    await expect(call).rejects.toBeInstanceOf(ConnectionLostError);
    expect(connection.closeError).toBeInstanceOf(ProtocolError);
  });

  it("closes with a ProtocolError on an oversized frame header", async () => {
    const [near, far] = duplexPair();
    const connection = new CompanionConnection(near, undefined, { maxPayloadLength: 10 });
    const protocol = new CompanionProtocol(connection);
    const peer = new TestPeer(far);
    const call = protocol.request("a");
    peer.sendRaw(Uint8Array.of(FrameType.E_OPACK, 0, 0, 11));
    await expect(call).rejects.toBeInstanceOf(ConnectionLostError);
    expect(connection.closeError).toBeInstanceOf(ProtocolError);
  });
});

describe("CompanionProtocol events and auth frames", () => {
  it("dispatches events by _i and sends events with _t 1", async () => {
    const { protocol, peer } = encrypted(5);
    const seen: unknown[] = [];
    const stop = protocol.onEvent("_iMC", (content) => seen.push(content));
    protocol.onEvent("other", () => seen.push("wrong"));
    peer.sendEvent("_iMC", { n: 1 });
    protocol.sendEvent("_interest", { _regEvents: ["_iMC"] });
    const sent = await peer.nextMessage();
    expect(sent.type).toBe(1);
    expect(sent.identifier).toBe("_interest");
    expect(seen).toEqual([new Map([["n", 1]])]);
    stop();
    peer.sendEvent("_iMC", { n: 2 });
    const call = protocol.request("sync");
    await peer.nextMessage();
    peer.respond(6, null);
    await call;
    expect(seen).toHaveLength(1);
    protocol.close();
  });

  it("answers PS_Start on PS_Next and PV_Start on PV_Next, with pyatv's _x added", async () => {
    const { protocol, peer } = setup(40);
    const ps = protocol.exchangeAuth(FrameType.PS_Start, { _pd: Uint8Array.of(1), _pwTy: 1 });
    const sent = await peer.nextFrame();
    expect(sent.type).toBe(FrameType.PS_Start);
    const dict = decodeOpack(sent.payload) as Map<string, unknown>;
    expect([...dict.keys()]).toEqual(["_pd", "_pwTy", "_x"]);
    // An answer on the wrong frame type is not taken.
    peer.sendFrame(FrameType.PV_Next, encodeOpack({ _pd: Uint8Array.of(9) }));
    peer.sendFrame(FrameType.PS_Next, encodeOpack({ _pd: Uint8Array.of(2) }));
    expect((await ps).get("_pd")).toEqual(Uint8Array.of(2));
    const pv = protocol.exchangeAuth(FrameType.PV_Start, { _pd: Uint8Array.of(3), _auTy: 4 });
    expect((await peer.nextFrame()).type).toBe(FrameType.PV_Start);
    peer.sendFrame(FrameType.PV_Next, encodeOpack({ _pd: Uint8Array.of(4) }));
    expect((await pv).get("_pd")).toEqual(Uint8Array.of(4));
    await expect(protocol.exchangeAuth(FrameType.E_OPACK, {})).rejects.toBeInstanceOf(RangeError);
    protocol.close();
  });
});
