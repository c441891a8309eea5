// One HTTP/RTSP connection to an AirPlay device: requests answered in order, and after
// pair-verify the same connection sealed with HAP's framed encryption (pyatv's
// support/http.py HttpConnection with its send/receive processors).

import type { Socket } from "node:net";
import { HapFrameCipher } from "@atv/hap";
import {
  AtvError,
  AuthenticationError,
  ConnectionLostError,
  deadline,
  HttpError,
  InvalidCredentialsError,
  type Logger,
  OperationTimeoutError,
  ProtocolError,
  silentLogger,
  tcpConnect,
} from "@atv/interface";
import { encodeRequest, HttpResponseParser } from "./codec.js";
import type { ExchangeOptions, HttpResponse, OutgoingRequest } from "./types.js";

/** pyatv's wait for any answer of the device. */
export const DEFAULT_REQUEST_TIMEOUT = 10_000;
const DEFAULT_CONNECT_TIMEOUT = 5000;

export interface HttpConnectOptions {
  /** Longest wait for the TCP connection, in milliseconds; default 5000. */
  timeout?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Longest wait for each response unless a request says otherwise; default 10000. */
  requestTimeout?: number;
}

interface Pending {
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Requests are answered in the order they were sent (devices do not reorder), so the
 * next response goes to the oldest waiting request. Bad input from the device (an
 * unparseable response, a failed decryption) ends the connection: every waiting request
 * and the close listeners hear why.
 */
export class HttpConnection {
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly #socket: Socket;
  readonly #logger: Logger;
  readonly #requestTimeout: number;
  readonly #parser = new HttpResponseParser();
  readonly #pending: Pending[] = [];
  readonly #closeListeners = new Set<(error: Error | undefined) => void>();
  #cipher: HapFrameCipher | undefined;
  #closed = false;
  #closeError: Error | undefined;

  constructor(socket: Socket, options: Omit<HttpConnectOptions, "timeout" | "signal"> = {}) {
    this.#socket = socket;
    this.#logger = options.logger ?? silentLogger;
    this.#requestTimeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
    this.localAddress = socket.localAddress ?? "";
    this.remoteAddress = socket.remoteAddress ?? "";
    this.remotePort = socket.remotePort ?? 0;
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) =>
      this.fail(new ConnectionLostError(`connection error: ${error.message}`, { cause: error })),
    );
    socket.on("close", () => {
      if (!this.#closed) this.fail(new ConnectionLostError("connection closed by device"));
    });
  }

  /**
   * Opens a TCP connection. An unreachable host, a refused port or no answer within
   * `timeout` is a ConnectionFailedError; an abort of `signal` rejects with its reason.
   */
  static async connect(
    host: string,
    port: number,
    options: HttpConnectOptions = {},
  ): Promise<HttpConnection> {
    const socket = await tcpConnect(host, port, {
      timeout: options.timeout ?? DEFAULT_CONNECT_TIMEOUT,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new HttpConnection(socket, options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get closeError(): Error | undefined {
    return this.#closeError;
  }

  get encrypted(): boolean {
    return this.#cipher !== undefined;
  }

  /** From now on both directions are HAP frames sealed with these keys. */
  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void {
    this.#cipher = new HapFrameCipher(outputKey, inputKey);
  }

  /** Hears the end of the connection once: undefined after close(), else why. */
  onClose(listener: (error: Error | undefined) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * Sends one request and resolves with its response. 470 is an InvalidCredentialsError,
   * 401 and 403 AuthenticationError, any other status outside 2xx an HttpError (unless
   * `allowErrorStatus`); no answer in time an OperationTimeoutError.
   */
  readonly exchange = (
    request: OutgoingRequest,
    options: ExchangeOptions = {},
  ): Promise<HttpResponse> => {
    const { signal, timeout = this.#requestTimeout } = options;
    signal?.throwIfAborted();
    if (this.#closed) {
      return Promise.reject(
        this.#closeError ?? new ConnectionLostError("cannot send: the connection is closed"),
      );
    }
    const what = `${request.method} ${request.uri}`;
    const bound = deadline(timeout, signal);
    return new Promise<HttpResponse>((resolve, reject) => {
      const pending: Pending = {
        resolve: (response) => {
          finish();
          try {
            resolve(checkStatus(response, what, options.allowErrorStatus ?? false));
          } catch (error) {
            reject(error);
          }
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      const onAbort = (): void => {
        // The answer may still come: the slot stays, so later answers keep their order.
        finish();
        reject(
          bound.timedOut
            ? new OperationTimeoutError(`no response to ${what} within ${timeout} ms`)
            : signal?.reason,
        );
      };
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        bound.signal.removeEventListener("abort", onAbort);
        bound.clear();
      };
      bound.signal.addEventListener("abort", onAbort, { once: true });
      this.#pending.push({
        resolve: (response) => {
          if (!done) pending.resolve(response);
        },
        reject: (error) => {
          if (!done) pending.reject(error);
        },
      });
      this.#write(encodeRequest(request));
      this.#logger.debug("airplay >> %s", what);
    });
  };

  /** Ends the connection; waiting requests fail with ConnectionLostError. Idempotent. */
  close(): void {
    this.#end(undefined);
  }

  /** Ends the connection because of `error`, which waiting requests and listeners hear. */
  fail(error: Error): void {
    this.#end(error);
  }

  #write(bytes: Uint8Array): void {
    this.#socket.write(this.#cipher ? this.#cipher.encrypt(bytes) : bytes);
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      const plain = this.#cipher ? this.#cipher.decrypt(chunk) : chunk;
      if (plain.length === 0) return;
      for (const response of this.#parser.push(plain)) {
        const pending = this.#pending.shift();
        this.#logger.debug("airplay << %d %s", response.status, response.reason);
        if (pending === undefined) {
          this.#logger.debug("airplay: response without a request dropped");
          continue;
        }
        pending.resolve(response);
        if (this.#closed) return;
      }
    } catch (error) {
      this.fail(
        error instanceof AtvError
          ? error
          : new ProtocolError("cannot read the device's answer", { cause: error }),
      );
    }
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#socket.destroy();
    const reason = error ?? new ConnectionLostError("the connection was closed");
    for (const pending of this.#pending.splice(0)) pending.reject(reason);
    for (const listener of [...this.#closeListeners]) {
      try {
        listener(error);
      } catch (listenerError) {
        this.#logger.debug("airplay: close listener failed: %o", listenerError);
      }
    }
    this.#closeListeners.clear();
  }
}

/** pyatv's mapping of statuses to errors, plus 470 (pyatv maps it where SETUP is sent). */
export function checkStatus(
  response: HttpResponse,
  what: string,
  allowError: boolean,
): HttpResponse {
  const { status, reason } = response;
  if (status >= 200 && status < 300) return response;
  if (allowError) return response;
  if (status === 470) {
    throw new InvalidCredentialsError(`${what}: invalid or missing credentials (470 ${reason})`);
  }
  if (status === 401 || status === 403) {
    throw new AuthenticationError(`${what}: not authenticated (${status} ${reason})`);
  }
  throw new HttpError(`${what} failed with ${status} ${reason}`, status);
}
