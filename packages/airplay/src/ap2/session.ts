// A high-level AirPlay 2 session (pyatv's ap2_session.py): the control connection
// verified and encrypted, then the remote-control channels — event channel, RECORD, and
// the data stream that carries MRP — and the keep-alive every 2 seconds.

import { randomBytes, randomUUID } from "node:crypto";
import type { HapCredentials, SharedSecret } from "@atv/hap";
import {
  ConnectionLostError,
  type InfoSettings,
  InvalidStateError,
  type Logger,
  ProtocolError,
  silentLogger,
  tcpConnect,
} from "@atv/interface";
import { plistDict } from "@atv/plist";
import { controlKeys, dataStreamKeys, eventsKeys } from "../auth/keys.js";
import { verifyConnection } from "../auth/verify.js";
import { HttpConnection } from "../http/connection.js";
import { RtspSession } from "../http/rtsp-session.js";
import { DataStreamChannel } from "./data-stream-channel.js";
import { EventChannel } from "./event-channel.js";

/** What iOS uses between keep-alives (pyatv's FEEDBACK_INTERVAL). */
export const FEEDBACK_INTERVAL = 2000;

/** The remote-control data stream's type and client type (pyatv's ap2_session.py). */
const REMOTE_CONTROL_STREAM_TYPE = 130;
const REMOTE_CONTROL_CLIENT_TYPE_UUID = "1910A70F-DBC0-4242-AF95-115DB30604E1";

export interface Ap2SessionOptions {
  /** Longest wait for each connection and each answer, in milliseconds. */
  timeout?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** How this client presents itself in SETUP. */
  info: InfoSettings;
  /** Milliseconds between keep-alives; default 2000. */
  feedbackInterval?: number;
}

export class Ap2Session {
  readonly connection: HttpConnection;
  readonly rtsp: RtspSession;
  readonly #secret: SharedSecret | undefined;
  readonly #options: Ap2SessionOptions;
  readonly #logger: Logger;
  #eventChannel: EventChannel | undefined;
  #dataChannel: DataStreamChannel | undefined;
  #feedbackTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #lostListeners = new Set<(error: Error) => void>();

  private constructor(
    connection: HttpConnection,
    secret: SharedSecret | undefined,
    options: Ap2SessionOptions,
  ) {
    this.connection = connection;
    this.rtsp = new RtspSession(connection);
    this.#secret = secret;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    connection.onClose((error) => this.#lost(error));
  }

