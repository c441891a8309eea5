import type { RemoteInfo, Socket } from "node:dgram";
import { InvalidConfigError, type ZeroconfResponse, type ZeroconfService } from "@atv/interface";
import { scanWindow, whenAborted } from "./abort.js";
import { type DnsMessage, decodeMessage } from "./codec.js";
import { DEFAULT_SCAN_TIMEOUT, MDNS_GROUP, MDNS_PORT, RESEND_INTERVAL } from "./constants.js";
import { type Logger, silentLogger } from "./logger.js";
import { DEVICE_INFO_SERVICE, nameKey, SLEEP_PROXY_SERVICE } from "./names.js";
import { buildResponse, isSleepProxyAnswer, parseServices } from "./parser.js";
import { createServiceQueries } from "./query.js";
import { createStats, type ZeroconfStats } from "./stats.js";
import { bindUdpSocket } from "./udp.js";
import { RecordType } from "./wire.js";

/** RFC 6762 §11: mDNS packets go out with IP TTL 255. */
const MULTICAST_TTL = 255;

export interface MulticastBrowseOptions {
  /** Service types without the trailing dot, e.g. "_airplay._tcp.local". */
  readonly serviceTypes: readonly string[];
  /** How long to collect answers, in ms (4000). */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /** End as soon as a host's complete answer has a service with one of these identifiers. */
  readonly identifiers?: readonly string[];
  /** The identifier a service carries (protocol-specific); needed with `identifiers`. */
  readonly identifierOf?: (service: ZeroconfService) => string | undefined;
  /** Port of the multicast group (5353). */
  readonly port?: number;
  /** Address of the interface to send on and bind to; the system's choice by default. */
  readonly interface?: string;
  /** Multicast group to ask (224.0.0.251). */
  readonly group?: string;
  readonly logger?: Logger;
  readonly stats?: ZeroconfStats;
}

/** What one source address has answered. */
interface Responder {
  count: number;
  readonly messages: DnsMessage[];
  /** ANY queries to send it directly while it answers as a sleep proxy. */
  wakeQueries: Uint8Array[] | undefined;
}

/**
 * Asks the mDNS multicast group for the given service types, resending every second, and
 * collects the answers grouped by source address, as pyatv's multicast scanner does.
 * Answers that mention other service types are ignored. A source answering as a Bonjour
 * Sleep Proxy (services without ports) is marked deepSleep and asked directly for its
 * services with ANY queries. Our queries come from an ephemeral port, so responders
 * answer by unicast (RFC 6762 §6.7) and no socket on 5353 is needed.
 */
export async function multicastBrowse(
  options: MulticastBrowseOptions,
): Promise<ZeroconfResponse[]> {
  options.signal?.throwIfAborted();
  if (options.identifiers?.length && !options.identifierOf) {
    throw new InvalidConfigError("identifiers need an identifierOf function");
  }
  const port = options.port ?? MDNS_PORT;
  const group = options.group ?? MDNS_GROUP;
  const logger = options.logger ?? silentLogger;
  const stats = options.stats ?? createStats();
  const queries = createServiceQueries(options.serviceTypes);
  const wanted = new Set(
    [...options.serviceTypes, DEVICE_INFO_SERVICE, SLEEP_PROXY_SERVICE].map(nameKey),
  );
  const identifiers = new Set(options.identifiers ?? []);
  let responders = new Map<string, Responder>();

  const window = scanWindow(options.timeout ?? DEFAULT_SCAN_TIMEOUT, options.signal);
  const socket = await bindUdpSocket({ address: options.interface ?? "0.0.0.0", port: 0 });
  socket.setMulticastTTL(MULTICAST_TTL);
  socket.setMulticastLoopback(true);
  if (options.interface) socket.setMulticastInterface(options.interface);

  const matchesIdentifier = (response: ZeroconfResponse) =>
    identifiers.size > 0 &&
    response.services.some((s) => {
      const id = options.identifierOf?.(s);
      return id !== undefined && identifiers.has(id);
    });

  const onMessage = (data: Buffer, from: RemoteInfo) => {
    stats.received += 1;
    const decoded = decodeMessage(data);
    if (!decoded.ok) {
      stats.malformed += 1;
      logger.debug("dropped malformed answer from %s: %s", from.address, decoded.error.message);
      return;
    }
    const message = decoded.message;
    const services = message.isResponse ? parseServices([message]) : [];
    if (services.length === 0 || services.some((s) => !wanted.has(nameKey(s.type)))) {
      stats.ignored += 1;
      return;
    }
    let responder = responders.get(from.address);
    if (!responder) {
      responder = { count: 0, messages: [], wakeQueries: undefined };
      responders.set(from.address, responder);
    }
    responder.count += 1;
    responder.messages.push(message);
    if (isSleepProxyAnswer(services)) {
      // pyatv asks the proxy for the instances it named, to get their full records.
      const instances = services.map((s) => `${s.name}.${s.type}`);
      responder.wakeQueries = createServiceQueries(instances, RecordType.ANY);
    } else if (responder.count >= queries.length) {
      const response = buildResponse(from.address, responder.messages);
      if (matchesIdentifier(response)) {
        responders = new Map([[from.address, responder]]);
        window.finish();
      }
    }
  };
  socket.on("message", onMessage);
  socket.on("error", (error) => logger.debug("multicast browse socket error: %s", error.message));

  const send = () => sendQueries(socket, queries, group, port, responders, logger);
  send();
  const resend = setInterval(send, RESEND_INTERVAL);
  try {
    await whenAborted(window.signal);
  } finally {
    clearInterval(resend);
    socket.close();
  }
  options.signal?.throwIfAborted();
  return [...responders].map(([address, r]) => buildResponse(address, r.messages));
}

function sendQueries(
  socket: Socket,
  queries: readonly Uint8Array[],
  group: string,
  port: number,
  responders: ReadonlyMap<string, Responder>,
  logger: Logger,
): void {
  const send = (packet: Uint8Array, address: string) =>
    socket.send(packet, port, address, (error) => {
      if (error) logger.debug("could not send query to %s: %s", address, error.message);
    });
  for (const query of queries) send(query, group);
  for (const [address, responder] of responders) {
    for (const query of responder.wakeQueries ?? []) send(query, address);
  }
}
