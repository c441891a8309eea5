// Publishes the remote's _touch-remote._tcp service while pairing is open, so the Apple TV
// lists it under Settings > General > Remotes (pyatv publishes it with python-zeroconf).

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { isIPv4 } from "node:net";
import { InvalidConfigError, type Logger, silentLogger } from "@atv/interface";
import {
  decodeMessage,
  encodeMessage,
  isInLocalSubnet,
  type LocalInterface,
  MDNS_GROUP,
  MDNS_PORT,
  systemInterfaces,
  ZeroconfResponder,
} from "@atv/zeroconf";
import {
  asksForTouchRemote,
  TOUCH_REMOTE_SERVICE_TYPE,
  type TouchRemoteService,
  touchRemoteInstanceName,
  touchRemoteNames,
  touchRemoteProperties,
  touchRemoteRecords,
} from "./touch-remote-records.js";

/** An mDNS port to send announcements to by unicast (a device found by a unicast scan, a fake). */
export interface AnnounceTarget {
  readonly address: string;
  readonly port: number;
}

export interface TouchRemoteAnnouncerOptions {
  readonly pairingGuid: string | bigint;
  readonly remoteName: string;
  /** Port of the pairing HTTP server. */
  readonly port: number;
  /** Devices to announce to by unicast, repeatedly while open. */
  readonly targets?: readonly AnnounceTarget[];
  /**
   * Also publish on the real network: announce to 224.0.0.251:5353 and answer queries on
   * every non-loopback IPv4 interface, as pyatv does. Never on in tests.
   */
  readonly multicast?: boolean;
  /**
   * Address put in the A record for unicast targets. By default the address of this
   * machine's interface on the target's subnet, 127.0.0.1 for a loopback target.
   */
  readonly localAddress?: string;
  /**
   * Source port of unicast announcements (0: any). A real device ignores mDNS responses
   * that do not come from port 5353 (RFC 6762 §6); a fake does not care.
   */
  readonly sourcePort?: number;
  /** First gap between announcements in ms (1000); it doubles up to 8 s while open. */
  readonly interval?: number;
  readonly interfaces?: () => readonly LocalInterface[];
  readonly logger?: Logger;
}

const MAX_INTERVAL_MS = 8_000;
/** Records in answers to legacy unicast queries live at most 10 s (RFC 6762 §6.7). */
const LEGACY_UNICAST_TTL = 10;
/** Response with the authoritative-answer bit (RFC 6762 §18.4). */
const RESPONSE_FLAGS = 0x0400;

/** Where one set of announcements goes out, and what it says. */
interface Channel {
  readonly socket: Socket;
  readonly service: TouchRemoteService;
  readonly destinations: readonly AnnounceTarget[];
}

