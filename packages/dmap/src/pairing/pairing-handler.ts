// Pairing with a DMAP device: here the user picks the PIN and types it on the Apple TV, which
// then calls our pairing server (facts from pyatv's protocols/dmap/pairing.py).

import {
  type AbortOptions,
  AtvError,
  DEFAULT_INFO_SETTINGS,
  type Logger,
  PairingError,
  type PairingHandler,
  type Service,
  silentLogger,
} from "@atv/interface";
import {
  dmapCredentials,
  formatPairingGuid,
  formatPin,
  randomPairingGuid,
} from "./pairing-code.js";
import { DmapPairingServer } from "./pairing-server.js";
import { type AnnounceTarget, TouchRemoteAnnouncer } from "./touch-remote-announcer.js";

export interface DmapPairingOptions extends AbortOptions {
  /** The DMAP service being paired; it receives the credentials. */
  service: Service;
  /** The PIN the user will type on the device; leave out to accept any (as pyatv). */
  pin?: number | string;
  /** The name the device lists this remote under; pyatv's "pyatv" by default. */
  remoteName?: string;
  /** 16 hex digits (with or without "0x"); random by default. */
  pairingGuid?: string | bigint;
  /** mDNS ports to announce the remote to by unicast (a device found by unicast scan, a fake). */
  announceTo?: readonly AnnounceTarget[];
  /** Publish on the real network by multicast, as pyatv does (never in tests). */
  multicast?: boolean;
  /** Address put in the A record for `announceTo` targets; see TouchRemoteAnnouncerOptions. */
  localAddress?: string;
  /** Source port of unicast announcements; see TouchRemoteAnnouncerOptions. */
  announceSourcePort?: number;
  /** First gap between repeated announcements, in ms (1000). */
  announceInterval?: number;
  /** Address the pairing server listens on ("0.0.0.0", as pyatv). */
  serverAddress?: string;
  /** Port of the pairing server (0: any free one). */
  serverPort?: number;
  /** How long finish() waits for the device to call back, in ms (60 s). */
  timeout?: number;
  logger?: Logger;
}

export const DEFAULT_DMAP_PAIRING_TIMEOUT = 60_000;

/**
 * One pairing attempt: `begin()` starts the pairing server and announces the remote,
 * `pin()` sets the PIN the user types in Settings > General > Remotes, `finish()` waits
 * until the device called back with the matching code and stores pyatv's credentials
 * ("0x" and 16 hex digits) on the service. Unlike pyatv's finish(), which returns whether or
 * not the device called, this one waits (bounded by `timeout`) and fails with PairingError.
 */
export class DmapPairingHandler implements PairingHandler {
  readonly service: Service;
  readonly deviceProvidesPin = false;
  readonly pairingGuid: string;
  readonly remoteName: string;
  readonly #options: DmapPairingOptions;
  readonly #logger: Logger;
  #pin: string | undefined;
  #server: DmapPairingServer | undefined;
  #announcer: TouchRemoteAnnouncer | undefined;
  #paired = false;
  #hasPaired = false;
  readonly #waiters = new Set<() => void>();
  /** Aborted by close(), so that a waiting finish() ends at once. */
  #session = new AbortController();

  /** Throws InvalidConfigError for a bad PIN or pairing GUID. */
  constructor(options: DmapPairingOptions) {
    this.service = options.service;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.pairingGuid = formatPairingGuid(options.pairingGuid ?? randomPairingGuid());
    this.remoteName = options.remoteName ?? DEFAULT_INFO_SETTINGS.name;
    this.#pin = options.pin === undefined ? undefined : formatPin(options.pin);
  }

  get hasPaired(): boolean {
    return this.#hasPaired;
  }

  /** The pairing server's port once begun. */
  get serverPort(): number | undefined {
    return this.#server?.port;
  }

