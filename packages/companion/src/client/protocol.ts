// Requests, responses and events over a CompanionConnection (after pyatv's
// protocols/companion/protocol.py, MIT).

import { randomInt } from "node:crypto";
import {
  type AbortOptions,
  AnswerWaiters,
  ConnectionLostError,
  type Logger,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import { type CompanionFrame, FrameType } from "../frame.js";
import {
  type CompanionMessage,
  decodeMessage,
  encodeMessage,
  MessageType,
  responseError,
} from "../message.js";
import {
  decodeOpack,
  encodeOpack,
  type OpackDict,
  type OpackEncodable,
  type OpackValue,
} from "../opack.js";
import type { CompanionConnection } from "./connection.js";

/** How long a request waits for its response unless told otherwise (pyatv's 5 s). */
export const DEFAULT_REQUEST_TIMEOUT = 5000;

export interface RequestOptions extends AbortOptions {
  /** Longest wait for the answer, in milliseconds; default 5000. */
  timeout?: number;
}

export interface CompanionProtocolOptions {
  logger?: Logger;
  /** The first `_x`; random in [0, 2^16] (as pyatv) by default. */
  firstXid?: number;
  /** Told once when the connection ends: undefined after `close()`, else the reason. */
  onClosed?: (error: Error | undefined) => void;
}

/** Told of each event with its `_i`: its `_c` (undefined if absent) and the whole message. */
export type CompanionEventListener = (
  content: OpackValue | undefined,
  message: CompanionMessage,
) => void;

/** The auth frames pyatv handles; the answer to a *_Start comes as *_Next. */
const AUTH_FRAMES: ReadonlySet<number> = new Set([
  FrameType.PS_Start,
  FrameType.PS_Next,
  FrameType.PV_Start,
  FrameType.PV_Next,
]);
const OPACK_FRAMES: ReadonlySet<number> = new Set([
  FrameType.U_OPACK,
  FrameType.E_OPACK,
  FrameType.P_OPACK,
]);

/**
 * The Companion protocol over one connection. Requests go out as E_OPACK with `_x`
 * counting up from a random start and are matched to responses by `_x`; auth frames carry
 * no usable `_x`, so the answer to a PS or PV frame is the next PS_Next or PV_Next (as
 * pyatv matches them). Events are dispatched by `_i`. Undecodable OPACK ends the
 * connection; every waiting call then hears ConnectionLostError.
 */
export class CompanionProtocol {
  readonly connection: CompanionConnection;
  readonly #logger: Logger;
  readonly #options: CompanionProtocolOptions;
  readonly #waiters = new AnswerWaiters<string, unknown>();
  readonly #listeners = new Map<string, Set<CompanionEventListener>>();
  #xid: number;
  #closed = false;

  constructor(connection: CompanionConnection, options: CompanionProtocolOptions = {}) {
    this.connection = connection;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#xid = options.firstXid ?? randomInt(0, 2 ** 16 + 1);
    connection.setHandler({
      frame: (frame) => this.#receive(frame),
      closed: (error) => this.#connectionClosed(error),
    });
    if (connection.closed) this.#connectionClosed(connection.closeError);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one auth frame (`{_pd, ...}` as OPACK, with an `_x` as pyatv adds) and returns
   * the device's answer: PS_Start and PS_Next are answered on PS_Next, PV_Start and
   * PV_Next on PV_Next.
   */
  exchangeAuth(
    frameType: FrameType,
    data: Readonly<Record<string, OpackEncodable>>,
    options: RequestOptions = {},
  ): Promise<OpackDict> {
    if (!AUTH_FRAMES.has(frameType)) {
      return Promise.reject(new RangeError(`frame type ${frameType} is not an auth frame`));
    }
    const answer =
      frameType === FrameType.PS_Start
        ? FrameType.PS_Next
        : frameType === FrameType.PV_Start
          ? FrameType.PV_Next
          : frameType;
    const payload = encodeOpack({ ...data, _x: this.#nextXid() });
    return this.#exchange(
      `frame:${answer}`,
      frameType,
      payload,
      `auth frame ${frameType}`,
      options,
    ) as Promise<OpackDict>;
  }

  /**
   * Sends a request and returns the `_c` of its response (undefined if it has none). An
   * error in the response is a CommandError with the device's text; no answer within
   * `timeout` an OperationTimeoutError; an abort rejects with the signal's reason; the
   * connection ending first a ConnectionLostError.
   */
  async request(
    identifier: string,
    content: OpackEncodable = {},
    options: RequestOptions = {},
  ): Promise<OpackValue | undefined> {
    const xid = this.#nextXid();
    const payload = encodeMessage({ identifier, type: MessageType.Request, content, xid });
    const response = (await this.#exchange(
      `xid:${xid}`,
      FrameType.E_OPACK,
      payload,
      identifier,
      options,
    )) as CompanionMessage;
    const error = responseError(response);
    if (error !== undefined) throw error;
    return response.content;
  }

  /** Sends an event (`_t` 1); nothing answers it. */
  sendEvent(identifier: string, content: OpackEncodable = {}): void {
    this.#checkOpen();
    const payload = encodeMessage({
      identifier,
      type: MessageType.Event,
      content,
      xid: this.#nextXid(),
    });
    this.connection.send(FrameType.E_OPACK, payload);
  }

  /** Calls `listener` with every event whose `_i` is `identifier`; returns the unsubscribe. */
  onEvent(identifier: string, listener: CompanionEventListener): () => void {
    let listeners = this.#listeners.get(identifier);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(identifier, listeners);
    }
    listeners.add(listener);
    return () => {
      this.#listeners.get(identifier)?.delete(listener);
    };
  }

  /** Closes the connection; waiting calls hear ConnectionLostError. Idempotent. */
  close(): void {
    this.connection.close();
  }

  #nextXid(): number {
    const xid = this.#xid;
    this.#xid = xid >= Number.MAX_SAFE_INTEGER ? 0 : xid + 1;
    return xid;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new ConnectionLostError("the connection to the device is closed", {
        cause: this.connection.closeError,
      });
    }
  }

  #exchange(
    key: string,
    frameType: number,
    payload: Uint8Array,
    what: string,
    options: RequestOptions,
  ): Promise<unknown> {
    const { signal, timeout = DEFAULT_REQUEST_TIMEOUT } = options;
    try {
      signal?.throwIfAborted();
      this.#checkOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#waiters.wait(key, { timeout, signal, what }, () =>
      this.connection.send(frameType, payload),
    );
  }

  #receive(frame: CompanionFrame): void {
    if (AUTH_FRAMES.has(frame.type)) {
      let dict: OpackValue;
      try {
        dict = decodeOpack(frame.payload);
        if (!(dict instanceof Map)) throw new ProtocolError("auth frame is not a dictionary");
      } catch (error) {
        this.connection.fail(asProtocolError(error));
        return;
      }
      if (!this.#waiters.answer(`frame:${frame.type}`, dict)) {
        this.#logger.debug("companion: no receiver for auth frame %d", frame.type);
      }
      return;
    }
    if (!OPACK_FRAMES.has(frame.type)) {
      this.#logger.debug("companion: ignored frame type %d", frame.type);
      return;
    }
    let message: CompanionMessage;
    try {
      message = decodeMessage(frame.payload);
    } catch (error) {
      this.connection.fail(asProtocolError(error));
      return;
    }
    if (message.type === MessageType.Response) {
      const key = `xid:${message.xid}`;
      if (!this.#waiters.answer(key, message)) {
        this.#logger.debug("companion: no receiver for _x %s", message.xid);
      }
    } else if (message.type === MessageType.Event && message.identifier !== undefined) {
      this.#dispatch(message.identifier, message);
    } else {
      this.#logger.debug("companion: ignored message of type %s", message.type);
    }
  }

  #dispatch(identifier: string, message: CompanionMessage): void {
    const listeners = this.#listeners.get(identifier);
    if (!listeners || listeners.size === 0) {
      this.#logger.debug("companion: no listener for event %s", identifier);
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(message.content, message);
      } catch (error) {
        this.#logger.debug("companion: listener of %s failed: %o", identifier, error);
      }
    }
  }

  #connectionClosed(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.failAll(() =>
      error instanceof ConnectionLostError
        ? error
        : new ConnectionLostError(
            error === undefined
              ? "the connection was closed"
              : `the connection was closed: ${error.message}`,
            { cause: error },
          ),
    );
    this.#options.onClosed?.(error);
  }
}

function asProtocolError(error: unknown): Error {
  if (error instanceof ProtocolError) return error;
  return new ProtocolError(`bad Companion message: ${String(error)}`, { cause: error });
}