function checkTarget(target: AnnounceTarget): AnnounceTarget {
  if (!isIPv4(target.address)) {
    throw new InvalidConfigError(`announce target is not an IPv4 address: ${target.address}`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 0xffff) {
    throw new InvalidConfigError(`bad announce target port: ${target.port}`);
  }
  return target;
}

function isLoopback(address: string): boolean {
  return address.startsWith("127.");
}

/** This machine's address as `target` sees it. */
function localAddressFor(target: string, interfaces: readonly LocalInterface[]): string {
  if (isLoopback(target)) return "127.0.0.1";
  const local = interfaces.find(
    (entry) => !isLoopback(entry.address) && isInLocalSubnet(target, [entry]),
  );
  if (local === undefined) {
    throw new InvalidConfigError(
      `no local interface on the subnet of ${target} (set localAddress)`,
    );
  }
  return local.address;
}

function bindSocket(address: string, port: number, reuseAddr: boolean): Promise<Socket> {
  const socket = createSocket({ type: "udp4", reuseAddr });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once("error", onError);
    socket.bind(port, address, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * Announces the service (PTR, SRV, TXT, A) at once and then again after 1, 2, 4, 8, 8 … s
 * until closed, since UDP may be lost and the user may open the Remotes screen late. Queries
 * for the service that reach the unicast socket are answered; with `multicast`, a
 * ZeroconfResponder per interface answers the network's queries. close() sends a goodbye
 * (TTL 0) and releases every socket.
 */
export class TouchRemoteAnnouncer {
  readonly #channels: Channel[];
  readonly #responders: ZeroconfResponder[];
  readonly #logger: Logger;
  readonly #interval: number;
  #timer: NodeJS.Timeout | undefined;
  #sent = 0;
  #closed = false;

  private constructor(
    channels: Channel[],
    responders: ZeroconfResponder[],
    options: TouchRemoteAnnouncerOptions,
  ) {
    this.#channels = channels;
    this.#responders = responders;
    this.#logger = options.logger ?? silentLogger;
    this.#interval = options.interval ?? 1000;
    for (const socket of new Set(channels.map((c) => c.socket))) {
      const served = channels.filter((c) => c.socket === socket);
      socket.on("error", (error) =>
        this.#logger.debug("touch-remote announcer: %s", error.message),
      );
      socket.on("message", (data, from) => this.#onQuery(socket, served, data, from));
    }
  }

  /** Opens the sockets and sends the first announcements. */
  static async start(options: TouchRemoteAnnouncerOptions): Promise<TouchRemoteAnnouncer> {
    const targets = (options.targets ?? []).map(checkTarget);
    const interfaces = (options.interfaces ?? systemInterfaces)();
    const logger = options.logger ?? silentLogger;
    const channels: Channel[] = [];
    const responders: ZeroconfResponder[] = [];
    const service = (address: string): TouchRemoteService => ({
      pairingGuid: options.pairingGuid,
      remoteName: options.remoteName,
      port: options.port,
      address,
    });
    if (options.localAddress !== undefined && !isIPv4(options.localAddress)) {
      throw new InvalidConfigError(`localAddress is not an IPv4 address: ${options.localAddress}`);
    }
    // Unicast targets, grouped by the address they see us at; all share one socket.
    const byAddress = new Map<string, AnnounceTarget[]>();
    for (const target of targets) {
      const local = options.localAddress ?? localAddressFor(target.address, interfaces);
      byAddress.set(local, [...(byAddress.get(local) ?? []), target]);
    }
    try {
      if (byAddress.size > 0) {
        const allLoopback = targets.every((t) => isLoopback(t.address));
        const sourcePort = options.sourcePort ?? 0;
        const socket = await bindSocket(
          allLoopback ? "127.0.0.1" : "0.0.0.0",
          sourcePort,
          sourcePort !== 0,
        );
        for (const [local, destinations] of byAddress) {
          channels.push({ socket, service: service(local), destinations });
        }
      }
      if (options.multicast === true) {
        for (const iface of interfaces) {
          if (isLoopback(iface.address) || iface.address.startsWith("169.254.")) continue;
          await TouchRemoteAnnouncer.#openMulticast(
            iface.address,
            service,
            channels,
            responders,
            logger,
          );
        }
      }
    } catch (error) {
      await Promise.all([...new Set(channels.map((c) => c.socket)).values()].map(closeSocket));
      await Promise.all(responders.map((r) => r.close()));
      throw error;
    }
    if (channels.length === 0 && responders.length === 0) {
      throw new InvalidConfigError(
        "nowhere to announce the remote: give targets, or multicast with a usable interface",
      );
    }
    const announcer = new TouchRemoteAnnouncer(channels, responders, options);
    announcer.#announce();
    return announcer;
  }

  /**
   * One interface of the real network. The sending socket shares port 5353 (responses must
   * come from it, RFC 6762 §6) and is bound before the responder, so that on Linux unicast
   * queries still reach the responder's later, equally specific socket.
   */
  static async #openMulticast(
    address: string,
    service: (address: string) => TouchRemoteService,
    channels: Channel[],
    responders: ZeroconfResponder[],
    logger: Logger,
  ): Promise<void> {
    const published = service(address);
    try {
      const socket = await bindSocket(address, MDNS_PORT, true);
      try {
        socket.setMulticastInterface(address);
        socket.setMulticastTTL(255);
      } catch (error) {
        await closeSocket(socket);
        throw error;
      }
      channels.push({
        socket,
        service: published,
        destinations: [{ address: MDNS_GROUP, port: MDNS_PORT }],
      });
    } catch (error) {
      logger.debug("touch-remote announcer: cannot announce on %s: %s", address, String(error));
    }
    try {
      const responder = await ZeroconfResponder.start({
        multicast: true,
        interfaceAddress: address,
        port: MDNS_PORT,
        logger,
      });
      responder.publish({
        type: TOUCH_REMOTE_SERVICE_TYPE,
        name: touchRemoteInstanceName(address),
        port: published.port,
        host: touchRemoteNames(address).host,
        address,
        properties: touchRemoteProperties(published),
      });
      responders.push(responder);
    } catch (error) {
      logger.debug("touch-remote announcer: cannot answer on %s: %s", address, String(error));
    }
  }

  /** How many announcement rounds went out so far. */
  get rounds(): number {
    return this.#sent;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#channels.map((channel) => this.#send(channel, 0)));
    await Promise.all([...new Set(this.#channels.map((c) => c.socket))].map(closeSocket));
    await Promise.all(this.#responders.map((r) => r.close()));
  }

  #announce(): void {
    if (this.#closed) return;
    for (const channel of this.#channels) void this.#send(channel);
    const delay = Math.min(this.#interval * 2 ** this.#sent, MAX_INTERVAL_MS);
    this.#sent += 1;
    this.#timer = setTimeout(() => this.#announce(), delay);
    this.#timer.unref();
  }

  #send(channel: Channel, ttl?: number): Promise<void> {
    const packet = encodeMessage({
      flags: RESPONSE_FLAGS,
      isResponse: true,
      answers: touchRemoteRecords(channel.service, ttl),
    });
    return Promise.all(
      channel.destinations.map(
        (to) =>
          new Promise<void>((resolve) => {
            try {
              channel.socket.send(packet, to.port, to.address, (error) => {
                if (error) this.#logger.debug("announce to %s: %s", to.address, error.message);
                resolve();
              });
            } catch (error) {
              this.#logger.debug("announce to %s: %s", to.address, String(error));
              resolve();
            }
          }),
      ),
    ).then(() => undefined);
  }

  /** Answers a unicast query about the service straight to its sender (legacy style). */
  #onQuery(socket: Socket, served: readonly Channel[], data: Buffer, from: RemoteInfo): void {
    if (this.#closed) return;
    const decoded = decodeMessage(data);
    if (!decoded.ok || decoded.message.isResponse) return;
    const { questions, id } = decoded.message;
    const asked = served.filter((c) => asksForTouchRemote(questions, c.service.address));
    if (asked.length === 0) return;
    try {
      const packet = encodeMessage({
        id,
        flags: RESPONSE_FLAGS,
        isResponse: true,
        questions,
        answers: asked.flatMap((channel) =>
          touchRemoteRecords(channel.service, LEGACY_UNICAST_TTL).map((r) => ({
            ...r,
            cacheFlush: false,
          })),
        ),
      });
      socket.send(packet, from.port, from.address);
    } catch (error) {
      this.#logger.debug(
        "touch-remote announcer: cannot answer %s: %s",
        from.address,
        String(error),
      );
    }
  }
}
