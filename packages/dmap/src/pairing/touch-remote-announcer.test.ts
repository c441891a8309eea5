import type { RemoteInfo, Socket } from "node:dgram";
import { InvalidConfigError } from "@atv/interface";
import {
  buildResponse,
  type DnsMessage,
  decodeMessage,
  encodeMessage,
  RecordType,
} from "@atv/zeroconf";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { loopbackUdpSocket } from "../../../../scripts/udp-test-support.js";
import { TouchRemoteAnnouncer } from "./touch-remote-announcer.js";
import { TOUCH_REMOTE_SERVICE_TYPE } from "./touch-remote-records.js";

/** Stands in for a device's mDNS port: collects what arrives, decoded. */
class Listener {
  readonly received: { message: DnsMessage; from: RemoteInfo }[] = [];
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("message", (data, from) => {
      const decoded = decodeMessage(data);
      if (!decoded.ok) return;
      this.received.push({ message: decoded.message, from });
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(): Promise<Listener> {
    return new Listener(await loopbackUdpSocket());
  }

  get port(): number {
    return this.socket.address().port;
  }

  async next(count: number, match: (m: DnsMessage) => boolean = () => true) {
    for (;;) {
      const found = this.received.filter((r) => match(r.message));
      if (found.length >= count) return found[count - 1]!;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.close();
  }
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setUp(interval = 1000) {
  const listener = await Listener.open();
  closers.push(() => listener.close());
  const announcer = await TouchRemoteAnnouncer.start({
    pairingGuid: "0x4D797FD3B0BA4C1E",
    remoteName: "Kitchen remote",
    port: 45_678,
    targets: [{ address: "127.0.0.1", port: listener.port }],
    interval,
  });
  closers.push(() => announcer.close());
  return { listener, announcer };
}

const isAnnouncement = (m: DnsMessage) => m.isResponse && m.answers.every((a) => a.ttl > 0);

describe("TouchRemoteAnnouncer", () => {
  it("announces the service as pyatv publishes it", async () => {
    const { listener } = await setUp();
    const { message } = await listener.next(1);
    expect(message.isResponse).toBe(true);
    const response = buildResponse("127.0.0.1", [message]);
    expect(response.services).toHaveLength(1);
    const service = response.services[0]!;
    expect(service.type).toBe(TOUCH_REMOTE_SERVICE_TYPE);
    // pyatv: the instance is the address as a 40-digit number (127.0.0.1 = 2130706433).
    expect(service.name).toBe("0000000000000000000000000000002130706433");
    expect(service.address).toBe("127.0.0.1");
    expect(service.port).toBe(45_678);
    expect(service.properties.toObject()).toEqual({
      DvNm: "Kitchen remote",
      RemV: "10000",
      DvTy: "iPod",
      RemN: "Remote",
      txtvers: "1",
      Pair: "4D797FD3B0BA4C1E",
    });
  });

  it("repeats the announcement while open", async () => {
    const { listener, announcer } = await setUp(10);
    await listener.next(3, isAnnouncement);
    expect(announcer.rounds).toBeGreaterThanOrEqual(3);
  });

  it("answers a query for the service to its sender, echoing the id", async () => {
    const { listener } = await setUp();
    const { from } = await listener.next(1);
    const query = encodeMessage({
      id: 4242,
      isResponse: false,
      questions: [{ name: TOUCH_REMOTE_SERVICE_TYPE, type: RecordType.PTR }],
    });
    listener.socket.send(query, from.port, "127.0.0.1");
    const { message } = await listener.next(1, (m) => m.id === 4242);
    expect(message.questions[0]?.name).toBe(TOUCH_REMOTE_SERVICE_TYPE);
    expect(buildResponse("127.0.0.1", [message]).services[0]?.port).toBe(45_678);
    expect(message.answers.every((a) => a.ttl <= 10)).toBe(true);
  });

  it("ignores garbage and queries for other services, then still answers", async () => {
    const { listener } = await setUp();
    const { from } = await listener.next(1);
    const garbage = fc.sample(fc.uint8Array({ maxLength: 200 }), 50);
    for (const bytes of garbage) listener.socket.send(bytes, from.port, "127.0.0.1");
    const other = encodeMessage({
      id: 1,
      isResponse: false,
      questions: [{ name: "_airplay._tcp.local", type: RecordType.PTR }],
    });
    listener.socket.send(other, from.port, "127.0.0.1");
    const query = encodeMessage({
      id: 7,
      isResponse: false,
      questions: [{ name: TOUCH_REMOTE_SERVICE_TYPE, type: RecordType.ANY }],
    });
    listener.socket.send(query, from.port, "127.0.0.1");
    await listener.next(1, (m) => m.id === 7);
    expect(listener.received.some((r) => r.message.id === 1)).toBe(false);
  });

  it("says goodbye with TTL 0 on close", async () => {
    const { listener, announcer } = await setUp();
    await listener.next(1);
    await announcer.close();
    const { message } = await listener.next(1, (m) => m.answers.every((a) => a.ttl === 0));
    expect(message.answers.map((a) => a.type).sort()).toEqual(["A", "PTR", "SRV", "TXT"]);
  });

  it("rejects a bad target with InvalidConfigError", async () => {
    const start = (address: string, port: number) =>
      TouchRemoteAnnouncer.start({
        pairingGuid: "1",
        remoteName: "x",
        port: 1,
        targets: [{ address, port }],
      });
    await expect(start("not-an-ip", 5353)).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(start("127.0.0.1", 0)).rejects.toBeInstanceOf(InvalidConfigError);
  });

  it("rejects a target off this machine's subnets, or no target at all", async () => {
    const options = { pairingGuid: "1", remoteName: "x", port: 1 };
    // 192.0.2.0/24 is TEST-NET-1: checked before any socket exists, nothing is sent.
    await expect(
      TouchRemoteAnnouncer.start({
        ...options,
        targets: [{ address: "192.0.2.1", port: 5353 }],
        interfaces: () => [{ address: "10.0.0.2", netmask: "255.255.255.0" }],
      }),
    ).rejects.toThrow(/no local interface on the subnet of 192\.0\.2\.1/);
    await expect(
      TouchRemoteAnnouncer.start({ ...options, targets: [], localAddress: "nope" }),
    ).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(TouchRemoteAnnouncer.start({ ...options, targets: [] })).rejects.toBeInstanceOf(
      InvalidConfigError,
    );
  });
});
