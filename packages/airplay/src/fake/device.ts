// A simulated AirPlay receiver on a real loopback socket: pairing (HAP, legacy,
// transient), verify and encrypted RTSP, the AirPlay 2 remote-control tunnel bridged to a
// fake MRP device, and play URL requests.

import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { type Logger, silentLogger, tcpListen } from "@atv/interface";
import type { MrpTransport } from "@atv/mrp";
import type { PlistInput } from "@atv/plist";
import {
  type FakeAirPlayActivity,
  FakeControlConnection,
  type FakePlaybackEndpoint,
} from "./control-connection.js";
import {
  FakePlayback,
  type FakePlaybackEvent,
  type FakePlaybackOptions,
  PLAYBACK_PATHS,
} from "./playback.js";
import { type FakeAirPlayPairing, FakeAirPlayPairingServer } from "./recorded-pairings.js";

/** Close a client connection that sends nothing for this long: a stalled peer. */
export const IDLE_TIMEOUT = 60_000;
/** How many clients may be connected at once. */
export const MAX_CONNECTIONS = 32;

export interface FakeAirPlayDeviceOptions {
  /** Address to listen on; default 127.0.0.1. */
  address?: string;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** The pairing identifier of the device ("pi"); a random UUID by default. */
  identifier?: string;
  /** The device's long-term Ed25519 seed (32 bytes); random by default. */
  seed?: Uint8Array;
  /** The PIN the device "shows" when a client pairs; default "1111". */
  pin?: string;
  /** Clients paired in an earlier run. */
  pairings?: readonly FakeAirPlayPairing[];
  /** Speak legacy pairing (/pair-setup-pin) too; default true. */
  legacyPairing?: boolean;
  /** Serves MRP over the tunnel's data stream (a fake MRP device); no tunnel without it. */
  mrp?: { serve(transport: MrpTransport): unknown };
  /** Play URL requests; pass false for a receiver without video. */
  playback?: FakePlaybackOptions | false;
  /** What GET /info answers. */
  info?: PlistInput;
  /** Milliseconds of silence after which a client is dropped; default 60 s. */
  idleTimeout?: number;
  /** Most clients connected at once; default 32. More are refused. */
  maxConnections?: number;
  logger?: Logger;
}

export type FakeAirPlayEvent =
  | ({ readonly kind: "session" } & FakeAirPlayActivity)
  | ({ readonly kind: "playback" } & FakePlaybackEvent);

export class FakeAirPlayDevice {
  /** Its pairing endpoints; `pairing.pairings` lists and watches the paired clients. */
  readonly pairing: FakeAirPlayPairingServer;
  readonly playback: FakePlayback | undefined;
  readonly #server: Server;
  readonly #connections: Set<FakeControlConnection>;
  readonly #listeners: Set<(event: FakeAirPlayEvent) => void>;

  private constructor(
    server: Server,
    pairing: FakeAirPlayPairingServer,
    playback: FakePlayback | undefined,
    connections: Set<FakeControlConnection>,
    listeners: Set<(event: FakeAirPlayEvent) => void>,
  ) {
    this.#server = server;
    this.pairing = pairing;
    this.playback = playback;
    this.#connections = connections;
    this.#listeners = listeners;
  }

  static async start(options: FakeAirPlayDeviceOptions = {}): Promise<FakeAirPlayDevice> {
    const logger = options.logger ?? silentLogger;
    const address = options.address ?? "127.0.0.1";
    const seed = options.seed ?? randomBytes(32);
    const pairing = new FakeAirPlayPairingServer({
      identifier: options.identifier ?? randomUUID(),
      seed,
      pin: options.pin ?? "1111",
      legacy: options.legacyPairing ?? true,
    });
    for (const paired of options.pairings ?? []) pairing.pairings.restore(paired);
    const playback =
      options.playback === false ? undefined : new FakePlayback({ logger, ...options.playback });
    const listeners = new Set<(event: FakeAirPlayEvent) => void>();
    const emit = (event: FakeAirPlayEvent): void => {
      for (const listener of [...listeners]) listener(event);
    };
    playback?.onEvent((event) => emit({ kind: "playback", ...event }));
    const endpoint: FakePlaybackEndpoint | undefined = playback && {
      handles: (_method, path) => PLAYBACK_PATHS.has(path),
      handle: (method, path, headers, body) => playback.handle(method, path, headers, body),
    };
    const info = options.info ?? { features: 0, statusFlags: 4 };
    const connections = new Set<FakeControlConnection>();
    const server = createServer((socket: Socket) => {
      const connection = new FakeControlConnection(socket, {
        address,
        pairing: () => pairing.session(),
        playback: endpoint,
        mrp: options.mrp,
        info: () => info,
        idleTimeout: options.idleTimeout ?? IDLE_TIMEOUT,
        logger,
        report: (activity) => emit({ kind: "session", ...activity }),
      });
      connections.add(connection);
      socket.once("close", () => connections.delete(connection));
    });
    server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
    server.on("error", (error) => logger.debug("fake airplay: server error: %s", error.message));
    await tcpListen(server, address, options.port ?? 0);
    return new FakeAirPlayDevice(server, pairing, playback, connections, listeners);
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** The clients connected now (their tunnels, for tests that inject faults). */
  get connections(): ReadonlySet<FakeControlConnection> {
    return this.#connections;
  }

  /** Hears set-up steps and play requests; returns the unsubscribe. */
  onEvent(listener: (event: FakeAirPlayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const connection of [...this.#connections]) connection.close();
    await Promise.all([closed, this.playback?.close()]);
  }
}
