// One Companion link connection: frames over a byte stream, encrypted once pair-verify
// has given keys (after pyatv's protocols/companion/connection.py, MIT). It knows nothing
// of requests and responses (protocol.ts does): it hands each frame to its owner and
// reports the end of the stream once.

import type { Duplex } from "node:stream";
import {
  ConnectionLostError,
  InvalidStateError,
  type Logger,
  ProtocolError,
  silentLogger,
  tcpConnect,
} from "@atv/interface";
import { CompanionCipher, type CompanionFrame, encodeFrame, FrameDecoder } from "../frame.js";

/** What a connection tells its owner. */
export interface CompanionConnectionHandler {
  /** A frame from the device, already decrypted. */
  frame(frame: CompanionFrame): void;
  /**
   * The stream ended, called once: `undefined` after our own `close()`, else the reason
   * (ConnectionLostError, or ProtocolError / DecryptionError for bad input).
   */
  closed(error: Error | undefined): void;
}

export interface CompanionConnectionOptions {
  logger?: Logger;
  /** Longest frame payload accepted from the device; FrameDecoder's default otherwise. */
  maxPayloadLength?: number;
}

export interface CompanionConnectOptions extends CompanionConnectionOptions {
  /** Longest wait for the TCP connection, in milliseconds; default 5000. */
  timeout?: number;
  signal?: AbortSignal;
}

const DEFAULT_CONNECT_TIMEOUT = 5000;

/**
 * Frames a byte stream. As in pyatv, once encryption is enabled every frame with a
 * payload is sealed and opened, whatever its type. A frame that cannot be split or
 * opened ends the connection at once: neither it nor anything after it is handed on.
 */
export class CompanionConnection {
  readonly #stream: Duplex;
  readonly #logger: Logger;
  readonly #decoder: FrameDecoder;
  #handler: CompanionConnectionHandler | undefined;
  #cipher: CompanionCipher | undefined;
  #closed = false;
  #closeError: Error | undefined;

  /** Over a byte stream: a socket, or any Duplex (tests). */
  constructor(
    stream: Duplex,
    handler?: CompanionConnectionHandler,
    options: CompanionConnectionOptions = {},
  ) {
    this.#stream = stream;
    this.#handler = handler;
    this.#logger = options.logger ?? silentLogger;
    this.#decoder = new FrameDecoder(
      options.maxPayloadLength === undefined ? {} : { maxPayloadLength: options.maxPayloadLength },
    );
    stream.on("data", (chunk: Uint8Array) => this.#receive(chunk));
    stream.on("end", () => this.fail(new ConnectionLostError("the device closed the connection")));
    stream.on("close", () =>
      this.fail(new ConnectionLostError("the connection to the device was closed")),
    );
    stream.on("error", (error: Error) =>
      this.fail(
        new ConnectionLostError(`the connection to the device failed: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  }

  /**
   * Opens a TCP connection. An unreachable host, a refused port or no answer within
   * `timeout` is a ConnectionFailedError; an abort of `signal` rejects with its reason.
   */
  static async connect(
    host: string,
    port: number,
    options: CompanionConnectOptions = {},
    handler?: CompanionConnectionHandler,
  ): Promise<CompanionConnection> {
    const socket = await tcpConnect(host, port, {
      timeout: options.timeout ?? DEFAULT_CONNECT_TIMEOUT,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    socket.setNoDelay(true);
    return new CompanionConnection(socket, handler, options);
  }

  /** Sets the owner; frames that arrive before one is set are dropped. */
  setHandler(handler: CompanionConnectionHandler): void {
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

  get encrypted(): boolean {
    return this.#cipher !== undefined;
  }

  /** From now on every frame is sealed with `outputKey` and opened with `inputKey`. */
  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void {
    this.#cipher = new CompanionCipher(outputKey, inputKey);
  }

  /** Writes one frame (sealed once encryption is enabled); InvalidStateError once closed. */
  send(type: number, payload: Uint8Array): void {
    if (this.#closed) throw new InvalidStateError("the Companion connection is closed");
    const frame = this.#cipher ? this.#cipher.sealFrame(type, payload) : encodeFrame(type, payload);
    this.#logger.debug("companion >> frame %d, %d bytes", type, payload.length);
    this.#stream.write(frame);
  }

  /** Ends the connection; the handler hears `closed(undefined)`. Idempotent. */
  close(): void {
    this.#end(undefined);
  }

  /** Ends the connection because of `error`, which the handler hears. Idempotent. */
  fail(error: Error): void {
    this.#end(error);
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    if (error !== undefined) this.#logger.debug("companion: connection ended: %s", error.message);
    this.#stream.destroy();
    try {
      this.#handler?.closed(error);
    } catch (handlerError) {
      this.#logger.debug("companion: close handler failed: %o", handlerError);
    }
  }

  #receive(chunk: Uint8Array): void {
    if (this.#closed) return;
    let frames: CompanionFrame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      this.fail(asProtocolError(error));
      return;
    }
    for (const received of frames) {
      if (this.#closed) return;
      let frame = received;
      try {
        if (this.#cipher) frame = this.#cipher.openFrame(received);
      } catch (error) {
        this.fail(asProtocolError(error));
        return;
      }
      this.#logger.debug("companion << frame %d, %d bytes", frame.type, frame.payload.length);
      const handler = this.#handler;
      if (handler === undefined) continue;
      try {
        handler.frame(frame);
      } catch (error) {
        // The owner reports bad content by failing the connection itself; anything it
        // throws is its own fault, not bad input.
        this.#logger.debug("companion: frame handler failed: %o", error);
      }
    }
  }
}

function asProtocolError(error: unknown): Error {
  if (error instanceof ProtocolError) return error;
  return new ProtocolError(`bad Companion frame: ${String(error)}`, { cause: error });
}
