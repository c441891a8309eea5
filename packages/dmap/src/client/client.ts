// A connected DMAP client: logs in, reads the play status once (pyatv's _connect does, for
// the volume features) and offers metadata, push updates, remote control, volume steps
// and features. DMAP has no lasting connection: a lost one shows when a request or the
// long poll finds the device gone, and the device listener hears it once.

import {
  type AbortOptions,
  type DeviceListener,
  deadline,
  type Logger,
  OperationTimeoutError,
  silentLogger,
} from "@atv/interface";
import { DmapAudio } from "./audio.js";
import { DmapCommands } from "./commands.js";
import { DaapRequester } from "./daap-requester.js";
import { DmapFeatures } from "./features.js";
import { DmapHttpClient } from "./http-client.js";
import { DmapMetadata } from "./metadata.js";
import { DmapPushUpdater } from "./push-updater.js";
import { DmapRemoteControl } from "./remote-control.js";

export interface DmapConnectOptions extends AbortOptions {
  host: string;
  port: number;
  /** A pairing GUID ("0x" and 16 hex digits) or a Home Sharing id (a UUID). */
  credentials: string;
  /** The device's identifier, given back as metadata.deviceId. */
  deviceId?: string;
  /** Longest wait for login and the first play status, in milliseconds (default 10 s). */
  timeout?: number;
  listener?: DeviceListener;
  logger?: Logger;
  /** Pause after a failed push update poll, in milliseconds (default 1000). */
  pushRetryDelay?: number;
}

const DEFAULT_CONNECT_TIMEOUT = 10_000;

export class DmapClient {
  readonly http: DmapHttpClient;
  readonly requester: DaapRequester;
  readonly commands: DmapCommands;
  readonly metadata: DmapMetadata;
  readonly remoteControl: DmapRemoteControl;
  readonly audio: DmapAudio;
  readonly features: DmapFeatures;
  readonly pushUpdater: DmapPushUpdater;
  readonly #listener: DeviceListener | undefined;
  readonly #logger: Logger;
  #ended = false;

  /** Builds a client without talking to the device; connectDmap() also logs in. */
  constructor(options: Omit<DmapConnectOptions, "signal" | "timeout">) {
    this.#logger = options.logger ?? silentLogger;
    this.#listener = options.listener;
    this.http = new DmapHttpClient({
      host: options.host,
      port: options.port,
      logger: this.#logger,
    });
    this.requester = new DaapRequester(this.http, options.credentials, this.#logger);
    this.commands = new DmapCommands(this.requester);
    this.metadata = new DmapMetadata(this.commands, options.deviceId);
    this.remoteControl = new DmapRemoteControl(this.commands);
    this.audio = new DmapAudio(this.commands);
    this.features = new DmapFeatures(this.commands, this.audio);
    this.pushUpdater = new DmapPushUpdater(this.commands, {
      logger: this.#logger,
      ...(options.pushRetryDelay !== undefined ? { retryDelay: options.pushRetryDelay } : {}),
      onConnectionLost: (error) => this.#lost(error),
    });
  }

  /**
   * Ends push updates, logs out and closes the sockets; the listener hears
   * connectionClosed(). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.pushUpdater.finish();
    await this.requester.logout();
    this.http.close();
    this.#tell((listener) => listener.connectionClosed());
  }

  #lost(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.http.close();
    this.#tell((listener) => listener.connectionLost(error));
  }

  #tell(call: (listener: DeviceListener) => void): void {
    if (this.#listener == null) return;
    try {
      call(this.#listener);
    } catch (error) {
      this.#logger.debug("dmap: device listener failed: %o", error);
    }
  }
}

/**
 * Connects to a DMAP service: logs in with the credentials and reads what plays. Throws
 * InvalidCredentialsError, AuthenticationError, ConnectionFailedError or
 * OperationTimeoutError; nothing is left open then.
 */
export async function connectDmap(options: DmapConnectOptions): Promise<DmapClient> {
  options.signal?.throwIfAborted();
  const client = new DmapClient(options);
  const timeout = options.timeout ?? DEFAULT_CONNECT_TIMEOUT;
  const wait = deadline(timeout, options.signal);
  try {
    await client.requester.login({ signal: wait.signal, timeout: 0 });
    await client.commands.playstatus({ signal: wait.signal, timeout: 0 });
    // Only where the device says it has volume control (cavc), as iTunes does.
    if (client.features.volumeControl) await client.audio.refresh({ signal: wait.signal });
    return client;
  } catch (error) {
    client.http.close();
    if (wait.timedOut) {
      throw new OperationTimeoutError(`no DMAP login within ${timeout} ms`, { cause: error });
    }
    throw error;
  } finally {
    wait.clear();
  }
}
