import type { RemoteInfo, Socket } from "node:dgram";
import { InvalidConfigError, type ZeroconfResponse, type ZeroconfService } from "@atv/interface";
import { scanWindow, whenAborted } from "./abort.js";
import { openBrowseSockets } from "./browse-sockets.js";
import { type DnsMessage, decodeMessage } from "./codec.js";
import { DEFAULT_QUERY_TIMEOUT, MDNS_GROUP, MDNS_PORT, RESEND_INTERVAL } from "./constants.js";
import { type LocalInterface, systemInterfaces } from "./local-network.js";
import { type Logger, silentLogger } from "./logger.js";
import { DEVICE_INFO_SERVICE, nameKey, SLEEP_PROXY_SERVICE } from "./names.js";
import { buildResponse, isSleepProxyAnswer, parseServices } from "./parser.js";
import { createServiceQueries } from "./query.js";
import { createStats, type ZeroconfStats } from "./stats.js";
import {
  checkIPv4,
  checkMulticastGroup,
  checkPort,
  checkTimeout,
  encodeOption,
} from "./validate.js";
import { RecordType } from "./wire.js";

export interface MulticastBrowseOptions {
  /** Service types without the trailing dot, e.g. "_airplay._tcp.local". */
  readonly serviceTypes: readonly string[];
  /** How long to collect answers, in ms (4000), finite and ≥ 0. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /** End as soon as a host's complete answer has a service with one of these identifiers. */
  readonly identifiers?: readonly string[];
  /** The identifier a service carries (protocol-specific); needed with `identifiers`. */
  readonly identifierOf?: (service: ZeroconfService) => string | undefined;
  /** Port of the multicast group (5353): an integer 1–65535. */
  readonly port?: number;
  /**
   * IPv4 address of the one interface to send on and bind to. Without it the browse
   * sends on every non-loopback, non-link-local address of `localInterfaces`, or, if
   * there is none, on the system's choice of interface.
   */
  readonly interface?: string;
  /** This machine's IPv4 interfaces (systemInterfaces); read when `interface` is not set. */
  readonly localInterfaces?: () => readonly LocalInterface[];
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
  /** The socket its last answer came in on, which reaches it. */
  via: Socket;
}

/**
 * Asks the mDNS multicast group for the given service types, resending every second, and
 * collects the answers grouped by source address, as pyatv's multicast scanner does.
 * Answers that mention other service types are ignored. A source answering as a Bonjour
 * Sleep Proxy (services without ports) is marked deepSleep and asked directly for its
 * services with ANY queries. Our queries come from an ephemeral port, so responders
 * answer by unicast (RFC 6762 §6.7) and no socket on 5353 is needed. Without `interface`
 * the queries go out on every interface (see openBrowseSockets). Throws
 * InvalidConfigError for a bad option before any socket is opened.
 */
export async function multicastBrowse(
  options: MulticastBrowseOptions,
): Promise<ZeroconfResponse[]> {
  options.signal?.throwIfAborted();
  // Every option is checked before a socket exists: nothing below may throw on one.
  if (options.identifiers?.length && !options.identifierOf) {
    throw new InvalidConfigError("identifiers need an identifierOf function");
  }
  const port = checkPort("port", options.port ?? MDNS_PORT);
  const group = checkMulticastGroup(options.group ?? MDNS_GROUP);
  const timeout = checkTimeout(options.timeout ?? DEFAULT_QUERY_TIMEOUT);
  if (options.interface !== undefined) checkIPv4("interface", options.interface);
  const logger = options.logger ?? silentLogger;
  const stats = options.stats ?? createStats();
  const queries = encodeOption("the service types", () =>
    createServiceQueries(options.serviceTypes),
  );
  const wanted = new Set(
    [...options.serviceTypes, DEVICE_INFO_SERVICE, SLEEP_PROXY_SERVICE].map(nameKey),
  );
  const identifiers = new Set(options.identifiers ?? []);
  let responders = new Map<string, Responder>();
  const window = scanWindow(timeout, options.signal);

  const matchesIdentifier = (response: ZeroconfResponse) =>
    identifiers.size > 0 &&
    response.services.some((s) => {
      const id = options.identifierOf?.(s);
      return id !== undefined && identifiers.has(id);
    });

  const onMessage = (socket: Socket, data: Buffer, from: RemoteInfo) => {
    stats.received += 1;
    const decoded = decodeMessage(data);
    if (!decoded.ok) {
      stats.malformed += 1;
      logger.debug("dropped malformed answer from %s: %s", from.address, decoded.error.message);
      return;
    }
    try {
      collect(socket, decoded.message, from);
    } catch (error) {
      // A throw here would escape from the socket's event handler and end the process:
      // an answer that cannot be used (or a throwing identifierOf) only loses that answer.
      stats.malformed += 1;
      logger.debug("could not use answer from %s: %s", from.address, String(error));
    }
  };

  const collect = (socket: Socket, message: DnsMessage, from: RemoteInfo) => {
    const services = message.isResponse ? parseServices([message]) : [];
    if (services.length === 0 || services.some((s) => !wanted.has(nameKey(s.type)))) {
      stats.ignored += 1;
      return;
    }
    let responder = responders.get(from.address);
    if (!responder) {
      responder = { count: 0, messages: [], wakeQueries: undefined, via: socket };
      responders.set(from.address, responder);
    }
    responder.via = socket;
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

  const sockets = await openBrowseSockets({
    interface: options.interface,
    localInterfaces: options.localInterfaces ?? systemInterfaces,
    logger,
  }).catch((error: unknown) => {
    window.clear();
    throw error;
  });
  let resend: ReturnType<typeof setInterval> | undefined;
  try {
    for (const socket of sockets) {
      socket.on("message", (data, from) => onMessage(socket, data, from));
      socket.on("error", (error) =>
        logger.debug("multicast browse socket error: %s", error.message),
      );
    }
    const send = () => sendQueries(sockets, queries, group, port, responders, logger);
    send();
    resend = setInterval(send, RESEND_INTERVAL);
    await whenAborted(window.signal);
  } finally {
    window.clear();
    clearInterval(resend);
    for (const socket of sockets) socket.close();
  }
  options.signal?.throwIfAborted();
  return [...responders].map(([address, r]) => buildResponse(address, r.messages));
}

function sendQueries(
  sockets: readonly Socket[],
  queries: readonly Uint8Array[],
  group: string,
  port: number,
  responders: ReadonlyMap<string, Responder>,
  logger: Logger,
): void {
  const send = (socket: Socket, packet: Uint8Array, address: string) =>
    socket.send(packet, port, address, (error) => {
      if (error) logger.debug("could not send query to %s: %s", address, error.message);
    });
  for (const socket of sockets) {
    for (const query of queries) send(socket, query, group);
  }
  for (const [address, responder] of responders) {
    for (const query of responder.wakeQueries ?? []) send(responder.via, query, address);
  }
}
