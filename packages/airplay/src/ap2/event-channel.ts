// The AirPlay 2 event channel (pyatv's channels.py EventChannel): a TCP connection we open
// to the device's eventPort, sealed with HAP frames, on which the device sends requests.
// Nothing we need travels on it, but it must be there and every request must be answered
// 200, or the device ends the session.

import type { Socket } from "node:net";
import { HapFrameCipher, type SessionKeys } from "@atv/hap";
import {
  AtvError,
  ConnectionLostError,
  type Logger,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import { encodeResponse, HttpRequestParser } from "../http/codec.js";
import type { HttpRequest } from "../http/types.js";

export interface EventChannelOptions {
  logger?: Logger;
  /** Hears the end of the channel once: undefined after close(), else why. */
  onClose?: (error: Error | undefined) => void;
  /** Hears every request the device sends (after it was answered). */
  onRequest?: (request: HttpRequest) => void;
}

export class EventChannel {
  readonly #socket: Socket;
  readonly #cipher: HapFrameCipher;
  readonly #parser = new HttpRequestParser();
  readonly #options: EventChannelOptions;
  readonly #logger: Logger;
  #closed = false;

  constructor(socket: Socket, keys: SessionKeys, options: EventChannelOptions = {}) {
    this.#socket = socket;
    this.#cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) =>
      this.#end(new ConnectionLostError(`event channel error: ${error.message}`, { cause: error })),
    );
    socket.on("close", () => this.#end(new ConnectionLostError("event channel closed by device")));
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#end(undefined);
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      const plain = this.#cipher.decrypt(chunk);
      if (plain.length === 0) return;
      for (const request of this.#parser.push(plain)) {
        this.#logger.debug("airplay event << %s %s", request.method, request.uri);
        // pyatv's answer: empty, no latency, the request's Server and CSeq echoed.
        const headers: Record<string, string> = { "Audio-Latency": "0" };
        const server = request.headers.server;
        const cseq = request.headers.cseq;
        if (server !== undefined) headers.Server = server;
        if (cseq !== undefined) headers.CSeq = cseq;
        this.#socket.write(
          this.#cipher.encrypt(
            encodeResponse({ protocol: request.protocol, status: 200, reason: "OK", headers }),
          ),
        );
        this.#options.onRequest?.(request);
        if (this.#closed) return;
      }
    } catch (error) {
      this.#end(
        error instanceof AtvError
          ? error
          : new ProtocolError("cannot read the event channel", { cause: error }),
      );
    }
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    if (error) this.#logger.debug("airplay event channel ended: %s", error.message);
    this.#options.onClose?.(error);
  }
}
