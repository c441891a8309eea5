// A simulated MRP device on a real loopback socket: the server, its state and its
// connections.

import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { type Logger, silentLogger, tcpListen } from "@atv/interface";
import { StreamTransport } from "../stream-transport.js";
import type { MrpTransport } from "../transport.js";
import { DOUBLE_TAP_WINDOW } from "./button-tracker.js";
import { FakeMrpConnection, type FakeMrpDeviceConfig } from "./service.js";
import { type FakeMrpEvent, FakeMrpState } from "./state.js";
import { FakeMrpUseCases } from "./use-cases.js";

/** How long a silent client is kept (ms). */
export const FAKE_IDLE_TIMEOUT = 60_000;
/** How many clients may be connected at once. */
export const FAKE_MAX_CONNECTIONS = 32;

export interface FakeMrpDeviceOptions {
  /** Address to listen on; default 127.0.0.1. */
  address?: string;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  name: string;
  /** MRP's unique identifier, also the device's pairing identifier. */
  uniqueIdentifier: string;
  /** OS build reported in DEVICE_INFO; default "18M60" (tvOS 14.7, pyatv's fake device). */
  buildNumber?: string;
  /** Model identifier reported in DEVICE_INFO; default "AppleTV6,2". */
  model?: string;
  /** The device's long-term Ed25519 seed (32 bytes); random by default. */
  seed?: Uint8Array;
  /** The PIN the device "shows" when a client pairs; default "1111". */
  pin?: string;
  /**
   * Refuse plain sessions: until a client passes pair-verify, its requests are answered
   * with the error code TheDeviceIsNotPaired and not acted on. Default false (plain
   * sessions accepted, as most devices do).
   */
  requirePairing?: boolean;
  /** Window in ms for a second tap to make a double tap; default 300. */
  doubleTapWindow?: number;
  /**
   * Milliseconds of client silence before the device hangs up; default 60 000 (twice the
   * clients' heartbeat interval, so only a stalled peer is dropped).
   */
  idleTimeout?: number;
  /** Most clients connected over TCP at once; default 32. More are refused. */
  maxConnections?: number;
  logger?: Logger;
}

export class FakeMrpDevice {
  /** What the device received and remembers; readable by tests. */
  readonly state: FakeMrpState;
  /** Scripted situations for tests (faults, pairings). */
  readonly useCases: FakeMrpUseCases;
  readonly #server: Server;
  readonly #port: number;

  readonly #config: FakeMrpDeviceConfig;
  readonly #connections: Set<FakeMrpConnection>;

  private constructor(
    server: Server,
    state: FakeMrpState,
    port: number,
    connections: Set<FakeMrpConnection>,
    config: FakeMrpDeviceConfig,
  ) {
    this.#server = server;
    this.state = state;
    this.#port = port;
    this.#config = config;
    this.#connections = connections;
    this.useCases = new FakeMrpUseCases(state, connections);
  }

  static async start(options: FakeMrpDeviceOptions): Promise<FakeMrpDevice> {
    const logger = options.logger ?? silentLogger;
    const config: FakeMrpDeviceConfig = {
      name: options.name,
      uniqueIdentifier: options.uniqueIdentifier,
      buildNumber: options.buildNumber ?? "18M60",
      model: options.model ?? "AppleTV6,2",
      seed: options.seed ?? randomBytes(32),
      pin: options.pin ?? "1111",
      requirePairing: options.requirePairing ?? false,
      doubleTapWindow: options.doubleTapWindow ?? DOUBLE_TAP_WINDOW,
      logger,
    };
    if (config.seed.length !== 32) throw new RangeError("the device seed must be 32 bytes");
    const state = new FakeMrpState(logger, options.uniqueIdentifier);
    const connections = new Set<FakeMrpConnection>();
    const idleTimeout = options.idleTimeout ?? FAKE_IDLE_TIMEOUT;
    const server = createServer((socket: Socket) => {
      socket.setNoDelay(true);
      const transport = new StreamTransport(socket, { logger, peerName: "client" });
      const connection = new FakeMrpConnection(transport, state, config);
      connections.add(connection);
      socket.setTimeout(idleTimeout, () => {
        logger.debug("fake mrp: client idle, hanging up");
        connection.close();
      });
      socket.once("close", () => connections.delete(connection));
    });
    server.maxConnections = options.maxConnections ?? FAKE_MAX_CONNECTIONS;
    server.on("error", (error) => logger.debug("fake mrp: server error: %s", error.message));
    const port = await tcpListen(server, options.address ?? "127.0.0.1", options.port ?? 0);
    return new FakeMrpDevice(server, state, port, connections, config);
  }

  /**
   * Serves a client whose messages arrive over another carrier than this device's TCP
   * port (the AirPlay 2 tunnel): same state, same answers.
   */
  serve(transport: MrpTransport): FakeMrpConnection {
    const connection = new FakeMrpConnection(transport, this.state, this.#config, () =>
      this.#connections.delete(connection),
    );
    this.#connections.add(connection);
    return connection;
  }

  get port(): number {
    return this.#port;
  }

  /** Hears every command, button, volume and power change; returns the unsubscribe. */
  onEvent(listener: (event: FakeMrpEvent) => void): () => void {
    return this.state.onEvent(listener);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.state.dropConnections();
    await closed;
  }
}
