import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { setImmediate as tick } from "node:timers/promises";
import { InvalidConfigError, NonLocalSubnetError, type ZeroconfResponse } from "@atv/interface";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loopbackUdpSocket } from "../../../scripts/udp-test-support.js";
import { decodeMessage } from "./codec.js";
import { ZeroconfResponder } from "./responder.js";
import { createStats } from "./stats.js";
import {
  AIRPLAY_TYPE,
  DEVICE_INFO_TYPE,
  junkDatagrams,
  MRP_TYPE,
  openSocketHandles,
  sleepProxyResponse,
  socketHandlesAtRest,
} from "./test-fixtures.js";
import { type UnicastScanOptions, unicastScan } from "./unicast-scan.js";

const RAOP_TYPE = "_raop._tcp.local";
// Two query packets: [MRP, AirPlay, Companion, RAOP] and [RAOP, _device-info].
const SERVICE_TYPES = [
  MRP_TYPE,
  AIRPLAY_TYPE,
  "_companion-link._tcp.local",
  RAOP_TYPE,
  DEVICE_INFO_TYPE,
];
const NO_LOOPBACK = () => [{ address: "192.168.1.2", netmask: "255.255.255.0" }];

async function fakeAppleTv(): Promise<ZeroconfResponder> {
  const responder = await ZeroconfResponder.start({ address: "127.0.0.1", port: 0 });
  responder.publish({
    type: MRP_TYPE,
    name: "Living Room",
    port: 49152,
    properties: { Name: "Living Room", UniqueIdentifier: "mrp-id", SystemBuildVersion: "18M60" },
  });
  responder.publish({
    type: AIRPLAY_TYPE,
    name: "Living Room",
    port: 7000,
    properties: { deviceid: "AA:BB:CC:DD:EE:FF", model: "AppleTV6,2", features: "0x5A7FFFF7,0x1E" },
  });
  responder.publish({ type: RAOP_TYPE, name: "AABBCCDDEEFF@Living Room", port: 7000 });
  responder.publish({
    type: DEVICE_INFO_TYPE,
    name: "Living Room",
    properties: { model: "J305AP" },
  });
  return responder;
}

function expectLivingRoom(responses: ZeroconfResponse[]): void {
  expect(responses).toHaveLength(1);
  const [response] = responses;
  expect(response?.address).toBe("127.0.0.1");
  expect(response?.model).toBe("J305AP");
  expect(response?.deepSleep).toBe(false);
  const services = response?.services.map((s) => [s.type, s.name, s.port, s.address]);
  expect(services).toEqual(
    expect.arrayContaining([
      [MRP_TYPE, "Living Room", 49152, "127.0.0.1"],
      [AIRPLAY_TYPE, "Living Room", 7000, "127.0.0.1"],
      [RAOP_TYPE, "AABBCCDDEEFF@Living Room", 7000, "127.0.0.1"],
      [DEVICE_INFO_TYPE, "Living Room", 0, undefined],
    ]),
  );
  expect(services).toHaveLength(4);
  const mrp = response?.services.find((s) => s.type === MRP_TYPE);
  expect(mrp?.properties.get("uniqueidentifier")).toBe("mrp-id");
}

