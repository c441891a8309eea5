import type { RemoteInfo, Socket } from "node:dgram";
import { isIPv4 } from "node:net";
import { InvalidConfigError, type ZeroconfService } from "@atv/interface";
import {
  type DnsMessage,
  type DnsRecord,
  decodeMessage,
  encodeMessage,
  wireName,
} from "./codec.js";
import { MDNS_GROUP, MDNS_PORT } from "./constants.js";
import {
  isInLocalSubnet,
  isLinkLocal,
  isLoopback,
  type LocalInterface,
  systemInterfaces,
} from "./local-network.js";
import { type Logger, silentLogger } from "./logger.js";
import { splitServiceName } from "./names.js";
import { parseServices } from "./parser.js";
import { answerQuestions, type PublishedService } from "./responder-answers.js";
import { createStats, type ZeroconfStats } from "./stats.js";
import { encodeTxt } from "./txt.js";
import { bindUdpSocket } from "./udp.js";
import { checkIPv4, checkMulticastGroup, checkPort } from "./validate.js";

export interface ResponderOptions {
  /**
   * Address to bind to ("0.0.0.0"). On a loopback address the responder never multicasts;
   * with `multicast` it only picks the interface when `interfaceAddress` is not set.
   */
  readonly address?: string;
  /** The mDNS port (5353); 0 picks a free one, read it from `port` after start. */
  readonly port?: number;
  /** Join the mDNS group and multicast answers (false). Ignored on a loopback address. */
  readonly multicast?: boolean;
  /**
   * With `multicast`: the IPv4 address of the one interface the responder lives on (it
   * joins the group there, answers there, and takes unicast queries to this address).
   * Needed unless `address` is a specific address.
   */
  readonly interfaceAddress?: string;
  readonly group?: string;
  /** This machine's IPv4 interfaces (systemInterfaces), for the netmask of the interface. */
  readonly localInterfaces?: () => readonly LocalInterface[];
  readonly logger?: Logger;
}

export interface PublishOptions {
  /** Service type without trailing dot, e.g. "_mediaremotetv._tcp.local". */
  readonly type: string;
  /** Instance name, e.g. "Living Room". */
  readonly name: string;
  /** Service port; leave out for a TXT-only service such as _device-info._tcp.local. */
  readonly port?: number;
  /** Host name the SRV record points to; "<name>.local" (spaces as dashes) by default. */
  readonly host?: string;
  /** IPv4 address for the host's A record; the responder's own address by default. */
  readonly address?: string;
  readonly properties?: Readonly<Record<string, string | Uint8Array>>;
}

/** An mDNS response the responder received unasked: another host announcing its services. */
export interface ReceivedAnnouncement {
  /** Where the datagram came from. */
  readonly from: { readonly address: string; readonly port: number };
  /** The services its records describe (parseServices). */
  readonly services: readonly ZeroconfService[];
  /** True when every answer has TTL 0: the host withdraws these records (RFC 6762 §10.1). */
  readonly goodbye: boolean;
  readonly message: DnsMessage;
}

/** RFC 6762 §6.7: answers to legacy unicast queries carry TTLs of at most 10 seconds. */
const LEGACY_UNICAST_TTL = 10;
/** Response with the authoritative-answer bit (RFC 6762 §18.4). */
const RESPONSE_FLAGS = 0x0400;
const MAX_NAME_BYTES = 255;

function defaultHost(name: string): string {
  return `${name.replace(/[\s.]+/g, "-")}.local`;
}

function validated(options: PublishOptions, fallbackAddress: string | undefined): PublishedService {
  const split = splitServiceName(options.type);
  if (!split || split.instance !== undefined) {
    throw new InvalidConfigError(`not a service type: ${options.type}`);
  }
  if (options.name.length === 0) throw new InvalidConfigError("empty instance name");
  const port = options.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 0xffff)) {
    throw new InvalidConfigError(`bad port: ${port}`);
  }
  if (options.address !== undefined && !isIPv4(options.address)) {
    throw new InvalidConfigError(`not an IPv4 address: ${options.address}`);
  }
  let txt: Uint8Array[];
  try {
    txt = encodeTxt(options.properties ?? {});
  } catch (cause) {
    throw new InvalidConfigError(`properties of ${options.name} do not fit a TXT record`, {
      cause,
    });
  }
  const service: PublishedService = {
    type: wireName(split.type).toLowerCase(),
    name: options.name.normalize("NFC"),
    port,
    host: wireName(options.host ?? defaultHost(options.name)),
    address: options.address ?? fallbackAddress,
    txt,
  };
  const fullName = wireName(`${service.name}.${service.type}`);
  if (Buffer.byteLength(fullName) + 2 > MAX_NAME_BYTES) {
    throw new InvalidConfigError(`service name too long: ${fullName}`);
  }
  return service;
}

