// A simulated Apple TV 3 as a DACP remote sees it: an HTTP server on a real loopback
// socket, its state, its sessions, and (optionally) its eye on remotes wanting to pair.

import { createServer, type Server } from "node:http";
import { type Logger, silentLogger, tcpListen } from "@atv/interface";
import {
  type AnnouncementSource,
  FakeDmapPairingWatcher,
  type FakeDmapPairingWatcherOptions,
} from "./pairing-watcher.js";
import { FakeDmapService } from "./service.js";
import { FakeDmapSessions } from "./sessions.js";
import { type FakeDmapEvent, FakeDmapState, type FakeDmapStateOptions } from "./state.js";

export interface FakeDmapDeviceOptions extends FakeDmapStateOptions {
  /** Address to listen on; default 127.0.0.1. */
  readonly address?: string;
  /** Port to listen on; default 0 (any free port; read `port` after start). */
  readonly port?: number;
  /** Name in /server-info (minm); default "Fake DMAP ATV". */
  readonly name?: string;
  /** The DMAP id (16 hex digits); the /pair servicename is made from it. */
  readonly identifier?: string;
  /** Milliseconds a login session lives unused; default 1 800 000 (mstm 1800, as iTunes). */
  readonly sessionTimeout?: number;
  /** Most sessions at once; the least recently used goes first; default 64. */
  readonly maxSessions?: number;
  /** Milliseconds a playstatusupdate long poll is held without a change; default 1 800 000. */
  readonly playStatusTimeout?: number;
  /** Milliseconds a keep-alive connection may sit between requests; default 60 000. */
  readonly idleTimeout?: number;
  /** Milliseconds a client has to send a request's headers; default 10 000. */
  readonly headersTimeout?: number;
  /** Milliseconds a client has to send a whole request; default 30 000. */
  readonly requestTimeout?: number;
  /** Most clients connected at once; more are refused; default 32. */
  readonly maxConnections?: number;
  /** The largest request body accepted (413 beyond); default 64 KiB. */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

export class FakeDmapDevice {
  /** What the device plays and remembers; readable and changeable by tests. */
  readonly state: FakeDmapState;
  readonly #options: FakeDmapDeviceOptions;
  readonly #sessions: FakeDmapSessions;
  readonly #server: Server;
  readonly #watchers = new Set<FakeDmapPairingWatcher>();
  readonly #logger: Logger;
  #port: number | undefined;

  constructor(options: FakeDmapDeviceOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.state = new FakeDmapState(options);
    const sessionTimeout = options.sessionTimeout ?? 1_800_000;
    this.#sessions = new FakeDmapSessions(sessionTimeout, options.maxSessions ?? 64, () =>
      this.state.now(),
    );
    const service = new FakeDmapService(this.state, this.#sessions, {
      name: options.name ?? "Fake DMAP ATV",
      sessionTimeout,
      playStatusTimeout: options.playStatusTimeout ?? 1_800_000,
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
      logger: this.#logger,
    });
    const headersTimeout = options.headersTimeout ?? 10_000;
    const requestTimeout = Math.max(options.requestTimeout ?? 30_000, headersTimeout);
    this.#server = createServer(
      {
        keepAlive: true,
        headersTimeout,
        requestTimeout,
        // How often Node looks for stalled requests; the timeouts are only as fine as this.
        connectionsCheckingInterval: Math.min(1000, headersTimeout),
      },
      (request, response) => void service.handle(request, response),
    );
    this.#server.keepAliveTimeout = options.idleTimeout ?? 60_000;
    this.#server.maxConnections = options.maxConnections ?? 32;
    this.#server.on("error", (error) =>
      this.#logger.debug("fake dmap: server error: %s", error.message),
    );
    this.#server.on("clientError", (error, socket) => {
      this.#logger.debug("fake dmap: client error: %s", error.message);
      socket.destroy();
    });
  }

  /** Starts a device and listens. */
  static async start(options: FakeDmapDeviceOptions = {}): Promise<FakeDmapDevice> {
    return new FakeDmapDevice(options).start();
  }

  /** Listens on the address and port of the options; resolves once it does. */
  async start(): Promise<this> {
    if (this.#port !== undefined) return this;
    const address = this.#options.address ?? "127.0.0.1";
    this.#port = await tcpListen(this.#server, address, this.#options.port ?? 0);
    return this;
  }

  /** The port it listens on; 0 before start. */
  get port(): number {
    return this.#port ?? 0;
  }

  /** Hears every command, key, property change, login and pairing. */
  onEvent(listener: (event: FakeDmapEvent) => void): () => void {
    return this.state.onEvent(listener);
  }

  /** Ends every session: clients must log in again (pyatv's force_relogin). */
  logoutAll(): void {
    this.#sessions.clear();
  }

  /**
   * Watches `source` (atvfake's ZeroconfResponder) for remotes announcing
   * _touch-remote._tcp and pairs with each, as a device in Settings > Remotes does; a
   * remote that answers rightly can log in with its pairing GUID. Returns a function that
   * stops watching; close() stops it too.
   */
  watchForRemotes(
    source: AnnouncementSource,
    options: Omit<FakeDmapPairingWatcherOptions, "state" | "identifier"> = {},
  ): () => void {
    const watcher = new FakeDmapPairingWatcher(source, {
      ...options,
      state: this.state,
      identifier: this.#options.identifier,
    });
    this.#watchers.add(watcher);
    return () => {
      this.#watchers.delete(watcher);
      watcher.close();
    };
  }

  /** Stops listening, answers held long polls, drops every connection. */
  async close(): Promise<void> {
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers.clear();
    this.state.close();
    if (this.#port === undefined) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}
