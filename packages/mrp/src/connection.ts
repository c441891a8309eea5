// One MRP session's message stream: protobuf decoding over a transport (a TCP stream, or
// the AirPlay 2 tunnel). It knows nothing of requests and responses (protocol.ts does);
// it hands each decoded message to its owner and reports the end of the stream once.

import type { Duplex } from "node:stream";
import { type Logger, silentLogger, tcpConnect } from "@atv/interface";
import { decodeProtocolMessage, encodeProtocolMessage } from "./protobuf/messages.js";
import { messageTypeName } from "./protobuf/payloads.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import { StreamTransport } from "./stream-transport.js";
import type { MrpTransport } from "./transport.js";

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
 * Decodes what a transport delivers. An undecodable message ends the transport at once:
 * nothing after it is decoded or handed on.
 */
export class MrpConnection {
  readonly transport: MrpTransport;
  readonly #logger: Logger;
  #handler: MrpConnectionHandler | undefined;

  /** Over a transport, or over a byte stream (a socket, or any Duplex for tests). */
  constructor(
    carrier: Duplex | MrpTransport,
    handler?: MrpConnectionHandler,
    options: MrpConnectionOptions = {},
  ) {
    this.#handler = handler;
    this.#logger = options.logger ?? silentLogger;
    this.transport = isTransport(carrier)
      ? carrier
      : new StreamTransport(carrier, {
          ...(options.logger ? { logger: options.logger } : {}),
          ...(options.maxFrameLength === undefined
            ? {}
            : { maxFrameLength: options.maxFrameLength }),
        });
    this.transport.setReceiver({
      message: (payload) => this.#receive(payload),
      closed: (error) => this.#closed(error),
    });
  }

  /**
   * Opens a TCP connection. An unreachable host, a refused port or no answer within
   * `timeout` is a ConnectionFailedError; an abort of `signal` rejects with its reason.
   */
  static async connect(
    host: string,
    port: number,
    options: MrpConnectOptions = {},
    handler?: MrpConnectionHandler,
  ): Promise<MrpConnection> {
    const socket = await tcpConnect(host, port, {
      timeout: options.timeout ?? DEFAULT_CONNECT_TIMEOUT,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new MrpConnection(socket, handler, options);
  }

  /** Sets the owner; messages that arrive before one is set are dropped. */
  setHandler(handler: MrpConnectionHandler): void {
    this.#handler = handler;
  }

  /** True once the stream has ended, by `close()` or otherwise. */
  get closed(): boolean {
    return this.transport.closed;
  }

  /** Why the stream ended, if it was not our own `close()`. */
  get closeError(): Error | undefined {
    return this.transport.closeError;
  }

  /** From now on every message is sealed with `outputKey` and opened with `inputKey`. */
  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void {
    this.transport.enableEncryption(outputKey, inputKey);
  }

  get encrypted(): boolean {
    return this.transport.encrypted;
  }

  /** Encodes, encrypts (once enabled) and writes one message. */
  send(message: ProtocolMessage): void {
    this.transport.send(encodeProtocolMessage(message));
    this.#logger.debug("mrp >> %s", messageTypeName(message.type));
  }

  /** Writes one serialised message (encrypted once enabled). */
  sendRaw(payload: Uint8Array): void {
    this.transport.send(payload);
  }

  /** Ends the connection; the handler hears `closed(undefined)`. Idempotent. */
  close(): void {
    this.transport.close();
  }

  /** Ends the connection because of `error`, which the handler hears. */
  fail(error: Error): void {
    this.transport.fail(error);
  }

  // A decoding error propagates to the transport, which ends the session on it.
  #receive(payload: Uint8Array): void {
    const message = decodeProtocolMessage(payload);
    this.#logger.debug("mrp << %s", messageTypeName(message.type));
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

  #closed(error: Error | undefined): void {
    try {
      this.#handler?.closed(error);
    } catch (handlerError) {
      this.#logger.debug("mrp: close handler failed: %o", handlerError);
    }
  }
}

function isTransport(carrier: Duplex | MrpTransport): carrier is MrpTransport {
  return typeof (carrier as Partial<MrpTransport>).setReceiver === "function";
}