function forLegacyUnicast(record: DnsRecord): DnsRecord {
  return { ...record, ttl: Math.min(record.ttl, LEGACY_UNICAST_TTL), cacheFlush: false };
}

/** The sockets a responder listens on; see ZeroconfResponder.start. */
interface ResponderSockets {
  /** Takes unicast queries and sends every answer. */
  readonly unicast: Socket;
  /** Bound to the group address: receives the group's queries only. */
  readonly group: Socket | undefined;
  /**
   * The interface the group was joined on. Linux hands the group socket the group's
   * traffic from every interface on which anything joined it (IP_MULTICAST_ALL, which
   * Node cannot turn off), so group queries whose source is not on this link are
   * dropped (RFC 6762 §11 asks responders to answer on-link sources only). Undefined
   * netmask: the interface is not in the list, nothing is dropped.
   */
  readonly link: { readonly address: string; readonly netmask: string | undefined } | undefined;
}

/** Where a multicast responder lives: interfaceAddress, else a specific `address`. */
function multicastInterface(options: ResponderOptions, address: string): string {
  const specific = address !== "0.0.0.0" ? address : undefined;
  const chosen = options.interfaceAddress ?? specific;
  if (chosen === undefined) {
    throw new InvalidConfigError("a multicast responder needs interfaceAddress (or an address)");
  }
  if (specific !== undefined && chosen !== specific) {
    throw new InvalidConfigError(`address ${address} and interfaceAddress ${chosen} differ`);
  }
  return checkIPv4("interfaceAddress", chosen);
}

/**
 * Multicast mode, on one interface. A socket on 0.0.0.0:5353 would take unicast queries
 * on every interface, take unicast datagrams meant for the system's own responder
 * (avahi, mDNSResponder), and on Linux receive any group's traffic on the port
 * (IP_MULTICAST_ALL, which Node cannot turn off). So one socket is bound to the group
 * address, where only datagrams sent to the group arrive, and joins it on the interface;
 * another is bound to the interface's address for unicast queries and sends all answers,
 * so multicast answers leave from that interface only.
 */
async function openMulticastSockets(
  iface: string,
  group: string,
  port: number,
  interfaces: readonly LocalInterface[],
): Promise<ResponderSockets> {
  const netmask = interfaces.find((entry) => entry.address === iface)?.netmask;
  const unicast = await bindUdpSocket({ address: iface, port, reuseAddr: true });
  let groupSocket: Socket | undefined;
  try {
    unicast.setMulticastInterface(iface);
    unicast.setMulticastTTL(255);
    unicast.setMulticastLoopback(true);
    // With port 0 the unicast socket picked the port; the group socket shares it.
    groupSocket = await bindUdpSocket({
      address: group,
      port: unicast.address().port,
      reuseAddr: true,
    });
    groupSocket.addMembership(group, iface);
    return { unicast, group: groupSocket, link: { address: iface, netmask } };
  } catch (error) {
    unicast.close();
    groupSocket?.close();
    throw error;
  }
}

/**
 * A small mDNS responder that answers queries for the services published on it: PTR,
 * SRV, TXT and A records, type enumeration, ANY. Legacy unicast queries (from a port other
 * than 5353) and queries with the unicast-response bit get a unicast reply; others are
 * answered to the group when multicast is on. Malformed datagrams are counted in `stats`
 * and dropped.
 */
export class ZeroconfResponder {
  readonly stats: ZeroconfStats = createStats();
  readonly #sockets: ResponderSockets;
  readonly #group: string;
  readonly #logger: Logger;
  readonly #defaultAddress: string | undefined;
  #services: PublishedService[] = [];
  readonly #announcementListeners = new Set<(announcement: ReceivedAnnouncement) => void>();
  #closed = false;