  /**
   * Connects to the AirPlay service, verifies the credentials and, when the verify gave
   * keys (HAP, transient), seals the connection with the control keys.
   */
  static async connect(
    host: string,
    port: number,
    credentials: HapCredentials,
    options: Ap2SessionOptions,
  ): Promise<Ap2Session> {
    const connection = await HttpConnection.connect(host, port, {
      ...(options.timeout === undefined
        ? {}
        : { timeout: options.timeout, requestTimeout: options.timeout }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    try {
      const secret = await verifyConnection(credentials, connection.exchange, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (secret !== undefined) {
        const keys = controlKeys(secret);
        connection.enableEncryption(keys.outputKey, keys.inputKey);
      }
      return new Ap2Session(connection, secret, options);
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** The data stream carrying MRP, once `setupRemoteControl()` has opened it. */
  get dataChannel(): DataStreamChannel | undefined {
    return this.#dataChannel;
  }

  /** True when the verify gave keys and the connection is sealed. */
  get verified(): boolean {
    return this.#secret !== undefined;
  }

  /** Opens the event channel, RECORDs, then opens the remote-control data stream. */
  async setupRemoteControl(): Promise<DataStreamChannel> {
    const secret = this.#requireSecret();
    const options = this.#requestOptions();
    await this.setupEventChannel();
    await this.rtsp.record(options);

    const seed = randomBytes(8).readBigUInt64BE();
    const streamAnswer = plistDict(
      await this.rtsp.setup(
        {
          streams: [
            {
              controlType: 2,
              channelID: randomUUID().toUpperCase(),
              seed,
              clientUUID: randomUUID().toUpperCase(),
              type: REMOTE_CONTROL_STREAM_TYPE,
              wantsDedicatedSocket: true,
              clientTypeUUID: REMOTE_CONTROL_CLIENT_TYPE_UUID,
            },
          ],
        },
        options,
      ),
      "SETUP answer",
    );
    const streams = streamAnswer.streams;
    const stream = Array.isArray(streams) ? streams[0] : undefined;
    const dataPort = portOf(plistDict(stream, "SETUP answer's stream").dataPort, "dataPort");
    const dataSocket = await tcpConnect(
      this.connection.remoteAddress,
      dataPort,
      this.#connectOptions(),
    );
    const channel = new DataStreamChannel(dataSocket, dataStreamKeys(secret, seed), {
      logger: this.#logger,
    });
    this.#dataChannel = channel;
    channel.onClose((error) => {
      if (error !== undefined) this.#lost(error);
    });
    return channel;
  }

  /** The session's SETUP, which opens the event channel (the device's eventPort). */
  async setupEventChannel(): Promise<void> {
    const secret = this.#requireSecret();
    const info = this.#options.info;
    const answer = plistDict(
      await this.rtsp.setup(
        {
          isRemoteControlOnly: true,
          osName: info.osName,
          sourceVersion: "550.10",
          timingProtocol: "None",
          model: info.model,
          deviceID: info.deviceId,
          osVersion: info.osVersion,
          osBuildVersion: info.osBuild,
          macAddress: info.mac,
          sessionUUID: randomUUID().toUpperCase(),
          name: info.name,
        },
        this.#requestOptions(),
      ),
      "SETUP answer",
    );
    const eventPort = portOf(answer.eventPort, "eventPort");
    const socket = await tcpConnect(
      this.connection.remoteAddress,
      eventPort,
      this.#connectOptions(),
    );
    this.#eventChannel = new EventChannel(socket, eventsKeys(secret), {
      logger: this.#logger,
      onClose: (error) => this.#lost(error),
    });
  }

  /**
   * Sends /feedback every 2 seconds; a failed one ends the session, and `onLost`
   * listeners hear why (so do calls waiting on the data stream).
   */
  startKeepAlive(): void {
    const interval = this.#options.feedbackInterval ?? FEEDBACK_INTERVAL;
    const beat = (): void => {
      this.#feedbackTimer = setTimeout(() => {
        this.rtsp.feedback(this.#requestOptions()).then(beat, (error: unknown) => {
          this.#lost(
            new ConnectionLostError("the device did not answer the keep-alive", { cause: error }),
          );
        });
      }, interval);
      this.#feedbackTimer.unref();
    };
    beat();
  }

  /** Hears the session end once, with why, unless it was our own close(). */
  onLost(listener: (error: Error) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#feedbackTimer);
    this.#dataChannel?.close();
    this.#eventChannel?.close();
    this.connection.close();
  }

  #lost(error: Error | undefined): void {
    if (this.#closed) return;
    const reason = error ?? new ConnectionLostError("the AirPlay session ended");
    this.#closed = true;
    clearTimeout(this.#feedbackTimer);
    this.#logger.debug("airplay session lost: %s", reason.message);
    // Waiting MRP calls hear it through the data stream.
    this.#dataChannel?.fail(reason);
    this.#eventChannel?.close();
    this.connection.close();
    for (const listener of [...this.#lostListeners]) listener(reason);
    this.#lostListeners.clear();
  }

  #requireSecret(): SharedSecret {
    if (this.#secret === undefined) {
      throw new InvalidStateError("AirPlay 2 channels need HAP or transient credentials");
    }
    return this.#secret;
  }

  #requestOptions(): { timeout?: number } {
    return this.#options.timeout === undefined ? {} : { timeout: this.#options.timeout };
  }

  #connectOptions(): { timeout?: number; signal?: AbortSignal } {
    return {
      ...this.#requestOptions(),
      ...(this.#options.signal ? { signal: this.#options.signal } : {}),
    };
  }
}

function portOf(value: unknown, what: string): number {
  const port = typeof value === "bigint" ? Number(value) : value;
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ProtocolError(`the device's SETUP answer has no valid ${what}`);
  }
  return port;
}
