// One MRP byte stream: frames, optional encryption, protobuf decoding. It knows nothing
// of requests and responses (protocol.ts does); it hands each decoded message to its
// owner and reports the end of the stream once.

import { connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { HapSession } from "@atv/hap";
import {
  AtvError,
  ConnectionFailedError,
  ConnectionLostError,
  type Logger,
  silentLogger,
} from "@atv/interface";
import { deadline } from "./deadline.js";
import { encodeFrame, FrameDecoder } from "./framing.js";
import { decodeProtocolMessage, encodeProtocolMessage } from "./protobuf/messages.js";
import { messageTypeName } from "./protobuf/payloads.js";
import type { ProtocolMessage } from "./protobuf/types.js";

/** What a connection tells its owner. */
export interface MrpConnectionHandler {
  /** A decoded (and decrypted) message from the device. */
  message(message: ProtocolMessage): void;
  /**
   * The stream ended, called once: `undefined` after our own `close()`, else the reason
   * (ConnectionLostError, or ProtocolError / DecryptionError for bad input).
   */
  closed(error: Error | undefined): void;
}

export interface MrpConnectionOptions {
  logger?: Logger;
  /** Largest frame accepted from the device; default DEFAULT_MAX_FRAME_LENGTH. */
  maxFrameLength?: number;
}

export interface MrpConnectOptions extends MrpConnectionOptions {
  /** Longest wait for the TCP connection, in milliseconds; default 5000. */
  timeout?: number;
  signal?: AbortSignal;
}

const DEFAULT_CONNECT_TIMEOUT = 5000;

/**
 * Owns one stream to a device (a TCP socket, or any Duplex for tests and tunnels). Bad
 * input (an oversized or malformed frame, a failed decryption, an undecodable message)
 * closes the stream at once: nothing after it is decoded or handed on.
 */
export class MrpConnection {
  readonly #stream: Duplex;
  readonly #decoder: FrameDecoder;
  readonly #logger: Logger;
  #handler: MrpConnectionHandler | undefined;
  #session: HapSession | undefined;
  #closed = false;
  #corked = false;
  #closeError: Error | undefined;

  constructor(stream: Duplex, handler?: MrpConnectionHandler, options: MrpConnectionOptions = {}) {
    this.#stream = stream;
    this.#handler = handler;
    this.#logger = options.logger ?? silentLogger;
    this.#decoder = new FrameDecoder(
      options.maxFrameLength === undefined ? {} : { maxFrameLength: options.maxFrameLength },
    );
    stream.on("data", (chunk: Buffer | string) => this.#receive(chunk));
    stream.on("error", (error: Error) => {
      this.#fail(new ConnectionLostError(`connection error: ${error.message}`, { cause: error }));
    });
    // After our own close() the stream still reports its end: no error is built for that
    // (an error's stack trace costs more than the rest of closing).
    const closedByDevice = () => {
      if (!this.#closed) this.#fail(new ConnectionLostError("connection closed by device"));
    };
    stream.on("close", closedByDevice);
    stream.on("end", closedByDevice);
  }

  /**
   * Opens a TCP connection. An unreachable host, a refused port or no answer within
   * `timeout` is a ConnectionFailedError; an abort of `signal` rejects with its reason.
   */
  static connect(
    host: string,
    port: number,
    options: MrpConnectOptions = {},
    handler?: MrpConnectionHandler,
  ): Promise<MrpConnection> {
    const { signal, timeout = DEFAULT_CONNECT_TIMEOUT } = options;
    signal?.throwIfAborted();
    const bound = deadline(timeout, signal);
    return new Promise((resolve, reject) => {
      const socket: Socket = netConnect({ host, port });
      const cleanup = (): void => {
        bound.signal.removeEventListener("abort", onAbort);
        bound.clear();
        socket.off("error", onError);
        socket.off("connect", onConnect);
      };
      const onAbort = (): void => {
        cleanup();
        socket.destroy();
        if (bound.timedOut) {
          reject(
            new ConnectionFailedError(`no connection to ${host}:${port} within ${timeout} ms`, {
              cause: bound.signal.reason,
            }),
          );
        } else {
          reject(signal?.reason);
        }
      };
      const onError = (error: Error): void => {
        cleanup();
        socket.destroy();
        reject(
          new ConnectionFailedError(`cannot connect to ${host}:${port}: ${error.message}`, {
            cause: error,
          }),
        );
      };
      const onConnect = (): void => {
        cleanup();
        socket.setNoDelay(true);
        // Keep-alive as pyatv does, so a device gone without a FIN is noticed.
        socket.setKeepAlive(true, 10_000);
        resolve(new MrpConnection(socket, handler, options));
      };
      if (bound.signal.aborted) onAbort();
      else bound.signal.addEventListener("abort", onAbort, { once: true });
      socket.once("error", onError);
      socket.once("connect", onConnect);
    });
  }

  /** Sets the owner; messages that arrive before one is set are dropped. */
  setHandler(handler: MrpConnectionHandler): void {
    this.#handler = handler;
  }

  /** True once the stream has ended, by `close()` or otherwise. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Why the stream ended, if it was not our own `close()`. */
  get closeError(): Error | undefined {
    return this.#closeError;
  }

  /** From now on every message is sealed with `outputKey` and opened with `inputKey`. */
  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void {
    this.#session = new HapSession(outputKey, inputKey);
  }

  get encrypted(): boolean {
    return this.#session !== undefined;
  }

  /** Encodes, encrypts (once enabled) and writes one message. */
  send(message: ProtocolMessage): void {
    this.sendRaw(encodeProtocolMessage(message));
    this.#logger.debug("mrp >> %s", messageTypeName(message.type));
  }

  /** Writes one serialised message (encrypted once enabled). */
  sendRaw(payload: Uint8Array): void {
    if (this.#closed) {
      throw this.#closeError ?? new ConnectionLostError("cannot send: the connection is closed");
    }
    const data = this.#session ? this.#session.encrypt(payload) : payload;
    if (!this.#corked) {
      // Frames sent in one tick leave in one write: a system call per frame would cost
      // more than the encryption when many requests are under way.
      this.#corked = true;
      this.#stream.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#stream.uncork();
      });
    }
    this.#stream.write(encodeFrame(data));
  }

  /** Ends the connection; the handler hears `closed(undefined)`. Idempotent. */
  close(): void {
    this.#end(undefined);
  }

  /** Ends the connection because of `error`, which the handler hears. */
  fail(error: Error): void {
    this.#fail(error);
  }

  #receive(chunk: Buffer | string): void {
    if (this.#closed) return;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    try {
      for (const frame of this.#decoder.push(bytes)) {
        const plain = this.#session ? this.#session.decrypt(frame) : frame;
        const message = decodeProtocolMessage(plain);
        this.#logger.debug("mrp << %s", messageTypeName(message.type));
        this.#deliver(message);
        // The handler may have closed us; nothing after that is acted on.
        if (this.#closed) return;
      }
    } catch (error) {
      this.#fail(
        error instanceof AtvError
          ? error
          : new ConnectionLostError("cannot read from the device", { cause: error }),
      );
    }
  }

  #deliver(message: ProtocolMessage): void {
    const handler = this.#handler;
    if (handler === undefined) {
      this.#logger.debug("mrp: no handler, dropped %s", messageTypeName(message.type));
      return;
    }
    try {
      handler.message(message);
    } catch (error) {
      // A fault of the owner must not be taken for bad input from the device.
      this.#logger.debug("mrp: handler failed on %s: %o", messageTypeName(message.type), error);
    }
  }

  #fail(error: Error): void {
    this.#end(error);
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#session = undefined;
    this.#stream.destroy();
    if (error !== undefined) this.#logger.debug("mrp: connection ended: %s", error.message);
    try {
      this.#handler?.closed(error);
    } catch (handlerError) {
      this.#logger.debug("mrp: close handler failed: %o", handlerError);
    }
  }
}