  private constructor(sockets: ResponderSockets, group: string, options: ResponderOptions) {
    this.#sockets = sockets;
    this.#group = group;
    this.#logger = options.logger ?? silentLogger;
    const bound = sockets.unicast.address().address;
    this.#defaultAddress = bound !== "0.0.0.0" ? bound : options.interfaceAddress;
    sockets.unicast.on("message", (data, from) => this.#onMessage(data, from));
    sockets.group?.on("message", (data, from) => {
      if (this.#onLink(from.address)) return this.#onMessage(data, from);
      this.stats.received += 1;
      this.stats.ignored += 1;
      this.#logger.debug("ignored group datagram from %s, not on this link", from.address);
    });
    for (const socket of [sockets.unicast, sockets.group]) {
      socket?.on("error", (error) =>
        this.#logger.debug("responder socket error: %s", error.message),
      );
    }
  }

  #onLink(source: string): boolean {
    const link = this.#sockets.link;
    if (link?.netmask === undefined || isLinkLocal(source)) return true;
    return isInLocalSubnet(source, [{ address: link.address, netmask: link.netmask }]);
  }

  /**
   * Binds and starts answering. Without multicast (and always on a loopback address) one
   * socket on `address`:`port` answers by unicast only. With multicast it lives on one
   * interface (see openMulticastSockets). Throws InvalidConfigError for a bad option.
   */
  static async start(options: ResponderOptions = {}): Promise<ZeroconfResponder> {
    const address = checkIPv4("address", options.address ?? "0.0.0.0");
    const port = checkPort("port", options.port ?? MDNS_PORT, true);
    const group = checkMulticastGroup(options.group ?? MDNS_GROUP);
    if (options.interfaceAddress !== undefined) {
      checkIPv4("interfaceAddress", options.interfaceAddress);
    }
    const multicast = (options.multicast ?? false) && !isLoopback(address);
    const interfaces = options.localInterfaces ?? systemInterfaces;
    const sockets = multicast
      ? await openMulticastSockets(multicastInterface(options, address), group, port, interfaces())
      : { unicast: await bindUdpSocket({ address, port }), group: undefined, link: undefined };
    return new ZeroconfResponder(sockets, group, options);
  }

  /** The mDNS port the responder listens on (unicast and, with multicast, the group). */
  get port(): number {
    return this.#sockets.unicast.address().port;
  }

  /** The address unicast queries reach it on. */
  get address(): string {
    return this.#sockets.unicast.address().address;
  }

  /** Whether it joined the multicast group (never on a loopback address). */
  get multicast(): boolean {
    return this.#sockets.group !== undefined;
  }

  /** Starts answering for a service; returns a function that stops it. */
  publish(options: PublishOptions): () => void {
    const service = validated(options, this.#defaultAddress);
    this.#services = [...this.#services, service];
    return () => {
      this.#services = this.#services.filter((s) => s !== service);
    };
  }

  /**
   * Hears every response datagram that reaches the responder (a host announcing or
   * withdrawing services), parsed; returns a function that stops listening. Responses are
   * still only counted as ignored: nothing is answered or cached.
   */
  onAnnouncement(listener: (announcement: ReceivedAnnouncement) => void): () => void {
    this.#announcementListeners.add(listener);
    return () => this.#announcementListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#announcementListeners.clear();
    this.#closed = true;
    const sockets = [this.#sockets.unicast, this.#sockets.group];
    await Promise.all(
      sockets.map((socket) => socket && new Promise<void>((done) => socket.close(() => done()))),
    );
  }

  #onMessage(data: Buffer, from: RemoteInfo): void {
    this.stats.received += 1;
    const decoded = decodeMessage(data);
    if (!decoded.ok) {
      this.stats.malformed += 1;
      this.#logger.debug(
        "dropped malformed query from %s: %s",
        from.address,
        decoded.error.message,
      );
      return;
    }
    if (decoded.message.isResponse || decoded.message.questions.length === 0) {
      this.stats.ignored += 1;
      if (decoded.message.isResponse) this.#announce(decoded.message, from);
      return;
    }
    try {
      this.#answer(decoded.message, from);
    } catch (error) {
      // Echoing a hostile query's questions can fail to encode; that query goes unanswered.
      this.stats.malformed += 1;
      this.#logger.debug("could not answer query from %s: %s", from.address, String(error));
    }
  }

  #announce(message: DnsMessage, from: RemoteInfo): void {
    if (this.#announcementListeners.size === 0 || message.answers.length === 0) return;
    const announcement: ReceivedAnnouncement = {
      from: { address: from.address, port: from.port },
      services: parseServices([message]),
      goodbye: message.answers.every((record) => record.ttl === 0),
      message,
    };
    for (const listener of [...this.#announcementListeners]) {
      try {
        listener(announcement);
      } catch (error) {
        // A listener's bug must not stop the responder answering queries.
        this.#logger.debug("announcement listener failed: %s", String(error));
      }
    }
  }

  #answer(query: DnsMessage, from: RemoteInfo): void {
    const { answers, additionals } = answerQuestions(this.#services, query.questions);
    if (answers.length === 0) return;
    const legacy = from.port !== MDNS_PORT;
    const unicast = legacy || !this.multicast || query.questions.some((q) => q.unicastResponse);
    // A legacy resolver matches the reply by id and questions (RFC 6762 §6.7).
    const packet = encodeMessage({
      id: legacy ? query.id : 0,
      flags: RESPONSE_FLAGS,
      isResponse: true,
      questions: legacy ? query.questions : [],
      answers: legacy ? answers.map(forLegacyUnicast) : answers,
      additionals: legacy ? additionals.map(forLegacyUnicast) : additionals,
    });
    const [port, address] = unicast ? [from.port, from.address] : [MDNS_PORT, this.#group];
    this.#sockets.unicast.send(packet, port, address, (error) => {
      if (error) this.#logger.debug("could not answer %s: %s", address, error.message);
    });
  }
}
