// A simulated audio receiver on real loopback sockets: RTSP over TCP, audio, control and
// timing over UDP. "v1" is an AirPlay 1 receiver (an AirPort Express, shairport-sync);
// "v2" an AirPlay 2 speaker, which also pairs (HAP with a PIN, transient), verifies,
// encrypts the RTSP connection and takes plist SETUPs and sealed audio, and still takes
// AirPlay 1 sessions. It keeps every packet it receives (shairport-sync drops the first
// ones after a start or flush; this does not), so a test can compare the PCM with what
// was sent, bit for bit.

import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { type FakeAirPlayPairing, FakeAirPlayPairingServer } from "@atv/airplay/fake";
import { type Logger, silentLogger, tcpListen } from "@atv/interface";
import type { FakeRaopEvent, FakeRaopStream, FakeRaopVersion } from "./events.js";
import { pairingEndpoint } from "./pairing-route.js";
import { RaopConnection } from "./rtsp-connection.js";

/** Close a client that sends nothing (RTSP or audio) for this long: a stalled peer. */
export const IDLE_TIMEOUT = 60_000;
/** How many clients may be connected at once. */
export const MAX_CONNECTIONS = 8;
/** PCM kept per stream for tests to read: 5 minutes (the checksum covers everything). */
export const MAX_PCM_BYTES = 5 * 60 * 44_100 * 4;
/** Completed streams remembered; PCM and artwork only of the newest PCM_STREAMS of them. */
export const MAX_STREAMS = 32;
const PCM_STREAMS = 2;
/** Events remembered in `events`. */
export const MAX_EVENTS = 1000;
/** The volume before a client sets one, in dB (pyatv's fake device starts at -15). */
export const INITIAL_VOLUME = -15;
/** The PIN a v2 receiver "shows" for pair-setup unless told otherwise. */
export const DEFAULT_PIN = "1111";

export interface FakeRaopReceiverOptions {
  /** Address to listen on (TCP and the UDP ports); default 127.0.0.1. */
  address?: string;
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** When set, every request but OPTIONS and GET /info needs HTTP Digest auth (realm "raop"). */
  password?: string;
  /**
   * "v1" (default): AirPlay 1 only. "v2": an AirPlay 2 speaker (pairing, verify, HAP
   * framing, plist SETUPs, sealed audio) that also takes AirPlay 1 sessions.
   */
  version?: FakeRaopVersion;
  /** v2: the PIN pair-setup takes; default "1111". */
  pin?: string;
  /** v2: the pairing identifier of the device; a random UUID by default. */
  identifier?: string;
  /** v2: the device's long-term Ed25519 seed (32 bytes); random by default. */
  seed?: Uint8Array;
  /** v2: clients paired in an earlier run (as FakeAirPlayDevice takes them). */
  pairings?: readonly FakeAirPlayPairing[];
  /**
   * v2: the pairing server to use instead of a new one (pin, identifier, seed and
   * pairings are then ignored): a device shares its paired clients across its ports.
   */
  pairingServer?: FakeAirPlayPairingServer;
  /** Sequence numbers whose first arrival is dropped; the receiver asks for them again. */
  dropSeqnos?: (seqno: number) => boolean;
  /** Milliseconds without RTSP or audio after which a client is dropped; default 60 s. */
  idleTimeout?: number;
  /** Most clients connected at once; default 8. More are refused. */
  maxConnections?: number;
  /** PCM bytes kept per stream; default 5 minutes' worth. */
  maxPcmBytes?: number;
  /** The volume reported before one is set (dB); default -15. */
  initialVolume?: number;
  logger?: Logger;
}

export class FakeRaopReceiver {
  readonly #server: Server;
  readonly #connections = new Set<RaopConnection>();
  readonly #listeners = new Set<(event: FakeRaopEvent) => void>();
  readonly #events: FakeRaopEvent[] = [];
  #streams: FakeRaopStream[] = [];
  readonly #waiters = new Set<() => void>();
  #volume: number;
  /**
   * v2: the pairing endpoints; `pairing.pairings` lists and watches the paired clients
   * (`entries`, `restore`, `onChange`), as FakeAirPlayDevice's. Undefined for v1.
   */
  readonly pairing: FakeAirPlayPairingServer | undefined;
  readonly version: FakeRaopVersion;

  private constructor(
    server: Server,
    initialVolume: number,
    version: FakeRaopVersion,
    pairing: FakeAirPlayPairingServer | undefined,
  ) {
    this.#server = server;
    this.#volume = initialVolume;
    this.version = version;
    this.pairing = pairing;
  }

