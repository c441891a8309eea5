// A one-connection listener the fake opens for a channel it announced in a SETUP answer
// (event port, data port): it takes the first client, then stops listening; nobody within
// the timeout closes it, as a device gives up on a channel nobody opens.

import { createServer, type Server, type Socket } from "node:net";
import { type Logger, silentLogger, tcpListen } from "@atv/interface";

/** How long the fake waits for the client to open an announced channel. */
export const CHANNEL_ACCEPT_TIMEOUT = 10_000;

export class ChannelListener {
  readonly #server: Server;
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  private constructor(server: Server, timer: NodeJS.Timeout) {
    this.#server = server;
    this.#timer = timer;
  }

  /** Listens on `address`; `accept` gets the first connection. */
  static async open(
    address: string,
    accept: (socket: Socket) => void,
    options: { timeout?: number; logger?: Logger } = {},
  ): Promise<ChannelListener> {
    const logger = options.logger ?? silentLogger;
    let listener: ChannelListener | undefined;
    const server = createServer((socket) => {
      listener?.close();
      accept(socket);
    });
    server.maxConnections = 1;
    server.on("error", (error) => logger.debug("fake airplay: channel error: %s", error.message));
    await tcpListen(server, address);
    const timer = setTimeout(() => {
      logger.debug("fake airplay: nobody opened the channel in time");
      listener?.close();
    }, options.timeout ?? CHANNEL_ACCEPT_TIMEOUT);
    timer.unref();
    listener = new ChannelListener(server, timer);
    return listener;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** Whether it still waits for its client. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Stops listening; a connection already taken stays open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#server.close();
  }
}
