// The three UDP sockets of a stream (pyatv's stream_client.py ControlClient, AudioProtocol
// and protocols/__init__.py TimingServer): timing answers NTP-style requests, control sends
// sync packets and answers retransmit requests from the backlog, audio sends RTP packets.
// Each owns its socket and has close(); a socket error reaches the owner once.

import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { type Logger, silentLogger } from "@atv/interface";
import {
  decodeRetransmitRequest,
  encodeRetransmitResponse,
  encodeTimingResponse,
  ntpNow,
} from "../wire/index.js";
import type { PacketBacklog } from "./packet-backlog.js";

function udpType(address: string): "udp4" | "udp6" {
  return isIPv6(address) ? "udp6" : "udp4";
}

/** "::ffff:127.0.0.1" is an IPv4 peer seen through a dual-stack socket. */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

async function bind(address: string, port: number): Promise<Socket> {
  const socket = createSocket(udpType(address));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once("error", onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve();
    });
  });
  return socket;
}

abstract class UdpChannel {
  protected readonly socket: Socket;
  protected readonly logger: Logger;
  #closed = false;
  #onError: ((error: Error) => void) | undefined;

  protected constructor(socket: Socket, logger: Logger) {
    this.socket = socket;
    this.logger = logger;
    socket.on("error", (error) => {
      if (this.#closed) return;
      this.logger.debug("raop udp error: %s", error.message);
      this.#onError?.(error);
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Hears socket errors (ECONNREFUSED: the receiver's port is gone). */
  onError(listener: (error: Error) => void): void {
    this.#onError = listener;
  }

  /** Resolves once the socket is released. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => {
      try {
        this.socket.close(resolve);
      } catch {
        resolve(); // already closed underneath us
      }
    });
  }

  get closed(): boolean {
    return this.#closed;
  }
}

/** Answers the receiver's timing requests with our clock (pyatv's TimingServer). */
export class TimingServer extends UdpChannel {
  #requests = 0;

  private constructor(socket: Socket, logger: Logger) {
    super(socket, logger);
    socket.on("message", (message, rinfo) => this.#answer(message, rinfo.address, rinfo.port));
  }

  static async open(address: string, port = 0, logger = silentLogger): Promise<TimingServer> {
    return new TimingServer(await bind(address, port), logger);
  }

  /** How many requests were answered. */
  get requests(): number {
    return this.#requests;
  }

  #answer(message: Uint8Array, address: string, port: number): void {
    if (this.closed) return;
    const received = ntpNow();
    try {
      this.socket.send(encodeTimingResponse(message, received, ntpNow()), port, address);
      this.#requests++;
    } catch (error) {
      this.logger.debug("raop: bad timing request ignored: %o", error);
    }
  }
}

/**
 * Sync packets out to the receiver's control port, retransmit requests in. Answers go to
 * whoever asked, with the packet as it was first sent (pyatv's ControlClient).
 */
export class ControlChannel extends UdpChannel {
  readonly #backlog: PacketBacklog;
  #retransmitted = 0;
  #requested = 0;

  private constructor(socket: Socket, backlog: PacketBacklog, logger: Logger) {
    super(socket, logger);
    this.#backlog = backlog;
    socket.on("message", (message, rinfo) => this.#receive(message, rinfo.address, rinfo.port));
  }

  static async open(
    address: string,
    backlog: PacketBacklog,
    port = 0,
    logger = silentLogger,
  ): Promise<ControlChannel> {
    return new ControlChannel(await bind(address, port), backlog, logger);
  }

  /** Packets resent, and packets asked for. */
  get stats(): { readonly requested: number; readonly retransmitted: number } {
    return { requested: this.#requested, retransmitted: this.#retransmitted };
  }

  send(packet: Uint8Array, port: number, address: string): void {
    if (!this.closed) this.socket.send(packet, port, address);
  }

  #receive(message: Uint8Array, address: string, port: number): void {
    if (this.closed) return;
    // 0x55 (marker bit aside) is a retransmit request; nothing else is expected here.
    if (message.length < 2 || ((message[1] as number) & 0x7f) !== 0x55) {
      this.logger.debug("raop: unexpected control packet (%d bytes)", message.length);
      return;
    }
    try {
      const { seqno, count } = decodeRetransmitRequest(message);
      // Nothing older than the backlog can be found: a huge count costs no more than it.
      for (let i = 0; i < Math.min(count, this.#backlog.size); i++) {
        const wanted = (seqno + i) & 0xffff;
        this.#requested++;
        const packet = this.#backlog.get(wanted);
        if (packet === undefined) {
          this.logger.debug("raop: packet %d asked for is no longer kept", wanted);
          continue;
        }
        this.socket.send(encodeRetransmitResponse(packet), port, address);
        this.#retransmitted++;
      }
    } catch (error) {
      this.logger.debug("raop: bad retransmit request ignored: %o", error);
    }
  }
}

/** Audio packets to the receiver's server port, on a connected socket. */
export class AudioChannel extends UdpChannel {
  private constructor(socket: Socket, logger: Logger) {
    super(socket, logger);
  }

  /**
   * A connected socket: a receiver that went away makes the kernel report ECONNREFUSED
   * (ICMP port unreachable) on a later send, which is how a vanished receiver shows.
   */
  static async open(
    localAddress: string,
    remoteAddress: string,
    remotePort: number,
    logger = silentLogger,
  ): Promise<AudioChannel> {
    const socket = await bind(localAddress, 0);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        socket.close();
        reject(error);
      };
      socket.once("error", onError);
      socket.connect(remotePort, remoteAddress, () => {
        socket.off("error", onError);
        resolve();
      });
    });
    return new AudioChannel(socket, logger);
  }

  send(packet: Uint8Array): void {
    if (!this.closed) this.socket.send(packet);
  }
}