  async begin(opts: AbortOptions = {}): Promise<void> {
    const signal = opts.signal ?? this.#options.signal;
    signal?.throwIfAborted();
    await this.close();
    this.#session = new AbortController();
    this.#paired = false;
    this.#hasPaired = false;
    await wrap(async () => {
      const server = await DmapPairingServer.start({
        pairingGuid: this.pairingGuid,
        remoteName: this.remoteName,
        pin: this.#pin,
        address: this.#options.serverAddress ?? "0.0.0.0",
        port: this.#options.serverPort ?? 0,
        logger: this.#logger,
        onPaired: () => this.#onPaired(),
      });
      this.#server = server;
      this.#announcer = await TouchRemoteAnnouncer.start({
        pairingGuid: this.pairingGuid,
        remoteName: this.remoteName,
        port: server.port,
        targets: this.#options.announceTo ?? [],
        multicast: this.#options.multicast ?? false,
        logger: this.#logger,
        ...(this.#options.localAddress === undefined
          ? {}
          : { localAddress: this.#options.localAddress }),
        ...(this.#options.announceSourcePort === undefined
          ? {}
          : { sourcePort: this.#options.announceSourcePort }),
        ...(this.#options.announceInterval === undefined
          ? {}
          : { interval: this.#options.announceInterval }),
      });
      this.#logger.debug(
        "DMAP pairing: server on port %d, announcing %s",
        server.port,
        this.remoteName,
      );
    }).catch(async (error: unknown) => {
      await this.close();
      throw error;
    });
  }

  /** The PIN the user types on the device; zero-padded to four digits, as pyatv. */
  pin(code: number | string): void {
    this.#pin = formatPin(code);
    this.#server?.setPin(this.#pin);
  }

  async finish(opts: AbortOptions = {}): Promise<void> {
    if (this.#server === undefined && !this.#paired) {
      throw new PairingError("pairing has not begun (call begin() first)");
    }
    const caller = opts.signal ?? this.#options.signal;
    caller?.throwIfAborted();
    const timeout = this.#options.timeout ?? DEFAULT_DMAP_PAIRING_TIMEOUT;
    const timer = AbortSignal.timeout(timeout);
    const session = this.#session.signal;
    const signal = AbortSignal.any(
      caller === undefined ? [timer, session] : [caller, timer, session],
    );
    if (!this.#paired) await this.#waitForCall(signal, { timer, session }, timeout);
    this.service.credentials = dmapCredentials(this.pairingGuid);
    this.#hasPaired = true;
    await this.#announcer?.close();
    this.#announcer = undefined;
  }

  async close(_opts: AbortOptions = {}): Promise<void> {
    this.#session.abort();
    const announcer = this.#announcer;
    const server = this.#server;
    this.#announcer = undefined;
    this.#server = undefined;
    await announcer?.close();
    await server?.close();
  }

  #onPaired(): void {
    this.#paired = true;
    for (const wake of this.#waiters) wake();
  }

  #waitForCall(
    signal: AbortSignal,
    own: { readonly timer: AbortSignal; readonly session: AbortSignal },
    timeout: number,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        signal.removeEventListener("abort", onAbort);
        this.#waiters.delete(wake);
      };
      const onAbort = () => {
        done();
        if (own.timer.aborted) {
          const pin = this.#pin === undefined ? "any PIN" : `PIN ${this.#pin}`;
          const seconds = Number((timeout / 1000).toFixed(1));
          reject(
            new PairingError(
              `the device did not call back within ${seconds} s; did you ` +
                `type ${pin} for "${this.remoteName}" in Settings > General > Remotes?`,
            ),
          );
        } else if (own.session.aborted) {
          reject(new PairingError("pairing was closed before the device called back"));
        } else {
          reject(signal.reason);
        }
      };
      const wake = () => {
        done();
        resolve();
      };
      if (signal.aborted) return onAbort();
      this.#waiters.add(wake);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** Typed errors and aborts pass; anything else (a socket that cannot bind) becomes PairingError. */
async function wrap(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (
      error instanceof AtvError ||
      (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError"))
    ) {
      throw error;
    }
    throw new PairingError(`DMAP pairing could not start: ${String(error)}`, { cause: error });
  }
}
