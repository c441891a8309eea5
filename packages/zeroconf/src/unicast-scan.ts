import type { RemoteInfo, Socket } from "node:dgram";
import { NonLocalSubnetError, type ZeroconfResponse } from "@atv/interface";
import { MAX_TIMER_DELAY, scanWindow, whenAborted } from "./abort.js";
import { type DnsMessage, decodeMessage } from "./codec.js";
import {
  DEFAULT_KNOCK_DELAY,
  DEFAULT_QUERY_TIMEOUT,
  MDNS_PORT,
  RESEND_INTERVAL,
} from "./constants.js";
import { DEFAULT_KNOCK_PORTS, type Knock, knock } from "./knock.js";
import { isInLocalSubnet, type LocalInterface, systemInterfaces } from "./local-network.js";
import { type Logger, silentLogger } from "./logger.js";
import { nameKey, SLEEP_PROXY_SERVICE } from "./names.js";
import { buildResponse, isSleepProxyMessage } from "./parser.js";
import { createServiceQueries, spreadServiceTypes } from "./query.js";
import { createStats, type ZeroconfStats } from "./stats.js";
import { bindUdpSocket } from "./udp.js";
import { checkIPv4, checkPort, checkTimeout, encodeOption } from "./validate.js";

export interface UnicastScanOptions {
  /** IPv4 addresses to ask. */
  readonly hosts: readonly string[];
  /** Service types without the trailing dot, e.g. "_airplay._tcp.local". */
  readonly serviceTypes: readonly string[];
  /** Port the hosts answer mDNS on (5353): an integer 1–65535. */
  readonly port?: number;
  /** Longest wait in ms (4000), finite and ≥ 0; the scan ends once every host answered. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /** TCP ports to connect to, to wake sleeping devices; [] to skip. */
  readonly knockPorts?: readonly number[];
  /**
   * How long a host may take to answer before it is knocked on, in ms (50); 0 knocks at
   * once. A host that answered itself is awake and is not knocked on; one a sleep proxy
   * answered for is knocked on at once. Capped at half the timeout, so that a short scan
   * still knocks.
   */
  readonly knockDelay?: number;
  /** This machine's IPv4 interfaces, to tell local hosts from others. */
  readonly localInterfaces?: () => readonly LocalInterface[];
  readonly logger?: Logger;
  /** Counters to update with what was received; see ZeroconfStats. */
  readonly stats?: ZeroconfStats;
}

/** What one host has answered so far. */
class HostProbe {
  readonly messages: DnsMessage[] = [];
  /** Whether a Bonjour Sleep Proxy answered for the host (see isSleepProxyAnswer). */
  asleep = false;
  /** Whether the host has been knocked on. */
  knocked = false;
  readonly #answered = new Set<number>();
  #unmatched = 0;

  constructor(
    readonly host: string,
    readonly queryKeys: ReadonlyMap<string, number>,
  ) {}

  /**
   * pyatv counts one answer per query packet. Answers to our (legacy unicast) queries
   * repeat the questions (RFC 6762 §6.7), so such an answer counts once for the query
   * it repeats, and a resent query answered twice is not counted twice.
   */
  add(message: DnsMessage): void {
    this.messages.push(message);
    if (isSleepProxyMessage(message)) this.asleep = true;
    const index = this.queryKeys.get(questionKey(message.questions.map((q) => q.name)));
    if (index === undefined) this.#unmatched += 1;
    else this.#answered.add(index);
  }

  get complete(): boolean {
    return this.#answered.size + this.#unmatched >= this.queryKeys.size;
  }
}

function questionKey(names: readonly string[]): string {
  return names.map(nameKey).join("|");
}

function queryKeys(serviceTypes: readonly string[]): Map<string, number> {
  const keys = new Map<string, number>();
  spreadServiceTypes(serviceTypes).forEach((chunk, index) => {
    keys.set(questionKey([...chunk, SLEEP_PROXY_SERVICE]), index);
  });
  return keys;
}

function nonLocalError(host: string): NonLocalSubnetError {
  return new NonLocalSubnetError(
    `${host} is in no local subnet and did not answer: devices ignore unicast mDNS ` +
      "queries from outside their own subnet (RFC 6762 §5.5); scan from that network " +
      "or use a multicast scan there",
  );
}

/**
 * Asks each host directly (unicast to port 5353) for the given service types, as pyatv's
 * unicast scanner does: send the query packets, knock on the TCP ports of hosts that stay
 * silent or that a sleep proxy answers for, to wake them, resend every second until every
 * host has answered every packet or the timeout passes. Hosts that answered nothing are
 * left out. Rejects with NonLocalSubnetError if a host outside every local subnet gave no
 * answer, and with the signal's reason if `signal` aborts.
 */
