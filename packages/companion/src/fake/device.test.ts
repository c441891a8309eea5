import { decodeTlv, PairSetupClient, TlvErrorCode, TlvType } from "@atv/hap";
import { AuthenticationError, PairingError } from "@atv/interface";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeFrame, FrameType } from "../frame.js";
import { encodeMessage, MessageType } from "../message.js";
import { type OpackValue, opackInteger } from "../opack.js";
import { FakeCompanionDevice } from "./device.js";
import type { FakeCompanionEvent } from "./state.js";
import { TestClient } from "./test-client.js";

const IDENTIFIER = "FAKE-COMPANION-TEST";
const SEED = new Uint8Array(32).fill(7);

function asObject(value: OpackValue | undefined): Record<string, unknown> {
  expect(value).toBeInstanceOf(Map);
  return Object.fromEntries(value as Map<OpackValue, OpackValue>);
}

let device: FakeCompanionDevice;
const clients: TestClient[] = [];

async function client(): Promise<TestClient> {
  const created = await TestClient.connect(device.port);
  clients.push(created);
  return created;
}

/** A client that paired and verified. */
async function verifiedClient(): Promise<TestClient> {
  const pairing = await client();
  const credentials = await pairing.pair("1111");
  pairing.close();
  const verified = await client();
  await verified.verify(credentials);
  return verified;
}

beforeEach(async () => {
  device = await FakeCompanionDevice.start({ identifier: IDENTIFIER, seed: SEED });
});

afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  await device.close();
});

describe("FakeCompanionDevice pairing", () => {
  it("pairs with the right PIN and gives credentials for this device", async () => {
    const credentials = await (await client()).pair("1111");
    expect(Buffer.from(credentials.atvId).toString()).toBe(IDENTIFIER);
    expect(device.state.hasPaired).toBe(true);
    expect(device.state.pairedClients).toHaveLength(1);
  });

  it("answers a wrong PIN with the TLV authentication error", async () => {
    const pairing = await client();
    const setup = new PairSetupClient();
    setup.receiveM2(await pairing.auth(FrameType.PS_Start, { _pd: setup.m1(), _pwTy: 1 }));
    const m4 = await pairing.auth(FrameType.PS_Next, { _pd: setup.m3("9999"), _pwTy: 1 });
    expect(decodeTlv(m4).getInteger(TlvType.Error)).toBe(TlvErrorCode.Authentication);
    expect(() => setup.m5(m4)).toThrow(PairingError);
    expect(device.state.hasPaired).toBe(false);
  });

  it("refuses to verify a client it never paired", async () => {
    const other = await FakeCompanionDevice.start({ identifier: IDENTIFIER, seed: SEED });
    try {
      const pairing = await TestClient.connect(other.port);
      clients.push(pairing);
      const credentials = await pairing.pair("1111");
      await expect((await client()).verify(credentials)).rejects.toThrow(AuthenticationError);
    } finally {
      await other.close();
    }
  });
});

