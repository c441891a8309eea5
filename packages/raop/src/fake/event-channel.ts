// The receiver's end of the AirPlay 2 event channel: SETUP #1 announces an eventPort, the
// sender connects to it (pyatv: right after SETUP #1, up to 5 tries), and from then on
// both directions are HAP frames under the Events-Salt keys, the device side of them
// (pyatv's channels.py; the sender swaps Read and Write, "connection originates from
// receiver"). The receiver may send requests; the sender answers each one 200 and sends
// nothing else. One connection is taken; nobody connecting in time closes the listener.
//
// (The AirPlay fake has the same pieces, ChannelListener and FakeEventChannel, but
// @atv/airplay/fake does not export them.)

import { createServer, type Server, type Socket } from "node:net";
import { encodeRequest, HttpResponseParser } from "@atv/airplay";
import { HapFrameCipher, type SessionKeys } from "@atv/hap";
import { type Logger, tcpListen } from "@atv/interface";
import { encodePlist, type PlistInput } from "@atv/plist";

/** How long the receiver waits for the sender to open the announced channel. */
export const EVENT_ACCEPT_TIMEOUT = 10_000;
/** The most answers remembered: a sender answering forever must not grow the fake. */
const MAX_ANSWERS = 100;
/** The most bytes waiting for a whole frame or response (a sender says little here). */
const MAX_BUFFERED = 64 * 1024;

export interface EventChannelOptions {
  readonly logger: Logger;
  readonly timeout?: number;
  /** Sent once the sender connected (a receiver reports its state this way); none if undefined. */
  readonly greeting?: { readonly uri: string; readonly body: PlistInput };
}

export class FakeRaopEventChannel {
  readonly #server: Server;
  readonly #keys: SessionKeys;
  readonly #options: EventChannelOptions;
  readonly #timer: NodeJS.Timeout;
  #socket: Socket | undefined;
  #cipher: HapFrameCipher | undefined;
  readonly #parser = new HttpResponseParser();
  #cseq = 0;
  #closed = false;
  /** Statuses of the sender's answers, in order (the last 100). */
  readonly answers: number[] = [];

  private constructor(server: Server, keys: SessionKeys, options: EventChannelOptions) {
    this.#server = server;
    this.#keys = keys;
    this.#options = options;
    this.#timer = setTimeout(() => {
      if (this.#socket !== undefined) return;
      options.logger.debug("fake raop: nobody opened the event channel in time");
      this.close();
    }, options.timeout ?? EVENT_ACCEPT_TIMEOUT);
    this.#timer.unref();
  }

  /** Listens on `address` for the sender; `keys` are the device side's Events keys. */
  static async open(
    address: string,
    keys: SessionKeys,
    options: EventChannelOptions,
  ): Promise<FakeRaopEventChannel> {
    let accept: ((socket: Socket) => void) | undefined;
    const server = createServer((socket) => {
      if (accept === undefined) socket.destroy();
      else accept(socket);
    });
    server.maxConnections = 1;
    server.on("error", (error) => options.logger.debug("fake raop: event: %s", error.message));
    await tcpListen(server, address);
    const channel = new FakeRaopEventChannel(server, keys, options);
    accept = (socket) => channel.#accept(socket);
    return channel;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** Whether the sender has connected (and the channel is not closed). */
  get connected(): boolean {
    return this.#socket !== undefined && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a request with a plist body, as receivers do to report a change. */
  send(uri: string, body: PlistInput): boolean {
    const socket = this.#socket;
    const cipher = this.#cipher;
    if (this.#closed || socket === undefined || cipher === undefined) return false;
    const request = encodeRequest({
      method: "POST",
      uri,
      protocol: "RTSP/1.0",
      headers: {
        CSeq: this.#cseq++,
        Server: "AirTunes/760.20.1",
        "Content-Type": "application/x-apple-binary-plist",
      },
      body: encodePlist(body),
    });
    socket.write(cipher.encrypt(request));
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#server.close();
    this.#socket?.destroy();
  }

  #accept(socket: Socket): void {
    if (this.#closed || this.#socket !== undefined) {
      socket.destroy();
      return;
    }
    clearTimeout(this.#timer);
    // One sender per session: stop listening once it is here.
    this.#server.close();
    this.#socket = socket;
    this.#cipher = new HapFrameCipher(this.#keys.outputKey, this.#keys.inputKey);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", () => this.close());
    socket.on("close", () => this.close());
    const greeting = this.#options.greeting;
    if (greeting !== undefined) this.send(greeting.uri, greeting.body);
  }

  #receive(chunk: Buffer): void {
    const cipher = this.#cipher;
    if (this.#closed || cipher === undefined) return;
    try {
      const plain = cipher.decrypt(chunk);
      if (cipher.bufferedBytes > MAX_BUFFERED) throw new RangeError("event channel flooded");
      for (const response of this.#parser.push(plain)) {
        this.answers.push(response.status);
        if (this.answers.length > MAX_ANSWERS) this.answers.shift();
        if (response.status !== 200) {
          // Receivers end a session whose sender refuses their reports.
          this.#options.logger.debug("fake raop: event answered %d, closing", response.status);
          this.close();
          return;
        }
      }
    } catch (error) {
      this.#options.logger.debug("fake raop: bad input on the event channel: %o", error);
      this.close();
    }
  }
}
