import type { Socket } from "node:dgram";
import { createServer, type Server } from "node:http";
import { tcpListen } from "@atv/interface";
import { encodeMessage, encodeTxt, ZeroconfResponder } from "@atv/zeroconf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loopbackUdpSocket } from "../../../../scripts/udp-test-support.js";
import { dmapTag } from "../tags/index.js";
import { FakeDmapDevice } from "./device.js";
import { type FakeDmapEvent, normalizePairingGuid } from "./state.js";
import { httpCall } from "./test-client.js";

// The shared vectors' pairing code for this GUID and PIN 1111 (pyatv's _verify_pin).
const GUID = "4D797FD3B0BA4C1E";
const CODE_FOR_1111 = "318cb9b4b828c285b97f526343f6624a";
const REMOTE_TYPE = "_touch-remote._tcp.local";

interface PairRequest {
  readonly code: string;
  readonly serviceName: string;
}

/**
 * A stand-in for a remote's pairing server, answering as pyatv's DmapPairingHandler:
 * 200 with cmpa when the (lower-cased) code is the expected one, else 500.
 */
class StandInRemote {
  readonly requests: PairRequest[] = [];
  answer: (request: PairRequest) => { status: number; body?: Uint8Array } = (request) =>
    request.code.toLowerCase() === CODE_FOR_1111
      ? {
          status: 200,
          body: dmapTag.container(
            "cmpa",
            dmapTag.uint64("cmpg", BigInt(`0x${GUID}`)),
            dmapTag.string("cmnm", "Test remote"),
            dmapTag.string("cmty", "iPhone"),
          ),
        }
      : { status: 500 };
  readonly server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://remote");
    const request = {
      code: url.searchParams.get("pairingcode") ?? "",
      serviceName: url.searchParams.get("servicename") ?? "",
    };
    this.requests.push(request);
    const { status, body } = this.answer(request);
    res.writeHead(status);
    res.end(body);
  });
  port = 0;

  async start(): Promise<this> {
    this.port = await tcpListen(this.server, "127.0.0.1", 0);
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An unsolicited mDNS response announcing a remote, as pyatv's pairing publishes it. */
function announcement(
  instance: string,
  port: number,
  properties: Record<string, string>,
  ttl = 4500,
): Uint8Array {
  const full = `${instance}.${REMOTE_TYPE}`;
  return encodeMessage({
    isResponse: true,
    flags: 0x8400,
    questions: [],
    answers: [
      { type: "PTR", name: REMOTE_TYPE, ttl, target: full },
      { type: "SRV", name: full, ttl, priority: 0, weight: 0, port, target: "remote.local" },
      { type: "TXT", name: full, ttl, strings: encodeTxt(properties) },
      { type: "A", name: "remote.local", ttl, address: "127.0.0.1" },
    ],
  });
}

const remoteTxt = (pair: string) => ({
  DvNm: "Test remote",
  RemV: "10000",
  DvTy: "iPod",
  RemN: "Remote",
  txtvers: "1",
  Pair: pair,
});

describe("FakeDmapDevice pairing with remotes", () => {
  let responder: ZeroconfResponder;
  let sender: Socket;
  let remote: StandInRemote;
  let device: FakeDmapDevice;
  const events: FakeDmapEvent[] = [];

  beforeEach(async () => {
    events.length = 0;
    responder = await ZeroconfResponder.start({ address: "127.0.0.1", port: 0 });
    sender = await loopbackUdpSocket();
    remote = await new StandInRemote().start();
  });

  afterEach(async () => {
    sender.close();
    await device?.close();
    await responder.close();
    await remote.close();
  });

  async function startDevice(pin: string): Promise<void> {
    device = await FakeDmapDevice.start({ pin, identifier: "6D5D2D6EE3C7D9D1" });
    device.onEvent((event) => events.push(event));
    device.watchForRemotes(responder, { timeout: 2000 });
  }

  /** Sends the packets and waits for that many pairing outcomes. */
  async function announce(outcomes: number, ...packets: Uint8Array[]): Promise<FakeDmapEvent[]> {
    const done = new Promise<FakeDmapEvent[]>((resolve) => {
      const found: FakeDmapEvent[] = [];
      const stop = device.onEvent((event) => {
        if (event.kind !== "paired" && event.kind !== "pairing_failed") return;
        found.push(event);
        if (found.length === outcomes) {
          stop();
          resolve(found);
        }
      });
    });
    for (const packet of packets) sender.send(packet, responder.port, "127.0.0.1");
    return done;
  }

  const login = () => httpCall(device.port, `/login?pairing-guid=0x${GUID}&hasFP=1`);

  it("calls /pair with the code of the remote's GUID and its PIN, then accepts its login", async () => {
    await startDevice("1111");
    expect((await login()).status).toBe(503);
    const [outcome] = await announce(
      1,
      announcement("0000000000000000000000000000002130706433", remote.port, remoteTxt(GUID)),
    );
    expect(outcome).toEqual({
      kind: "paired",
      pairingGuid: `0x${GUID}`,
      remoteName: "Test remote",
    });
    expect(remote.requests).toHaveLength(1);
    // Upper case, as a device sends it.
    expect(remote.requests[0]?.code).toBe(CODE_FOR_1111.toUpperCase());
    expect(remote.requests[0]?.serviceName).toMatch(/^[0-9A-F]{40}$/);
    expect(device.state.pairedGuids).toEqual([normalizePairingGuid(GUID)]);
    expect((await login()).status).toBe(200);
  });

  it("pairs once per announced instance, and ignores goodbyes and other services", async () => {
    await startDevice("1111");
    const packet = announcement("r1", remote.port, remoteTxt(GUID));
    const other = encodeMessage({
      isResponse: true,
      questions: [],
      answers: [
        {
          type: "SRV",
          name: "x._airplay._tcp.local",
          ttl: 10,
          priority: 0,
          weight: 0,
          port: remote.port,
          target: "remote.local",
        },
      ],
    });
    const goodbye = announcement("r2", remote.port, remoteTxt(GUID), 0);
    const next = announcement("r3", remote.port, remoteTxt(GUID));
    const outcomes = await announce(2, packet, packet, other, goodbye, next);
    expect(outcomes.map((o) => o.kind)).toEqual(["paired", "paired"]);
    // One more, waited for: any second request for r1 would have come before it.
    await announce(1, announcement("r4", remote.port, remoteTxt(GUID)));
    expect(remote.requests).toHaveLength(3);
  });

  it("does not pair when the remote refuses the code (another PIN)", async () => {
    await startDevice("1234");
    const [outcome] = await announce(1, announcement("r1", remote.port, remoteTxt(GUID)));
    expect(outcome).toMatchObject({
      kind: "pairing_failed",
      service: "r1",
      reason: "remote answered 500",
    });
    expect(device.state.pairedGuids).toEqual([]);
    expect((await login()).status).toBe(503);
  });

  it("survives garbage: no Pair, a bad answer, another GUID, nobody listening", async () => {
    await startDevice("1111");
    const closed = await new StandInRemote().start();
    await closed.close();
    // A cmpa that claims more bytes than it has.
    remote.answer = () => ({
      status: 200,
      body: Uint8Array.from([0x63, 0x6d, 0x70, 0x61, 0, 0, 0, 99]),
    });
    const outcomes = await announce(
      3,
      announcement("no-pair", remote.port, { DvNm: "x" }),
      announcement("bad-answer", remote.port, remoteTxt(GUID)),
      announcement("gone", closed.port, remoteTxt(GUID)),
    );
    expect(outcomes.every((o) => o.kind === "pairing_failed")).toBe(true);
    expect(outcomes.map((o) => o.kind === "pairing_failed" && o.service).sort()).toEqual([
      "bad-answer",
      "gone",
      "no-pair",
    ]);

    remote.answer = () => ({
      status: 200,
      body: dmapTag.container("cmpa", dmapTag.uint64("cmpg", 1n), dmapTag.string("cmnm", "x")),
    });
    const [other] = await announce(1, announcement("other-guid", remote.port, remoteTxt(GUID)));
    expect(other).toMatchObject({
      kind: "pairing_failed",
      reason: "remote's answer has another pairing GUID",
    });
    expect(device.state.pairedGuids).toEqual([]);
  });
});
