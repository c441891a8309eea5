// The AirPlay 2 data stream that carries MRP (pyatv's channels.py DataStreamChannel): its
// own TCP connection sealed with HAP frames, each message a 32-byte header and a binary
// plist whose params.data holds length-prefixed MRP messages. Every "sync" is answered
// with a "rply". Both ends use this class: a client, and the fake device's side.

import type { Socket } from "node:net";
import { HapFrameCipher, type SessionKeys } from "@atv/hap";
import {
  AtvError,
  ConnectionLostError,
  type Logger,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import type { MrpTransport, MrpTransportReceiver } from "@atv/mrp";
import {
  DataFrameDecoder,
  decodeMrpPayload,
  encodeDataFrame,
  encodeMrpPayload,
  replyFrame,
  syncFramePayload,
  syncPayloadData,
} from "../datastream-frame.js";

export interface DataStreamChannelOptions {
  logger?: Logger;
  /** Who is at the other end, for error messages: "device" or "client". */
  peerName?: string;
  /** Largest frame accepted; default the decoder's. */
  maxFrameLength?: number;
}

/**
 * An MRP transport over one data stream socket. Bad input (a frame that fails its tag, a
 * malformed header or plist, an undecodable payload) ends the channel at once, and the
 * receiver hears a ProtocolError or DecryptionError; nothing after it is acted on.
 */
export class DataStreamChannel implements MrpTransport {
  readonly #socket: Socket;
  readonly #cipher: HapFrameCipher;
  readonly #decoder: DataFrameDecoder;
  readonly #logger: Logger;
  readonly #peer: string;
  #receiver: MrpTransportReceiver | undefined;
  readonly #closeListeners = new Set<(error: Error | undefined) => void>();
  #seqno: bigint;
  #closed = false;
  #closeError: Error | undefined;
  #corked = false;
  /** Sync frames sent that the peer has not replied to yet. */
  #unanswered = 0;

  constructor(socket: Socket, keys: SessionKeys, options: DataStreamChannelOptions = {}) {
    this.#socket = socket;
    this.#cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
    this.#decoder = new DataFrameDecoder(
      options.maxFrameLength === undefined ? {} : { maxFrameLength: options.maxFrameLength },
    );
    this.#logger = options.logger ?? silentLogger;
    this.#peer = options.peerName ?? "device";
    // pyatv starts its sequence numbers at a random value above 2^32.
    this.#seqno = 0x1_0000_0000n + BigInt(Math.floor(Math.random() * 0xffff_ffff));
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) =>
      this.fail(new ConnectionLostError(`data stream error: ${error.message}`, { cause: error })),
    );
    socket.on("close", () => {
      if (!this.#closed) {
        this.fail(new ConnectionLostError(`data stream closed by ${this.#peer}`));
      }
    });
  }

  setReceiver(receiver: MrpTransportReceiver): void {
    this.#receiver = receiver;
  }

  /**
   * Hears the end of the channel once, besides the MRP receiver: undefined after close(),
   * else why (the AirPlay session ends with its data stream).
   */
  onClose(listener: (error: Error | undefined) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Sync frames sent and not yet answered with a reply. */
  get unanswered(): number {
    return this.#unanswered;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get closeError(): Error | undefined {
    return this.#closeError;
  }

  // The channel is sealed below MRP: MRP's own encryption is not used in the tunnel.
  enableEncryption(): void {}

  get encrypted(): boolean {
    return false;
  }

  send(payload: Uint8Array): void {
    if (this.#closed) {
      throw this.#closeError ?? new ConnectionLostError("cannot send: the data stream is closed");
    }
    const frame = encodeDataFrame({
      type: "sync",
      command: "comm",
      seqno: this.#seqno++,
      payload: syncFramePayload(encodeMrpPayload([payload])),
    });
    this.#unanswered++;
    this.#write(frame);
  }

  /** Writes bytes as they are, outside the encryption (tests inject garbage so). */
  writeRaw(bytes: Uint8Array): void {
    if (!this.#closed) this.#socket.write(bytes);
  }

  /** Seals and writes a frame as given (tests send malformed frames so). */
  writeFrame(frame: Uint8Array): void {
    if (!this.#closed) this.#write(frame);
  }

  close(): void {
    this.#end(undefined);
  }

  fail(error: Error): void {
    this.#end(error);
  }

  #write(frame: Uint8Array): void {
    if (!this.#corked) {
      // Messages sent in one tick leave in one write.
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(this.#cipher.encrypt(frame));
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      const plain = this.#cipher.decrypt(chunk);
      if (plain.length === 0) return;
      for (const frame of this.#decoder.push(plain)) {
        this.#handle(frame.type, frame.seqno, frame.payload);
        if (this.#closed) return;
      }
    } catch (error) {
      this.fail(
        error instanceof AtvError
          ? error
          : new ProtocolError("cannot read the data stream", { cause: error }),
      );
    }
  }

  #handle(type: string, seqno: bigint, payload: Uint8Array): void {
    if (type === "rply") {
      if (this.#unanswered > 0) this.#unanswered--;
      return;
    }
    if (type !== "sync") throw new ProtocolError(`unknown data stream message type "${type}"`);
    const messages =
      payload.length === 0 ? [] : decodeMrpPayload(syncPayloadData(payload) ?? new Uint8Array());
    // Answer first, as the device expects a reply to every sync whatever it carried.
    this.#write(replyFrame(seqno));
    for (const message of messages) {
      if (this.#closed) return;
      this.#receiver?.message(message);
    }
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#socket.destroy();
    if (error) this.#logger.debug("airplay data stream ended: %s", error.message);
    for (const listener of [
      (e: Error | undefined) => this.#receiver?.closed(e),
      ...this.#closeListeners,
    ]) {
      try {
        listener(error);
      } catch (listenerError) {
        this.#logger.debug("airplay data stream: close handler failed: %o", listenerError);
      }
    }
    this.#closeListeners.clear();
  }
}
