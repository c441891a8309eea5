// The three UDP sockets of one RAOP session on the receiver's side, as SETUP announces
// them: audio (server_port) receives RTP packets; control receives sync packets and
// resent packets and sends resend requests; timing sends timing requests to the client's
// timing port, as AirPort Express and shairport-sync do, and answers any it is sent.
// Only datagrams from the RTSP peer's address are read.

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { Logger } from "@atv/interface";
import {
  decodeRetransmitResponse,
  decodeSyncPacket,
  decodeTimingPacket,
  encodeRetransmitRequest,
  encodeTimingRequest,
  encodeTimingResponse,
  ntpNow,
} from "../wire/index.js";

/** RTP payload types on the control and timing ports (pyatv's packets.py, timing.py). */
const SYNC_TYPE = 0x54;
const RETRANSMIT_RESPONSE_TYPE = 0x56;
const TIMING_REQUEST_TYPE = 0x52;
const TIMING_RESPONSE_TYPE = 0x53;

/** How often a receiver asks the client for its clock (shairport-sync: every few seconds). */
export const TIMING_INTERVAL = 3000;

export interface UdpChannelHandlers {
  /** An RTP audio packet, first sent (`resent` false) or resent on request. */
  readonly audio: (packet: Uint8Array, resent: boolean) => void;
  readonly logger: Logger;
}

export interface UdpClientPorts {
  readonly host: string;
  readonly controlPort: number;
  readonly timingPort: number;
}

export class UdpChannels {
  readonly #audio: Socket;
  readonly #control: Socket;
  readonly #timing: Socket;
  readonly #handlers: UdpChannelHandlers;
  readonly #peer: string;
  #client: UdpClientPorts | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Sync packets and timing answers received, for tests and the fake's state. */
  syncPackets = 0;
  timingResponses = 0;

  private constructor(
    audio: Socket,
    control: Socket,
    timing: Socket,
    peer: string,
    handlers: UdpChannelHandlers,
  ) {
    this.#audio = audio;
    this.#control = control;
    this.#timing = timing;
    this.#peer = peer;
    this.#handlers = handlers;
    audio.on("message", (msg, from) => this.#fromPeer(from) && this.#onAudio(msg));
    control.on("message", (msg, from) => this.#fromPeer(from) && this.#onControl(msg));
    timing.on("message", (msg, from) => this.#fromPeer(from) && this.#onTiming(msg, from));
    for (const socket of [audio, control, timing]) {
      socket.on("error", (error) => handlers.logger.debug("fake raop: udp: %s", error.message));
    }
  }

  /** Binds the three sockets on `address`, for datagrams from `peer` only. */
  static async open(
    address: string,
    peer: string,
    handlers: UdpChannelHandlers,
  ): Promise<UdpChannels> {
    const type = address.includes(":") ? "udp6" : "udp4";
    const sockets = [createSocket(type), createSocket(type), createSocket(type)] as const;
    try {
      await Promise.all(sockets.map((socket) => bind(socket, address)));
    } catch (error) {
      for (const socket of sockets) socket.close();
      throw error;
    }
    return new UdpChannels(sockets[0], sockets[1], sockets[2], peer, handlers);
  }

  get ports(): { audio: number; control: number; timing: number } {
    return {
      audio: this.#audio.address().port,
      control: this.#control.address().port,
      timing: this.#timing.address().port,
    };
  }

  /** Where the client listens (from SETUP); starts the periodic timing requests. */
  connect(client: UdpClientPorts): void {
    this.#client = client;
    this.#sendTimingRequest();
    this.#timer ??= setInterval(() => this.#sendTimingRequest(), TIMING_INTERVAL);
    this.#timer.unref();
  }

  /** Asks the client to send `count` packets from `seqno` again (0x80 0xD5). */
  requestRetransmit(seqno: number, count: number): void {
    const client = this.#client;
    if (this.#closed || client === undefined) return;
    this.#control.send(encodeRetransmitRequest({ seqno, count }), client.controlPort, client.host);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const socket of [this.#audio, this.#control, this.#timing]) socket.close();
  }

  #fromPeer(from: RemoteInfo): boolean {
    return !this.#closed && normalize(from.address) === normalize(this.#peer);
  }

  #onAudio(msg: Buffer): void {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    // pyatv's client answers a request to whichever port sent it; accept resends here too.
    if (msg.length >= 2 && ((msg[1] as number) & 0x7f) === RETRANSMIT_RESPONSE_TYPE) {
      this.#onResent(bytes);
      return;
    }
    this.#handlers.audio(bytes, false);
  }

  #onControl(msg: Buffer): void {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const type = msg.length >= 2 ? (msg[1] as number) & 0x7f : -1;
    try {
      if (type === RETRANSMIT_RESPONSE_TYPE) this.#onResent(bytes);
      else if (type === SYNC_TYPE) {
        decodeSyncPacket(bytes);
        this.syncPackets += 1;
      } else this.#handlers.logger.debug("fake raop: control packet of type 0x%s", hex(type));
    } catch (error) {
      this.#handlers.logger.debug("fake raop: bad control packet: %o", error);
    }
  }

  #onResent(bytes: Uint8Array): void {
    let packet: Uint8Array;
    try {
      packet = decodeRetransmitResponse(bytes);
    } catch (error) {
      this.#handlers.logger.debug("fake raop: bad resent packet: %o", error);
      return;
    }
    this.#handlers.audio(packet, true);
  }

  #onTiming(msg: Buffer, from: RemoteInfo): void {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const received = ntpNow();
    const type = msg.length >= 2 ? (msg[1] as number) & 0x7f : -1;
    try {
      if (type === TIMING_REQUEST_TYPE) {
        decodeTimingPacket(bytes);
        this.#timing.send(encodeTimingResponse(bytes, received, ntpNow()), from.port, from.address);
      } else if (type === TIMING_RESPONSE_TYPE) {
        decodeTimingPacket(bytes);
        this.timingResponses += 1;
      }
    } catch (error) {
      this.#handlers.logger.debug("fake raop: bad timing packet: %o", error);
    }
  }

  #sendTimingRequest(): void {
    const client = this.#client;
    if (this.#closed || client === undefined) return;
    this.#timing.send(encodeTimingRequest({ ntpNow: ntpNow() }), client.timingPort, client.host);
  }
}

function bind(socket: Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are the same peer. */
function normalize(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
