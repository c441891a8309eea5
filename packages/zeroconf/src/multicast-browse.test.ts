// Multicast runs only inside a private network namespace whose only interface is a fresh
// loopback (see scripts/netns-test-support.ts), never on the machine's real interfaces.
import { createSocket, type Socket } from "node:dgram";
import { setImmediate as tick } from "node:timers/promises";
import { InvalidConfigError } from "@atv/interface";
import { afterEach, expect, it } from "vitest";
import { inPrivateNetwork } from "../../../scripts/netns-test-support.js";
import { type DnsMessage, decodeMessage, encodeMessage } from "./codec.js";
import { multicastBrowse } from "./multicast-browse.js";
import { ZeroconfResponder } from "./responder.js";
import { createStats } from "./stats.js";
import {
  AIRPLAY_TYPE,
  appleTvResponse,
  DEVICE_INFO_TYPE,
  junkDatagrams,
  MRP_TYPE,
  openSocketHandles,
  sleepProxyResponse,
  socketHandlesAtRest,
} from "./test-fixtures.js";
import { RecordType } from "./wire.js";

const GROUP = "224.0.0.251";
const SERVICE_TYPES = [MRP_TYPE, AIRPLAY_TYPE, DEVICE_INFO_TYPE];

inPrivateNetwork(
  "multicast in a private network namespace",
  { fileUrl: import.meta.url, interfaces: ["lo"], expectedTests: 12 },
  namespaceTests,
);

/** A socket on the mDNS port that has joined the group on loopback. */
async function groupListener(): Promise<Socket> {
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  await new Promise<void>((done) => socket.bind(5353, "0.0.0.0", done));
  socket.addMembership(GROUP, "127.0.0.1");
  socket.setMulticastInterface("127.0.0.1");
  return socket;
}

async function boundTo(address: string, port = 0): Promise<Socket> {
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  await new Promise<void>((done) => socket.bind(port, address, done));
  return socket;
}

function decoded(data: Uint8Array): DnsMessage | undefined {
  const result = decodeMessage(data);
  return result.ok ? result.message : undefined;
}

