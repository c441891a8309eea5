import type { RemoteInfo, Socket } from "node:dgram";
import { isIPv4 } from "node:net";
import { InvalidConfigError } from "@atv/interface";
import {
  type DnsMessage,
  type DnsRecord,
  decodeMessage,
  encodeMessage,
  wireName,
} from "./codec.js";
import { MDNS_GROUP, MDNS_PORT } from "./constants.js";
import { isLoopback } from "./local-network.js";
import { type Logger, silentLogger } from "./logger.js";
import { splitServiceName } from "./names.js";
import { answerQuestions, type PublishedService } from "./responder-answers.js";
import { createStats, type ZeroconfStats } from "./stats.js";
import { encodeTxt } from "./txt.js";
import { bindUdpSocket } from "./udp.js";

export interface ResponderOptions {
  /** Address to bind to ("0.0.0.0"). On a loopback address the responder never multicasts. */
  readonly address?: string;
  /** Port to bind to (5353); 0 picks a free one, read it from `port` after start. */
  readonly port?: number;
  /** Join the mDNS group and multicast answers (false). Ignored on a loopback address. */
  readonly multicast?: boolean;
  /** Interface address to join the group on; the system's choice by default. */
  readonly interfaceAddress?: string;
  readonly group?: string;
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

/**
 * A small mDNS responder that answers queries for the services published on it: PTR,
 * SRV, TXT and A records, type enumeration, ANY. Legacy unicast queries (from a port other
 * than 5353) and queries with the unicast-response bit get a unicast reply; others are
 * answered to the group when multicast is on. Malformed datagrams are counted in `stats`
 * and dropped.
 */
export class ZeroconfResponder {
  readonly stats: ZeroconfStats = createStats();
  readonly #socket: Socket;
  readonly #multicast: boolean;
  readonly #group: string;
  readonly #logger: Logger;
  readonly #defaultAddress: string | undefined;
  #services: PublishedService[] = [];
  #closed = false;

  private constructor(socket: Socket, multicast: boolean, options: ResponderOptions) {
    this.#socket = socket;
    this.#multicast = multicast;
    this.#group = options.group ?? MDNS_GROUP;
    this.#logger = options.logger ?? silentLogger;
    const bound = socket.address().address;
    this.#defaultAddress = bound !== "0.0.0.0" ? bound : options.interfaceAddress;
    socket.on("message", (data, from) => this.#onMessage(data, from));
    socket.on("error", (error) => this.#logger.debug("responder socket error: %s", error.message));
  }

  static async start(options: ResponderOptions = {}): Promise<ZeroconfResponder> {
    const address = options.address ?? "0.0.0.0";
    const multicast = (options.multicast ?? false) && !isLoopback(address);
    const socket = await bindUdpSocket({
      address,
      port: options.port ?? MDNS_PORT,
      reuseAddr: multicast,
    });
    if (multicast) {
      try {
        socket.addMembership(options.group ?? MDNS_GROUP, options.interfaceAddress);
        if (options.interfaceAddress) socket.setMulticastInterface(options.interfaceAddress);
        socket.setMulticastTTL(255);
        socket.setMulticastLoopback(true);
      } catch (error) {
        socket.close();
        throw error;
      }
    }
    return new ZeroconfResponder(socket, multicast, options);
  }

  /** The port the responder is bound to. */
  get port(): number {
    return this.#socket.address().port;
  }

  get address(): string {
    return this.#socket.address().address;
  }

  /** Whether it joined the multicast group (never on a loopback address). */
  get multicast(): boolean {
    return this.#multicast;
  }

  /** Starts answering for a service; returns a function that stops it. */
  publish(options: PublishOptions): () => void {
    const service = validated(options, this.#defaultAddress);
    this.#services = [...this.#services, service];
    return () => {
      this.#services = this.#services.filter((s) => s !== service);
    };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
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

  #answer(query: DnsMessage, from: RemoteInfo): void {
    const { answers, additionals } = answerQuestions(this.#services, query.questions);
    if (answers.length === 0) return;
    const legacy = from.port !== MDNS_PORT;
    const unicast = legacy || !this.#multicast || query.questions.some((q) => q.unicastResponse);
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
    this.#socket.send(packet, port, address, (error) => {
      if (error) this.#logger.debug("could not answer %s: %s", address, error.message);
    });
  }
}