export async function unicastScan(options: UnicastScanOptions): Promise<ZeroconfResponse[]> {
  options.signal?.throwIfAborted();
  // Every option is checked before the socket exists: nothing below may throw on one.
  const hosts = [...new Set(options.hosts)];
  for (const host of hosts) checkIPv4("a host", host);
  const port = checkPort("port", options.port ?? MDNS_PORT);
  const timeout = checkTimeout(options.timeout ?? DEFAULT_QUERY_TIMEOUT);
  const knockPorts = options.knockPorts ?? DEFAULT_KNOCK_PORTS;
  for (const knockPort of knockPorts) checkPort("a knock port", knockPort);
  const knockDelay = Math.min(
    checkTimeout(options.knockDelay ?? DEFAULT_KNOCK_DELAY, "knockDelay"),
    timeout / 2,
    MAX_TIMER_DELAY,
  );
  const logger = options.logger ?? silentLogger;
  const stats = options.stats ?? createStats();
  const queries = encodeOption("the service types", () =>
    createServiceQueries(options.serviceTypes),
  );
  if (queries.length === 0 || hosts.length === 0) return [];
  const keys = queryKeys(options.serviceTypes);
  const probes = new Map(hosts.map((host) => [host, new HostProbe(host, keys)]));

  const window = scanWindow(timeout, options.signal);
  const socket = await bindUdpSocket({ address: "0.0.0.0", port: 0 }).catch((error: unknown) => {
    window.clear();
    throw error;
  });
  const knocks: Knock[] = [];
  let resend: ReturnType<typeof setInterval> | undefined;
  let knockTimer: ReturnType<typeof setTimeout> | undefined;
  const knockOn = (probe: HostProbe): void => {
    if (probe.knocked || knockPorts.length === 0) return;
    probe.knocked = true;
    knocks.push(knock(probe.host, knockPorts, logger));
  };
  try {
    socket.on("message", (data: Buffer, from: RemoteInfo) => {
      stats.received += 1;
      const probe = probes.get(from.address);
      if (!probe || from.port !== port) {
        stats.ignored += 1;
        return;
      }
      const decoded = decodeMessage(data);
      if (!decoded.ok) {
        stats.malformed += 1;
        logger.debug("dropped malformed answer from %s: %s", from.address, decoded.error.message);
        return;
      }
      if (!decoded.message.isResponse) {
        stats.ignored += 1;
        return;
      }
      probe.add(decoded.message);
      // A sleep proxy answering for the host: knocking on it wakes the device behind.
      if (probe.asleep) knockOn(probe);
      if ([...probes.values()].every((p) => p.complete)) window.finish();
    });
    socket.on("error", (error) => logger.debug("unicast scan socket error: %s", error.message));

    const sendQueries = () => sendToPending(socket, probes, queries, port, logger);
    sendQueries();
    // pyatv knocks on every host before it asks. The knock only wakes a device that sleeps
    // behind a Bonjour Sleep Proxy: a host that stays silent, or one whose answers come
    // from such a proxy (above). A device that answers itself is awake, and knocking on it
    // cost its scan milliseconds (four TCP connections both ends handle while the answers
    // wait). The delay is nothing next to the seconds a device takes to wake, and a woken
    // host answers a resend.
    if (knockPorts.length > 0) {
      knockTimer = setTimeout(() => {
        for (const probe of probes.values()) if (probe.messages.length === 0) knockOn(probe);
      }, knockDelay);
    }
    resend = setInterval(sendQueries, RESEND_INTERVAL);
    await whenAborted(window.signal);
  } finally {
    window.clear();
    clearInterval(resend);
    clearTimeout(knockTimer);
    for (const k of knocks) k.stop();
    socket.close();
  }
  options.signal?.throwIfAborted();

  // The interface list is read only when a host stayed silent (it costs a system call).
  const silentHosts = hosts.filter((host) => probes.get(host)?.messages.length === 0);
  if (silentHosts.length > 0) {
    const interfaces = (options.localInterfaces ?? systemInterfaces)();
    const nonLocal = silentHosts.find((host) => !isInLocalSubnet(host, interfaces));
    if (nonLocal !== undefined) throw nonLocalError(nonLocal);
  }
  return [...probes.values()]
    .filter((probe) => probe.messages.length > 0)
    .map((probe) => buildResponse(probe.host, probe.messages, probe.asleep));
}

function sendToPending(
  socket: Socket,
  probes: ReadonlyMap<string, HostProbe>,
  queries: readonly Uint8Array[],
  port: number,
  logger: Logger,
): void {
  for (const probe of probes.values()) {
    if (probe.complete) continue;
    for (const query of queries) {
      socket.send(query, port, probe.host, (error) => {
        if (error) logger.debug("could not send query to %s: %s", probe.host, error.message);
      });
    }
  }
}
