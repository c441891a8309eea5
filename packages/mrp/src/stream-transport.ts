// Direct MRP's transport: a byte stream (a TCP socket) carrying varint-length-prefixed
// messages, sealed with ChaCha20-Poly1305 once pair-verify has given keys.

import type { Duplex } from "node:stream";
import { HapSession } from "@atv/hap";
import { AtvError, ConnectionLostError, type Logger, silentLogger } from "@atv/interface";
import { encodeFrame, FrameDecoder } from "./framing.js";
import type { MrpTransport, MrpTransportReceiver } from "./transport.js";

export interface StreamTransportOptions {
  logger?: Logger;
  /** Largest frame accepted from the peer; default DEFAULT_MAX_FRAME_LENGTH. */
  maxFrameLength?: number;
  /** Text of the error when the peer closes the stream; default "connection closed by device". */
  peerName?: string;
}

/**
 * Owns one stream. Bad input (an oversized or malformed frame, a failed decryption) ends
 * the stream at once: nothing after it is handed on. Used by clients and by fake devices.
 */
export class StreamTransport implements MrpTransport {
  readonly #stream: Duplex;
  readonly #decoder: FrameDecoder;
  readonly #logger: Logger;
  #receiver: MrpTransportReceiver | undefined;
  #session: HapSession | undefined;
  #closed = false;
  #corked = false;
  #closeError: Error | undefined;

  constructor(stream: Duplex, options: StreamTransportOptions = {}) {
    this.#stream = stream;
    this.#logger = options.logger ?? silentLogger;
    this.#decoder = new FrameDecoder(
      options.maxFrameLength === undefined ? {} : { maxFrameLength: options.maxFrameLength },
    );
    const peer = options.peerName ?? "device";
    stream.on("data", (chunk: Buffer | string) => this.#receive(chunk));
    stream.on("error", (error: Error) => {
      this.fail(new ConnectionLostError(`connection error: ${error.message}`, { cause: error }));
    });
    // After our own close() the stream still reports its end: no error is built for that
    // (an error's stack trace costs more than the rest of closing).
    const closedByPeer = () => {
      if (!this.#closed) this.fail(new ConnectionLostError(`connection closed by ${peer}`));
    };
    stream.on("close", closedByPeer);
    stream.on("end", closedByPeer);
  }

  setReceiver(receiver: MrpTransportReceiver): void {
    this.#receiver = receiver;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get closeError(): Error | undefined {
    return this.#closeError;
  }

  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void {
    this.#session = new HapSession(outputKey, inputKey);
  }

  get encrypted(): boolean {
    return this.#session !== undefined;
  }

  send(payload: Uint8Array): void {
    if (this.#closed) {
      throw this.#closeError ?? new ConnectionLostError("cannot send: the connection is closed");
    }
    this.writeFrame(this.#session ? this.#session.encrypt(payload) : payload);
  }

  /** Writes one frame as given, sealed or not (fake devices send damaged frames so). */
  writeFrame(data: Uint8Array): void {
    if (this.#closed) return;
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

  /** Seals `payload` as the next message would be, without sending it. */
  seal(payload: Uint8Array): Uint8Array {
    return this.#session ? this.#session.encrypt(payload) : payload.slice();
  }

  /** Writes raw bytes, no framing (tests inject garbage so). */
  writeRaw(bytes: Uint8Array): void {
    if (!this.#closed) this.#stream.write(bytes);
  }

  close(): void {
    this.#end(undefined);
  }

  fail(error: Error): void {
    this.#end(error);
  }

  #receive(chunk: Buffer | string): void {
    if (this.#closed) return;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    try {
      for (const frame of this.#decoder.push(bytes)) {
        const plain = this.#session ? this.#session.decrypt(frame) : frame;
        this.#receiver?.message(plain);
        // The receiver may have closed us; nothing after that is acted on.
        if (this.#closed) return;
      }
    } catch (error) {
      this.fail(
        error instanceof AtvError
          ? error
          : new ConnectionLostError("cannot read from the peer", { cause: error }),
      );
    }
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#session = undefined;
    this.#stream.destroy();
    if (error !== undefined) this.#logger.debug("mrp: connection ended: %s", error.message);
    try {
      this.#receiver?.closed(error);
    } catch (receiverError) {
      this.#logger.debug("mrp: close handler failed: %o", receiverError);
    }
  }
}