describe("FakeCompanionDevice requests", () => {
  it("lists launchable applications", async () => {
    const verified = await verifiedClient();
    const response = await verified.request("FetchLaunchableApplicationsEvent");
    expect(response.type).toBe(MessageType.Response);
    expect(response.identifier).toBe("FetchLaunchableApplicationsEvent");
    const apps = asObject(response.content);
    expect(apps["com.netflix.Netflix"]).toBe("Netflix");
    expect(apps["com.apple.TVAppStore"]).toBe("App Store");
  });

  it("launches an installed app and records it", async () => {
    const verified = await verifiedClient();
    const seen: FakeCompanionEvent[] = [];
    device.onEvent((event) => seen.push(event));
    const response = await verified.request("_launchApp", { _bundleID: "com.netflix.Netflix" });
    expect(response.error).toBeUndefined();
    expect(device.state.launched).toEqual(["com.netflix.Netflix"]);
    expect(seen).toEqual([{ kind: "launch_app", bundleId: "com.netflix.Netflix" }]);
  });

  it("refuses to launch an app that is not installed", async () => {
    const verified = await verifiedClient();
    const response = await verified.request("_launchApp", { _bundleID: "com.example.none" });
    expect(response.error?.message).toMatch(/not installed/);
    expect(response.content).toBeUndefined();
    expect(device.state.launched).toEqual([]);
  });

  it("answers an unknown request with an error response", async () => {
    const verified = await verifiedClient();
    const response = await verified.request("_noSuchThing");
    expect(response.type).toBe(MessageType.Response);
    expect(response.error).toEqual({
      code: 58822,
      domain: "RPErrorDomain",
      message: "No request handler",
    });
  });

  it("starts and stops a session", async () => {
    const verified = await verifiedClient();
    const local = 0x1234_5678;
    const started = await verified.request("_sessionStart", {
      _srvT: "com.apple.tvremoteservices",
      _sid: local,
    });
    const remote = BigInt(opackInteger(asObject(started.content)._sid as OpackValue) ?? 0);
    const sid = (remote << 32n) | BigInt(local);
    expect((await verified.request("_sessionStop", { _sid: 1 })).error?.message).toBe(
      "Invalid SID",
    );
    const stopped = await verified.request("_sessionStop", { _sid: sid });
    expect(stopped.error).toBeUndefined();
    expect(device.state.session).toBeUndefined();
  });

  it("answers system info and user accounts", async () => {
    const verified = await verifiedClient();
    const info = await verified.request("_systemInfo", { name: "test", model: "iPhone" });
    expect(asObject(info.content).name).toBe("Fake Companion ATV");
    const accounts = asObject((await verified.request("FetchUserAccountsEvent")).content);
    const ids = Object.keys(accounts);
    expect(ids).toHaveLength(2);
    await verified.request("SwitchUserAccountEvent", { SwitchAccountID: ids[1] as string });
    expect(device.state.activeAccount).toBe(ids[1]);
  });

  it("records buttons and media commands, powers off and on", async () => {
    const verified = await verifiedClient();
    await verified.request("_hidC", { _hBtS: 1, _hidC: 6 });
    await verified.request("_hidC", { _hBtS: 2, _hidC: 6 });
    expect((await verified.request("_hidC", { _hBtS: 2, _hidC: 1 })).error).toBeDefined();
    await verified.request("_mcc", { _mcc: 1 });
    await verified.request("_hidC", { _hBtS: 2, _hidC: 12 });
    expect(device.state.poweredOn).toBe(false);
    const status = await verified.request("FetchAttentionState");
    expect(asObject(status.content).state).toBe(1);
    await verified.request("_hidC", { _hBtS: 2, _hidC: 13 });
    expect(device.state.poweredOn).toBe(true);
    expect(device.state.events).toEqual([
      { kind: "button", name: "select", state: "down" },
      { kind: "button", name: "select", state: "up" },
      { kind: "media_control", name: "play" },
      { kind: "button", name: "sleep", state: "up" },
      { kind: "power", on: false },
      { kind: "button", name: "wake", state: "up" },
      { kind: "power", on: true },
    ]);
  });

  it("sends _iMC once registered, and again when the volume changes", async () => {
    const verified = await verifiedClient();
    verified.send(MessageType.Event, "_interest", { _regEvents: ["_iMC"] });
    const first = await verified.nextEvent();
    expect(first.identifier).toBe("_iMC");
    expect(opackInteger(asObject(first.content)._mcF as OpackValue)).toBe(0x100);
    await verified.request("_mcc", { _mcc: 6, _vol: 0.5 });
    const second = await verified.nextEvent();
    expect(second.identifier).toBe("_iMC");
    expect(device.state.volume).toBe(50);
  });

  it("records touches sent as _hidT events", async () => {
    const verified = await verifiedClient();
    await verified.request("_touchStart", { _width: 1000, _height: 1000, _tFl: 0 });
    verified.send(MessageType.Event, "_hidT", { _ns: 1, _tFg: 1, _cx: 10, _tPh: 1, _cy: 20 });
    await verified.request("_touchStop", { _i: 1 });
    expect(device.state.touches).toEqual([{ phase: 1, x: 10, y: 20 }]);
  });
});

describe("FakeCompanionDevice strictness", () => {
  it("hangs up on E_OPACK before pair-verify", async () => {
    const raw = await client();
    raw.socket.write(encodeFrame(FrameType.E_OPACK, encodeMessage({ identifier: "x", type: 2 })));
    await raw.closed;
  });

  it("hangs up on garbage and still serves the next client", async () => {
    const raw = await client();
    raw.socket.write(Buffer.of(0xff, 0xff, 0xff, 0xff, 0x01, 0x02));
    await raw.closed;
    const verified = await verifiedClient();
    expect((await verified.request("FetchLaunchableApplicationsEvent")).error).toBeUndefined();
  });

  it("hangs up on a frame over the size limit", async () => {
    const raw = await client();
    raw.socket.write(Buffer.of(FrameType.E_OPACK, 0x7f, 0xff, 0xff));
    await raw.closed;
  });

  it("hangs up on an idle client", async () => {
    const idle = await FakeCompanionDevice.start({ identifier: IDENTIFIER, idleTimeout: 50 });
    try {
      const raw = await TestClient.connect(idle.port);
      await raw.closed;
    } finally {
      await idle.close();
    }
  });

  it("keeps a client that identified itself in _systemInfo however long it is quiet", async () => {
    await device.close();
    device = await FakeCompanionDevice.start({
      identifier: IDENTIFIER,
      seed: SEED,
      idleTimeout: 1000,
    });
    const identified = await verifiedClient();
    expect(
      (await identified.request("_systemInfo", { _i: "cafe01", name: "t" })).error,
    ).toBeUndefined();
    // Quiet for longer than the idle limit: the anonymous client is dropped, not this one.
    const anonymous = await verifiedClient();
    await anonymous.closed;
    expect((await identified.request("FetchLaunchableApplicationsEvent")).error).toBeUndefined();
  });

  it("refuses clients beyond its connection limit", async () => {
    const small = await FakeCompanionDevice.start({ identifier: IDENTIFIER, maxConnections: 2 });
    try {
      const kept = [await TestClient.connect(small.port), await TestClient.connect(small.port)];
      const refused = await TestClient.connect(small.port);
      await refused.closed;
      expect(kept.every((c) => !c.socket.destroyed)).toBe(true);
      for (const c of kept) c.close();
    } finally {
      await small.close();
    }
  });

  it("survives random bytes from clients", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const raw = await TestClient.connect(device.port);
        raw.socket.write(bytes);
        raw.socket.end();
        await raw.closed;
      }),
      { numRuns: 40 },
    );
    const verified = await verifiedClient();
    expect((await verified.request("FetchLaunchableApplicationsEvent")).error).toBeUndefined();
  });
});
