// Requests and responses over an MrpConnection, connection set-up as a device expects it,
// and the heartbeat (after pyatv's protocols/mrp/protocol.py).

import type { HapCredentials } from "@atv/hap";
import {
  type AbortOptions,
  AnswerWaiters,
  AuthenticationError,
  ConnectionLostError,
  enumName,
  type Logger,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import { parseMrpCredentials, verifyCredentials } from "./auth.js";
import type { MrpConnection } from "./connection.js";
import { ErrorCode, MessageType } from "./protobuf/generated/enums.js";
import {
  clientUpdatesConfigMessage,
  deviceInfoMessage,
  genericMessage,
  getKeyboardSessionMessage,
  setConnectionStateMessage,
} from "./protobuf/messages.js";
import { messageTypeName, payloadOf } from "./protobuf/payloads.js";
import type { DeviceInfoMessage, ProtocolMessage } from "./protobuf/types.js";
import { uniqueIdentifier } from "./unique-identifier.js";

/** How long a request waits for its response unless told otherwise (pyatv's 5 s). */
export const DEFAULT_REQUEST_TIMEOUT = 5000;
/** pyatv's heartbeat: a GENERIC_MESSAGE every 30 s, one immediate retry on failure. */
export const HEARTBEAT_INTERVAL = 30_000;
const HEARTBEAT_RETRIES = 1;
/** The name a device lists this client under unless told otherwise. */
export const DEFAULT_CLIENT_NAME = "atv";

export interface RequestOptions extends AbortOptions {
  /** Longest wait for the response, in milliseconds; default 5000. */
  timeout?: number;
}

export interface MrpProtocolOptions {
  logger?: Logger;
  /** The name sent in our DEVICE_INFO; default "atv". */
  name?: string;
  /** The OS build sent in our DEVICE_INFO (pyatv's info.os_build). */
  systemBuildVersion?: string;
  /** Our identifier in DEVICE_INFO; the credentials' client id when connecting with them. */
  clientId?: string;
  /** Milliseconds between heartbeats; default 30000. */
  heartbeatInterval?: number;
  /** Longest wait for a heartbeat's answer, in milliseconds; default 5000. */
  heartbeatTimeout?: number;
  /** Told once when the connection ends: undefined after `close()`, else the reason. */
  onClosed?: (error: Error | undefined) => void;
}

export interface MrpStartOptions extends RequestOptions {
  /** Pair-verify with these and encrypt the session; without them the session is plain. */
  credentials?: HapCredentials | string;
  /** Send heartbeats once set up (default true). */
  heartbeat?: boolean;
}

type MessageHandler = (message: ProtocolMessage) => void;

/**
 * The MRP protocol over one connection. A request is matched to its response by the
 * `identifier` it is sent with; pairing messages carry none, so the response to a
 * CRYPTO_PAIRING_MESSAGE is the next CRYPTO_PAIRING_MESSAGE (as pyatv matches them).
 * Every waiting request hears ConnectionLostError when the connection ends.
 */
export class MrpProtocol {
  readonly connection: MrpConnection;
  readonly #logger: Logger;
  readonly #options: MrpProtocolOptions;
  readonly #waiters = new AnswerWaiters<string, ProtocolMessage>();
  readonly #listeners = new Map<number, Set<MessageHandler>>();
  #clientId: string;
  #deviceInfo: DeviceInfoMessage | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeatFailures = 0;
  #closed = false;

  constructor(connection: MrpConnection, options: MrpProtocolOptions = {}) {
    this.connection = connection;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#clientId = options.clientId ?? uniqueIdentifier();
    connection.setHandler({
      message: (message) => this.#receive(message),
      closed: (error) => this.#connectionClosed(error),
    });
    if (connection.closed) this.#connectionClosed(connection.closeError);
  }

  /** What the device said about itself in its DEVICE_INFO answer. */
  get deviceInfo(): DeviceInfoMessage | undefined {
    return this.#deviceInfo;
  }

  /** Our identifier, as sent in DEVICE_INFO. */
  get clientId(): string {
    return this.#clientId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sets the session up: DEVICE_INFO, pair-verify and encryption when credentials are
   * given, SET_CONNECTION_STATE, CLIENT_UPDATES_CONFIG and GET_KEYBOARD_SESSION (pyatv's
   * order), then the heartbeat. Rejected credentials are an AuthenticationError; on any
   * failure the connection is closed.
   */
  async start(options: MrpStartOptions = {}): Promise<void> {
    const credentials =
      typeof options.credentials === "string"
        ? parseMrpCredentials(options.credentials)
        : options.credentials;
    const request = requestOptions(options);
    try {
      if (credentials !== undefined) {
        this.#clientId = Buffer.from(credentials.clientId).toString("utf8");
      }
      await this.exchangeDeviceInfo(request);
      if (credentials !== undefined) {
        const keys = await verifyCredentials(this, credentials, request);
        this.connection.enableEncryption(keys.outputKey, keys.inputKey);
      }
      // The first message after encryption is enabled (pyatv).
      this.send(setConnectionStateMessage());
      // Sent in pyatv's order, but the answers are awaited together (one round trip).
      const answers = await Promise.all([
        this.sendAndReceive(clientUpdatesConfigMessage(), request),
        this.sendAndReceive(getKeyboardSessionMessage(), request),
      ]);
      for (const answer of answers) checkErrorCode(answer);
    } catch (error) {
      this.close();
      throw error;
    }
    if (options.heartbeat ?? true) {
      this.#scheduleHeartbeat(this.#options.heartbeatInterval ?? HEARTBEAT_INTERVAL);
    }
  }

  /** Sends our DEVICE_INFO and waits for the device's: always the first exchange. */
  async exchangeDeviceInfo(options: RequestOptions = {}): Promise<DeviceInfoMessage> {
    const response = await this.sendAndReceive(
      deviceInfoMessage({
        name: this.#options.name ?? DEFAULT_CLIENT_NAME,
        uniqueIdentifier: this.#clientId,
        ...(this.#options.systemBuildVersion
          ? { systemBuildVersion: this.#options.systemBuildVersion }
          : {}),
      }),
      options,
    );
    checkErrorCode(response);
    const info = payloadOf(response, MessageType.DEVICE_INFO_MESSAGE);
    if (info === undefined) {
      throw new ProtocolError(
        `expected DEVICE_INFO_MESSAGE, got ${messageTypeName(response.type)}`,
      );
    }
    this.#deviceInfo = info;
    return info;
  }

  /** Sends a message that gets no response. */
  send(message: ProtocolMessage): void {
    this.#checkOpen();
    this.connection.send(message);
  }

  /**
   * Sends a request and waits for its response. Rejects with OperationTimeoutError after
   * `timeout`, with the signal's reason on abort, and with ConnectionLostError when the
   * connection ends first.
   */
  sendAndReceive(message: ProtocolMessage, options: RequestOptions = {}): Promise<ProtocolMessage> {
    const { signal, timeout = DEFAULT_REQUEST_TIMEOUT } = options;
    try {
      signal?.throwIfAborted();
      this.#checkOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    let key: string;
    if (message.type === MessageType.CRYPTO_PAIRING_MESSAGE) {
      key = typeKey(message.type);
    } else {
      key = uniqueIdentifier();
      message.identifier = key;
    }
    return this.#waiters.wait(key, { timeout, signal, what: messageTypeName(message.type) }, () =>
      this.connection.send(message),
    );
  }

  /** Calls `handler` with every unsolicited message of `type`; returns the unsubscribe. */
  listen(type: MessageType, handler: MessageHandler): () => void {
    let handlers = this.#listeners.get(type);
    if (!handlers) {
      handlers = new Set();
      this.#listeners.set(type, handlers);
    }
    handlers.add(handler);
    return () => {
      this.#listeners.get(type)?.delete(handler);
    };
  }

  /** Closes the connection; waiting requests hear ConnectionLostError. Idempotent. */
  close(): void {
    this.connection.close();
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new ConnectionLostError("the connection to the device is closed", {
        cause: this.connection.closeError,
      });
    }
  }

  #receive(message: ProtocolMessage): void {
    const key = message.identifier ? message.identifier : typeKey(message.type);
    if (this.#waiters.answer(key, message)) return;
    const handlers = this.#listeners.get(message.type ?? MessageType.UNKNOWN_MESSAGE);
    if (!handlers || handlers.size === 0) {
      this.#logger.debug("mrp: ignored %s", messageTypeName(message.type));
      return;
    }
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.#logger.debug("mrp: listener failed on %s: %o", messageTypeName(message.type), error);
      }
    }
  }

  #connectionClosed(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#heartbeatTimer);
    // Built only when someone waits: a plain close() has nobody to tell.
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

  #scheduleHeartbeat(delay: number): void {
    if (this.#closed) return;
    this.#heartbeatTimer = setTimeout(() => void this.#heartbeat(), delay);
    this.#heartbeatTimer.unref();
  }

  async #heartbeat(): Promise<void> {
    try {
      await this.sendAndReceive(genericMessage(), {
        timeout: this.#options.heartbeatTimeout ?? DEFAULT_REQUEST_TIMEOUT,
      });
      this.#heartbeatFailures = 0;
      this.#scheduleHeartbeat(this.#options.heartbeatInterval ?? HEARTBEAT_INTERVAL);
    } catch (error) {
      if (this.#closed) return;
      this.#heartbeatFailures++;
      this.#logger.debug("mrp: heartbeat failed (%d)", this.#heartbeatFailures);
      if (this.#heartbeatFailures > HEARTBEAT_RETRIES) {
        this.connection.fail(
          new ConnectionLostError("the device does not answer heartbeats", { cause: error }),
        );
      } else {
        // Retried at once, as pyatv does, to recover quickly if possible.
        this.#scheduleHeartbeat(0);
      }
    }
  }
}

function typeKey(type: number | null | undefined): string {
  return `type:${type ?? 0}`;
}

function requestOptions(options: RequestOptions): RequestOptions {
  const request: RequestOptions = {};
  if (options.signal !== undefined) request.signal = options.signal;
  if (options.timeout !== undefined) request.timeout = options.timeout;
  return request;
}

/**
 * Throws when a response carries an error code: a device that wants pairing first answers
 * with TheDeviceIsNotPaired (or an invalid token), which is an AuthenticationError.
 */
export function checkErrorCode(response: ProtocolMessage): void {
  const code = response.errorCode ?? ErrorCode.NoError;
  if (code === ErrorCode.NoError) return;
  const name = enumName(ErrorCode, code) ?? `error ${code}`;
  const description = response.errorDescription ? ` (${response.errorDescription})` : "";
  if (code === ErrorCode.TheDeviceIsNotPaired || code === ErrorCode.AuthenticationTokenIsInvalid) {
    throw new AuthenticationError(`the device requires pairing: ${name}${description}`);
  }
  throw new ProtocolError(`${messageTypeName(response.type)} answered with ${name}${description}`);
}
