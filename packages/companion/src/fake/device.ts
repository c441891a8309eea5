// A simulated Companion device on a real loopback socket: the server, its state and its
// connections.

import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { type Logger, silentLogger, tcpListen } from "@atv/interface";
import { type FakeCompanionConfig, FakeCompanionConnection } from "./connection.js";
import { type FakeCompanionEvent, FakeCompanionState } from "./state.js";

export interface FakeCompanionDeviceOptions {
  /** Address to listen on; default 127.0.0.1. */
  address?: string;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** The device's pairing identifier. */
  identifier: string;
  /** The device's long-term Ed25519 seed (32 bytes); random by default. */
  seed?: Uint8Array;
  /** The PIN the device "shows" when a client pairs; default "1111". */
  pin?: string;
  /** Name in `_systemInfo` answers; default "Fake Companion ATV" (pyatv's fake). */
  name?: string;
  /** Model in `_systemInfo` answers; default "AppleTV6,2". */
  model?: string;
  /** Milliseconds of client silence before the device hangs up; default 60 000. */
  idleTimeout?: number;
  /** The longest frame payload accepted; default 256 KiB. */
  maxFrameLength?: number;
  /**
   * Most clients connected at once; default 32. Identified clients are kept however long
   * they are quiet, so this bounds what idle peers can hold; more are refused.
   */
  maxConnections?: number;
  logger?: Logger;
}

export class FakeCompanionDevice {
  /** What the device received and remembers; readable and settable by tests. */
  readonly state: FakeCompanionState;
  readonly #server: Server;
  readonly #port: number;

  private constructor(server: Server, state: FakeCompanionState, port: number) {
    this.#server = server;
    this.state = state;
    this.#port = port;
  }

  static async start(options: FakeCompanionDeviceOptions): Promise<FakeCompanionDevice> {
    const logger = options.logger ?? silentLogger;
    const seed = options.seed ?? randomBytes(32);
    if (seed.length !== 32) throw new RangeError("the device seed must be 32 bytes");
    const config: FakeCompanionConfig = {
      identity: { identifier: options.identifier, seed, pin: options.pin ?? "1111" },
      device: {
        name: options.name ?? "Fake Companion ATV",
        model: options.model ?? "AppleTV6,2",
        identifier: options.identifier,
      },
      idleTimeout: options.idleTimeout ?? 60_000,
      maxFrameLength: options.maxFrameLength ?? 256 * 1024,
      logger,
    };
    const state = new FakeCompanionState();
    const server = createServer((socket: Socket) => {
      new FakeCompanionConnection(socket, state, config);
    });
    server.maxConnections = options.maxConnections ?? 32;
    server.on("error", (error) => logger.debug("fake companion: server error: %s", error.message));
    const port = await tcpListen(server, options.address ?? "127.0.0.1", options.port ?? 0);
    return new FakeCompanionDevice(server, state, port);
  }

  get port(): number {
    return this.#port;
  }

  /**
   * Hears every launch, button, media command, touch, volume and power change, and each
   * change of the keyboard text and focus.
   */
  onEvent(listener: (event: FakeCompanionEvent) => void): () => void {
    return this.state.onEvent(listener);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.state.dropConnections();
    await closed;
  }
}
