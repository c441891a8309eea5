// The fake device's end of the event channel: it sends a request, as a real receiver
// does, and holds the client to answering it 200.

import type { Socket } from "node:net";
import { HapFrameCipher, type SessionKeys } from "@atv/hap";
import { type Logger, silentLogger } from "@atv/interface";
import { encodePlist, type PlistInput } from "@atv/plist";
import { encodeRequest, HttpResponseParser } from "../http/codec.js";

/** The most answers remembered: a client answering forever must not grow the fake. */
export const MAX_ANSWERS = 1000;
/** The most bytes waiting for a whole frame or answer (a client says little here). */
const MAX_BUFFERED = 64 * 1024;

export class FakeEventChannel {
  readonly #socket: Socket;
  readonly #cipher: HapFrameCipher;
  readonly #parser = new HttpResponseParser();
  readonly #logger: Logger;
  #cseq = 0;
  #closed = false;
  /** Statuses of the client's answers, in order; the last MAX_ANSWERS. */
  readonly answers: number[] = [];

  constructor(socket: Socket, keys: SessionKeys, logger: Logger = silentLogger) {
    this.#socket = socket;
    this.#cipher = new HapFrameCipher(keys.outputKey, keys.inputKey);
    this.#logger = logger;
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", () => this.close());
    socket.on("close", () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a request with a plist body, as receivers do to report a change; false when closed. */
  send(uri: string, body: PlistInput): boolean {
    if (this.#closed) return false;
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
    this.#socket.write(this.#cipher.encrypt(request));
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      const plain = this.#cipher.decrypt(chunk);
      if (this.#cipher.bufferedBytes > MAX_BUFFERED) throw new RangeError("event channel flooded");
      for (const response of this.#parser.push(plain)) {
        this.answers.push(response.status);
        if (this.answers.length > MAX_ANSWERS) this.answers.shift();
        if (response.status !== 200) {
          this.#logger.debug("fake airplay: event answered %d, closing", response.status);
          this.close();
          return;
        }
      }
    } catch (error) {
      this.#logger.debug("fake airplay: bad input on the event channel: %o", error);
      this.close();
    }
  }
}