/** A TCP server that counts the connections made to it (knocks). */
async function countingServer(): Promise<{
  port: number;
  connections(): number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("server has no port");
  return {
    port: address.port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A unicast scan of 127.0.0.1 for SERVICE_TYPES, answered (or not) on `port`. */
function scanLoopback(port: number, options: Partial<UnicastScanOptions>) {
  return unicastScan({ hosts: ["127.0.0.1"], serviceTypes: SERVICE_TYPES, port, ...options });
}

describe("unicastScan", () => {
  let device: ZeroconfResponder;

  beforeEach(async () => {
    device = await fakeAppleTv();
  });

  afterEach(async () => {
    await device.close();
  });

  it("returns as soon as every query is answered, well before the timeout", {
    timeout: 5000,
  }, async () => {
    // The scan window is 10 s and the test may only take 5: ending early is the behaviour.
    const responses = await unicastScan({
      hosts: ["127.0.0.1"],
      serviceTypes: SERVICE_TYPES,
      port: device.port,
      timeout: 10_000,
      knockPorts: [],
    });
    expectLivingRoom(responses);
  });

  it("leaves out a host that does not answer", async () => {
    const responses = await unicastScan({
      hosts: ["127.0.0.1", "127.0.0.2"],
      serviceTypes: SERVICE_TYPES,
      port: device.port,
      timeout: 1500,
      knockPorts: [],
    });
    expectLivingRoom(responses);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const scan = unicastScan({
      hosts: ["127.0.0.2"],
      serviceTypes: SERVICE_TYPES,
      port: device.port,
      timeout: 10_000,
      signal: controller.signal,
      knockPorts: [],
    });
    setTimeout(() => controller.abort(), 100);
    await expect(scan).rejects.toMatchObject({ name: "AbortError" });
    await expect(
      unicastScan({
        hosts: ["127.0.0.1"],
        serviceTypes: SERVICE_TYPES,
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects with NonLocalSubnetError for a silent host outside every local subnet", async () => {
    const scan = unicastScan({
      hosts: ["127.0.0.5"],
      serviceTypes: SERVICE_TYPES,
      port: device.port,
      timeout: 500,
      knockPorts: [],
      localInterfaces: NO_LOOPBACK,
    });
    await expect(scan).rejects.toBeInstanceOf(NonLocalSubnetError);
    await expect(scan).rejects.toThrow(/127\.0\.0\.5.*RFC 6762 §5\.5/);
  });

  it("returns a host outside every local subnet that does answer", async () => {
    const responses = await unicastScan({
      hosts: ["127.0.0.1"],
      serviceTypes: SERVICE_TYPES,
      port: device.port,
      timeout: 10_000,
      knockPorts: [],
      localInterfaces: NO_LOOPBACK,
    });
    expectLivingRoom(responses);
  });

  it("does not knock on a host that answers before the knock delay", async () => {
    const knockServer = await countingServer();
    const responses = await scanLoopback(device.port, {
      timeout: 10_000,
      knockDelay: 5_000,
      knockPorts: [knockServer.port],
    });
    expectLivingRoom(responses);
    // A knock would have connected by now; none was made.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(knockServer.connections()).toBe(0);
    await knockServer.close();
  });

  it("knocks on a host that stays silent, and the knock does not hold the scan up", async () => {
    const knockServer = await countingServer();
    // Takes the queries and answers none, as a device asleep behind a sleep proxy.
    const silent = await loopbackUdpSocket();
    let queries = 0;
    silent.on("message", () => {
      queries += 1;
    });
    const responses = await scanLoopback(silent.address().port, {
      timeout: 400,
      knockDelay: 0,
      // Port 1 refuses: a failed knock is no failure of the scan.
      knockPorts: [knockServer.port, 1],
    });
    expect(responses).toEqual([]);
    expect(queries).toBeGreaterThan(0);
    await expect.poll(() => knockServer.connections()).toBe(1);
    silent.close();
    await knockServer.close();
  });

  it("knocks at once on a host a sleep proxy answers for, and says it sleeps", async () => {
    const knockServer = await countingServer();
    const proxy = await loopbackUdpSocket();
    proxy.on("message", (_query, from) =>
      proxy.send(sleepProxyResponse(), from.port, from.address),
    );
    const responses = await scanLoopback(proxy.address().port, {
      timeout: 10_000,
      knockDelay: 60_000,
      knockPorts: [knockServer.port],
    });
    expect(responses).toHaveLength(1);
    expect(responses[0]?.deepSleep).toBe(true);
    await expect.poll(() => knockServer.connections()).toBe(1);
    proxy.close();
    await knockServer.close();
  });

  it("knocks within a scan shorter than the knock delay", async () => {
    const knockServer = await countingServer();
    const silent = await loopbackUdpSocket();
    await scanLoopback(silent.address().port, {
      timeout: 100,
      knockDelay: 60_000,
      knockPorts: [knockServer.port],
    });
    await expect.poll(() => knockServer.connections()).toBe(1);
    silent.close();
    await knockServer.close();
  });

  it("refuses hosts that are not IPv4 addresses", async () => {
    await expect(
      unicastScan({ hosts: ["apple-tv.local"], serviceTypes: SERVICE_TYPES }),
    ).rejects.toBeInstanceOf(InvalidConfigError);
  });
});

describe("unicastScan options", () => {
  const base = { hosts: ["127.0.0.1"], serviceTypes: SERVICE_TYPES, knockPorts: [], timeout: 100 };

  it.each([
    ["port 0", { port: 0 }],
    ["port -1", { port: -1 }],
    ["port 65536", { port: 65_536 }],
    ["a fractional port", { port: 5353.5 }],
    ["a NaN port", { port: Number.NaN }],
    ["a negative timeout", { timeout: -1 }],
    ["a NaN timeout", { timeout: Number.NaN }],
    ["an infinite timeout", { timeout: Number.POSITIVE_INFINITY }],
    ["knock port 0", { knockPorts: [0] }],
    ["knock port 70000", { knockPorts: [3689, 70_000] }],
    ["a fractional knock port", { knockPorts: [1.5] }],
    ["a negative knock delay", { knockDelay: -1 }],
    ["a NaN knock delay", { knockDelay: Number.NaN }],
    ["a host name", { hosts: ["apple-tv.local"] }],
    ["an IPv6 host", { hosts: ["::1"] }],
    ["a bad IPv4 host", { hosts: ["127.0.0.1", "300.1.2.3"] }],
  ])("refuses %s with InvalidConfigError and leaves no socket open", async (_, bad) => {
    const before = await socketHandlesAtRest();
    await expect(unicastScan({ ...base, ...bad })).rejects.toBeInstanceOf(InvalidConfigError);
    await expect.poll(openSocketHandles).toBe(before);
  });

  it("takes a fractional timeout and one too long for Node's timers", async () => {
    const device = await fakeAppleTv();
    for (const timeout of [10_000.5, 2 ** 31, 2 ** 40]) {
      const responses = await unicastScan({ ...base, port: device.port, timeout });
      expectLivingRoom(responses);
    }
    await device.close();
  });
});

describe("unicastScan under hostile traffic", () => {
  it("survives 10,000 junk datagrams from the host it asks, then gets its answers", {
    timeout: 30_000,
  }, async () => {
    // Junk that decodes as a response would count as an answer and end the scan early,
    // so the hostile host sends only what is malformed or a query.
    const junk = junkDatagrams(16_000).filter((datagram) => {
      const decoded = decodeMessage(datagram);
      return !decoded.ok || !decoded.message.isResponse;
    });
    expect(junk.length).toBeGreaterThanOrEqual(10_000);
    const device = await fakeAppleTv();
    const hostile = await loopbackUdpSocket();
    // The real device's answers reach the scanner through the hostile host's port.
    const relay = await loopbackUdpSocket();
    const stats = createStats();
    let scanner: { port: number } | undefined;
    let junkDone = false;
    const queries: Buffer[] = [];
    relay.on("message", (answer) => {
      if (scanner) hostile.send(answer, scanner.port, "127.0.0.1");
    });
    const relayQuery = (query: Buffer) => relay.send(query, device.port, "127.0.0.1");

    hostile.on("message", async (query, from) => {
      if (junkDone) return relayQuery(query);
      queries.push(query);
      if (scanner) return;
      scanner = { port: from.port };
      let sent = 0;
      for (const datagram of junk.slice(0, 10_000)) {
        hostile.send(datagram, from.port, "127.0.0.1");
        sent += 1;
        // Keep pace with the scanner so the socket buffer never overflows.
        while (stats.received < sent - 20) await tick();
      }
      junkDone = true;
      for (const q of queries) relayQuery(q);
    });
    const responses = await unicastScan({
      hosts: ["127.0.0.1"],
      serviceTypes: SERVICE_TYPES,
      port: hostile.address().port,
      timeout: 20_000,
      knockPorts: [],
      stats,
    });
    expectLivingRoom(responses);
    expect(stats.received).toBeGreaterThanOrEqual(10_000);
    expect(stats.malformed + stats.ignored).toBeGreaterThanOrEqual(10_000);
    expect(stats.malformed).toBeGreaterThan(5000);
    hostile.close();
    relay.close();
    await device.close();
  });

  it("keeps a responder answering after 10,000 junk datagrams", { timeout: 30_000 }, async () => {
    const device = await fakeAppleTv();
    const sender = await loopbackUdpSocket();
    let sent = 0;
    for (const datagram of junkDatagrams(10_000, 7)) {
      sender.send(datagram, device.port, "127.0.0.1");
      sent += 1;
      while (device.stats.received < sent - 20) await tick();
    }
    await expect.poll(() => device.stats.received, { timeout: 5000 }).toBe(10_000);
    expect(device.stats.malformed).toBeGreaterThan(1000);
    sender.close();

    const responses = await unicastScan({
      hosts: ["127.0.0.1"],
      serviceTypes: SERVICE_TYPES,
      port: device.port,
      timeout: 10_000,
      knockPorts: [],
    });
    expectLivingRoom(responses);
    await device.close();
  });
});

describe("answers as the scan counts them", () => {
  it("counts a repeated answer to the same query once", async () => {
    // A host that answers only the first packet, twice, must not look complete.
    const host = await loopbackUdpSocket();
    const device = await fakeAppleTv();
    let firstPacketSeen = 0;
    host.on("message", (query, from) => {
      const decoded = decodeMessage(query);
      if (!decoded.ok || decoded.message.questions[0]?.name !== MRP_TYPE) return;
      firstPacketSeen += 1;
      const relay = createSocket("udp4");
      relay.on("message", (answer) => {
        host.send(answer, from.port, from.address);
        host.send(answer, from.port, from.address);
        relay.close();
      });
      relay.send(query, device.port, "127.0.0.1");
    });
    const responses = await unicastScan({
      hosts: ["127.0.0.1"],
      serviceTypes: SERVICE_TYPES,
      port: host.address().port,
      timeout: 2500,
      knockPorts: [],
    });
    // Still incomplete after the double answer, so the queries were sent again.
    expect(firstPacketSeen).toBeGreaterThanOrEqual(2);
    expect(responses[0]?.services.some((s) => s.type === MRP_TYPE)).toBe(true);
    host.close();
    await device.close();
  });
});