function namespaceTests(): void {
  const sockets: Socket[] = [];
  const responders: ZeroconfResponder[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const responder of responders.splice(0)) await responder.close();
  });

  async function appleTv(): Promise<ZeroconfResponder> {
    const responder = await ZeroconfResponder.start({
      address: "0.0.0.0",
      port: 5353,
      multicast: true,
      interfaceAddress: "127.0.0.1",
    });
    responders.push(responder);
    responder.publish({
      type: MRP_TYPE,
      name: "Living Room",
      port: 49152,
      properties: { Name: "Living Room", UniqueIdentifier: "mrp-id" },
    });
    responder.publish({
      type: AIRPLAY_TYPE,
      name: "Living Room",
      port: 7000,
      properties: { deviceid: "AA:BB" },
    });
    responder.publish({
      type: DEVICE_INFO_TYPE,
      name: "Living Room",
      properties: { model: "J305AP" },
    });
    return responder;
  }

  it("finds a responder through the multicast group", async () => {
    const responder = await appleTv();
    expect(responder.multicast).toBe(true);
    const responses = await multicastBrowse({
      serviceTypes: SERVICE_TYPES,
      interface: "127.0.0.1",
      timeout: 1500,
    });
    expect(responses).toHaveLength(1);
    expect(responses[0]?.address).toBe("127.0.0.1");
    expect(responses[0]?.model).toBe("J305AP");
    expect(responses[0]?.deepSleep).toBe(false);
    expect(responses[0]?.services.map((s) => [s.type, s.port]).sort()).toEqual([
      [AIRPLAY_TYPE, 7000],
      [DEVICE_INFO_TYPE, 0],
      [MRP_TYPE, 49152],
    ]);
  });

  it("ends as soon as a wanted identifier answers", { timeout: 5000 }, async () => {
    await appleTv();
    const responses = await multicastBrowse({
      serviceTypes: SERVICE_TYPES,
      interface: "127.0.0.1",
      timeout: 10_000,
      identifiers: ["mrp-id"],
      identifierOf: (service) => service.properties.get("UniqueIdentifier"),
    });
    expect(responses.map((r) => r.address)).toEqual(["127.0.0.1"]);
  });

  it("ignores answers about other service types", async () => {
    await appleTv();
    const listener = await groupListener();
    const other = await boundTo("127.0.0.2");
    sockets.push(listener, other);
    listener.on("message", (data, from) => {
      if (decoded(data)?.isResponse !== false) return;
      const answer = encodeMessage({
        isResponse: true,
        answers: [
          { name: "_other._tcp.local", type: "PTR", ttl: 10, target: "X._other._tcp.local" },
        ],
        additionals: [
          {
            name: "X._other._tcp.local",
            type: "SRV",
            ttl: 10,
            priority: 0,
            weight: 0,
            port: 1,
            target: "x.local",
          },
        ],
      });
      other.send(answer, from.port, from.address);
    });
    const stats = createStats();
    const responses = await multicastBrowse({
      serviceTypes: SERVICE_TYPES,
      interface: "127.0.0.1",
      timeout: 1500,
      stats,
    });
    expect(responses.map((r) => r.address)).toEqual(["127.0.0.1"]);
    expect(stats.ignored).toBeGreaterThan(0);
  });

  it("marks a sleep proxy's answer as deep sleep and asks the proxy for the services", async () => {
    const listener = await groupListener();
    const proxy = await boundTo("127.0.0.3", 5353);
    sockets.push(listener, proxy);
    let anyQueries = 0;
    listener.on("message", (data, from) => {
      if (decoded(data)?.isResponse === false)
        proxy.send(sleepProxyResponse(), from.port, from.address);
    });
    proxy.on("message", (data, from) => {
      const query = decoded(data);
      if (query?.isResponse !== false || query.questions[0]?.type !== RecordType.ANY) return;
      anyQueries += 1;
      proxy.send(appleTvResponse({ address: "127.0.0.3" }), from.port, from.address);
    });
    const responses = await multicastBrowse({
      serviceTypes: [MRP_TYPE, AIRPLAY_TYPE],
      interface: "127.0.0.1",
      timeout: 2500,
    });
    expect(anyQueries).toBeGreaterThan(0);
    expect(responses).toHaveLength(1);
    const [response] = responses;
    expect(response?.address).toBe("127.0.0.3");
    expect(response?.deepSleep).toBe(true);
    expect(response?.model).toBe("J305AP");
    expect(response?.services.find((s) => s.type === MRP_TYPE)?.port).toBe(49152);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const browse = multicastBrowse({
      serviceTypes: SERVICE_TYPES,
      interface: "127.0.0.1",
      timeout: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(browse).rejects.toMatchObject({ name: "AbortError" });
  });

  it("answers a multicast query (from port 5353, no unicast bit) to the group", async () => {
    await appleTv();
    const first = await groupListener();
    const second = await groupListener();
    sockets.push(first, second);
    const senders: string[] = [];
    const heard = (socket: Socket) =>
      new Promise<DnsMessage>((done) =>
        socket.on("message", (data, from) => {
          const message = decoded(data);
          if (!message?.isResponse) return;
          senders.push(`${from.address}:${from.port}`);
          done(message);
        }),
      );
    const answers = Promise.all([heard(first), heard(second)]);
    first.send(
      encodeMessage({ isResponse: false, questions: [{ name: MRP_TYPE, type: RecordType.PTR }] }),
      5353,
      GROUP,
    );
    // A unicast reply would reach one of the two sockets; the group reaches both.
    const [a, b] = await answers;
    expect(a.answers[0]?.type).toBe("PTR");
    expect(b.answers[0]?.type).toBe("PTR");
    expect(a.additionals.every((r) => r.cacheFlush)).toBe(true);
    // Sent from the interface's own address and the mDNS port, not the group socket.
    expect(senders).toEqual(["127.0.0.1:5353", "127.0.0.1:5353"]);
  });

  it("takes unicast queries only at its interface address", async () => {
    const responder = await appleTv();
    expect(responder.address).toBe("127.0.0.1");
    expect(responder.port).toBe(5353);
    const client = await boundTo("127.0.0.1");
    sockets.push(client);
    const ids: number[] = [];
    const query = (id: number) =>
      encodeMessage({
        id,
        isResponse: false,
        questions: [{ name: MRP_TYPE, type: RecordType.PTR }],
      });
    const second = new Promise<void>((done) =>
      client.on("message", (data) => {
        const reply = decoded(data);
        if (reply) ids.push(reply.id);
        if (reply?.id === 2) done();
      }),
    );
    // Both land on one socket in order if it were bound to 0.0.0.0:5353; the first has no
    // taker now.
    client.send(query(1), 5353, "127.0.0.2");
    client.send(query(2), 5353, "127.0.0.1");
    await second;
    expect(ids).toEqual([2]);
    expect(responder.stats.received).toBe(1);
  });

  it("does not take another group's traffic on its port", async () => {
    const responder = await appleTv();
    // Something else on the machine has joined another group on the same port.
    const other = await boundTo("224.0.0.252", 5353);
    other.addMembership("224.0.0.252", "127.0.0.1");
    const client = await boundTo("127.0.0.1");
    client.setMulticastInterface("127.0.0.1");
    sockets.push(other, client);
    const questions = [{ name: MRP_TYPE, type: RecordType.PTR, unicastResponse: true }];
    const replies: DnsMessage[] = [];
    const answered = new Promise<void>((done) =>
      client.on("message", (data) => {
        const reply = decoded(data);
        if (reply) replies.push(reply);
        if (reply?.id === 2) done();
      }),
    );
    client.send(encodeMessage({ id: 1, isResponse: false, questions }), 5353, "224.0.0.252");
    client.send(encodeMessage({ id: 2, isResponse: false, questions }), 5353, GROUP);
    await answered;
    expect(replies.map((r) => r.id)).toEqual([2]);
    expect(responder.stats.received).toBe(1);
  });

  it("refuses a multicast responder without one interface, opening nothing", async () => {
    const before = await socketHandlesAtRest();
    const bad = [
      { multicast: true },
      { multicast: true, address: "0.0.0.0", port: 0 },
      { multicast: true, address: "10.0.0.1", interfaceAddress: "10.0.0.2" },
      { multicast: true, interfaceAddress: "lo" },
    ];
    for (const options of bad) {
      await expect(ZeroconfResponder.start(options)).rejects.toBeInstanceOf(InvalidConfigError);
    }
    expect(openSocketHandles()).toBe(before);
  });

  it("closes both of its sockets", async () => {
    const before = await socketHandlesAtRest();
    const responder = await appleTv();
    expect(openSocketHandles()).toBe(before + 2);
    await responder.close();
    await expect.poll(openSocketHandles).toBe(before);
  });

  it("refuses bad browse options with InvalidConfigError and leaves no socket open", async () => {
    const before = await socketHandlesAtRest();
    const base = { serviceTypes: SERVICE_TYPES, interface: "127.0.0.1", timeout: 100 };
    const bad = [
      { ...base, port: 0 },
      { ...base, port: 65536 },
      { ...base, port: 53.5 },
      { ...base, timeout: -1 },
      { ...base, timeout: Number.NaN },
      { ...base, timeout: Number.POSITIVE_INFINITY },
      { ...base, interface: "lo" },
      { ...base, interface: "::1" },
      { ...base, group: "127.0.0.1" },
      { ...base, group: "mdns" },
      { ...base, identifiers: ["x"] },
    ];
    for (const options of bad) {
      await expect(multicastBrowse(options)).rejects.toBeInstanceOf(InvalidConfigError);
    }
    await expect.poll(openSocketHandles).toBe(before);
  });

  it("keeps browsing through 10,000 junk datagrams, then finds the responder", {
    timeout: 30_000,
  }, async () => {
    const junk = junkDatagrams(10_000, 11);
    const listener = await groupListener();
    const hostile = await boundTo("127.0.0.2");
    sockets.push(listener, hostile);
    const stats = createStats();
    let started = false;
    const junkDone = new Promise<void>((done) =>
      listener.on("message", async (data, from) => {
        if (started || decoded(data)?.isResponse !== false) return;
        // The browse's query came from its socket: aim the junk there.
        started = true;
        let sent = 0;
        for (const datagram of junk) {
          hostile.send(datagram, from.port, from.address);
          sent += 1;
          // Keep pace with the browse so the socket buffer never overflows.
          while (stats.received < sent - 20) await tick();
        }
        done();
      }),
    );
    const browse = multicastBrowse({
      serviceTypes: SERVICE_TYPES,
      interface: "127.0.0.1",
      timeout: 20_000,
      // Ends the browse once the real device has answered every query.
      identifiers: ["mrp-id"],
      identifierOf: (service) => service.properties.get("UniqueIdentifier"),
      stats,
    });
    await junkDone;
    // Only now does the real device come up; the browse's next resend finds it.
    await appleTv();
    const responses = await browse;
    expect(stats.received).toBeGreaterThanOrEqual(10_000);
    expect(stats.malformed).toBeGreaterThan(5000);
    expect(responses).toHaveLength(1);
    const [response] = responses;
    expect(response?.address).toBe("127.0.0.1");
    expect(response?.model).toBe("J305AP");
    expect(response?.services.map((s) => [s.type, s.name, s.port]).sort()).toEqual([
      [AIRPLAY_TYPE, "Living Room", 7000],
      [DEVICE_INFO_TYPE, "Living Room", 0],
      [MRP_TYPE, "Living Room", 49152],
    ]);
  });
}