  static async start(options: FakeRaopReceiverOptions = {}): Promise<FakeRaopReceiver> {
    const version = options.version ?? "v1";
    const logger = options.logger ?? silentLogger;
    const address = options.address ?? "127.0.0.1";
    const initialVolume = options.initialVolume ?? INITIAL_VOLUME;
    const pairing = version === "v2" ? newPairingServer(options) : undefined;
    const server = createServer();
    const receiver = new FakeRaopReceiver(server, initialVolume, version, pairing);
    server.on("connection", (socket: Socket) => {
      const connection = new RaopConnection(socket, {
        address,
        password: options.password,
        dropSeqnos: options.dropSeqnos,
        idleTimeout: options.idleTimeout ?? IDLE_TIMEOUT,
        maxPcmBytes: options.maxPcmBytes ?? MAX_PCM_BYTES,
        initialVolume,
        emit: (event) => receiver.#emit(event),
        completed: (stream) => receiver.#completed(stream),
        logger,
        pairing: pairing && pairingEndpoint(pairing),
      });
      receiver.#connections.add(connection);
      socket.once("close", () => receiver.#connections.delete(connection));
    });
    server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
    server.on("error", (error) => logger.debug("fake raop: server error: %s", error.message));
    await tcpListen(server, address, options.port ?? 0);
    return receiver;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** v2: the device's long-term Ed25519 public key (TXT "pk"); undefined for v1. */
  get publicKey(): Uint8Array | undefined {
    return this.pairing?.publicKey;
  }

  /** Completed streams, oldest first (the last MAX_STREAMS). */
  get streams(): readonly FakeRaopStream[] {
    return this.#streams;
  }

  /** The PCM of the stream in progress (bounded), or an empty array when none is. */
  get received(): Uint8Array {
    for (const connection of this.#connections) {
      const pcm = connection.receiving;
      if (pcm !== undefined) return pcm;
    }
    return new Uint8Array(0);
  }

  /** The last volume a client set (dB as sent), or the initial one. */
  get volume(): number {
    return this.#volume;
  }

  /** Events so far, oldest first (the last MAX_EVENTS). */
  get events(): readonly FakeRaopEvent[] {
    return this.#events;
  }

  /** The connected clients (for tests that inject faults). */
  get connections(): ReadonlySet<RaopConnection> {
    return this.#connections;
  }

  /** Hears every event; returns the unsubscribe. */
  onEvent(listener: (event: FakeRaopEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once `count` streams have completed since start (counting the remembered ones). */
  async waitForStreams(count: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#completedCount >= count) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.#completedCount < count) return;
        done();
        resolve();
      };
      const abort = (): void => {
        done();
        reject(options.signal?.reason);
      };
      const done = (): void => {
        this.#waiters.delete(check);
        options.signal?.removeEventListener("abort", abort);
      };
      this.#waiters.add(check);
      options.signal?.addEventListener("abort", abort, { once: true });
    });
  }

  /** Stops listening, ends streams in progress (reason "close") and drops every client. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const connection of [...this.#connections]) connection.close("close");
    await closed;
  }

  #completedCount = 0;

  #emit(event: FakeRaopEvent): void {
    if (event.kind === "volume") this.#volume = event.level;
    this.#events.push(event);
    if (this.#events.length > MAX_EVENTS) this.#events.splice(0, this.#events.length - MAX_EVENTS);
    for (const listener of [...this.#listeners]) listener(event);
  }

  #completed(stream: FakeRaopStream): void {
    const kept = [...this.#streams, stream].slice(-MAX_STREAMS);
    // Older records give up their PCM: memory stays bounded however many streams come.
    this.#streams = kept.map((record, i) =>
      i < kept.length - PCM_STREAMS && (record.pcm !== undefined || record.artwork?.bytes)
        ? {
            ...record,
            pcm: undefined,
            artwork: record.artwork && { mimetype: record.artwork.mimetype, bytes: undefined },
          }
        : record,
    );
    this.#completedCount += 1;
    for (const waiter of [...this.#waiters]) waiter();
  }
}

function newPairingServer(options: FakeRaopReceiverOptions): FakeAirPlayPairingServer {
  if (options.pairingServer !== undefined) return options.pairingServer;
  const server = new FakeAirPlayPairingServer({
    identifier: options.identifier ?? randomUUID(),
    seed: options.seed ?? randomBytes(32),
    pin: options.pin ?? DEFAULT_PIN,
    // An AirPlay 2 speaker pairs with HAP only (pyatv's RAOP pairing of a v2 receiver).
    legacy: false,
  });
  for (const paired of options.pairings ?? []) server.pairings.restore(paired);
  return server;
}
