// The pairing endpoints of an AirPlay receiver, for fake devices: a pure request handler
// (path, body, headers in; status, body out) that the fake's HTTP/RTSP server calls.
// Behaviour follows pyatv's device side (protocols/airplay/server_auth.py and
// tests/fake_device/airplay.py), with real checks where pyatv's fake only replays.

import {
  decodeTlv,
  ed25519KeyPairFromSeed,
  encodeTlv,
  type SharedSecret,
  TlvErrorCode,
  TlvFlags,
  TlvState,
  TlvType,
} from "@atv/hap";
import { PairSetupServer, PairVerifyServer } from "@atv/hap/server";
import { AtvError, LruCache, ProtocolError } from "@atv/interface";
import { decodePlist, plistDict } from "@atv/plist";
import type { ReceivedHeaders } from "../http/types.js";
import { LegacyPairSetupServer, LegacyPairVerifyServer } from "./legacy-server.js";
import { TRANSIENT_PIN } from "./verify.js";

export interface AirPlayPairingServerOptions {
  /** The device's pairing identifier (pyatv's fake uses a UUID string). */
  readonly identifier: Uint8Array | string;
  /** The device's long-term Ed25519 seed (32 bytes). */
  readonly seed: Uint8Array;
  /** The PIN the device "shows" for pair-setup. */
  readonly pin: string | number;
  /** Whether the device also speaks legacy pairing (/pair-setup-pin); default true. */
  readonly legacy?: boolean;
  /** Most paired clients remembered per scheme; the least recently used go. Default 32. */
  readonly maxPairings?: number;
}

/** A completed verify: the connection encrypts from the next message on. */
export interface VerifiedSession {
  readonly secret: SharedSecret;
  /** The verified client's pairing identifier (none for a transient pairing). */
  readonly clientId?: Uint8Array;
  readonly transient: boolean;
}

/** What to answer a pairing request with. */
export interface PairingAnswer {
  readonly status: number;
  readonly body: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Set when a pair-verify or a transient pair-setup has just succeeded. Send this
   * answer in clear, then encrypt with keys derived from `secret` for the device side
   * (keys.ts, KeySide.Device).
   */
  readonly verified?: VerifiedSession;
}

const EMPTY = new Uint8Array(0);
const OCTET_STREAM_HEADERS = Object.freeze({ "Content-Type": "application/octet-stream" });
const PLIST_HEADERS = Object.freeze({ "Content-Type": "application/x-apple-binary-plist" });

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** The clients a device has paired with, remembered across connections (bounded). */
export class PairingStore {
  /** HAP: client identifier (hex) → its Ed25519 public key. */
  readonly #hap: LruCache<string, Uint8Array>;
  /** Legacy: client Ed25519 public key (hex) → its SRP user name. */
  readonly #legacy: LruCache<string, string>;

  /** Keeps at most `limit` clients of each scheme; the least recently used go first. */
  constructor(limit = 32) {
    this.#hap = new LruCache(limit);
    this.#legacy = new LruCache(limit);
  }

  /** Remembers a HAP client (e.g. one restored from a previous run). */
  addHap(clientId: Uint8Array, publicKey: Uint8Array): void {
    this.#hap.set(hex(clientId), publicKey.slice());
  }

  /** The long-term key of a paired HAP client. */
  hapKey(clientId: Uint8Array): Uint8Array | undefined {
    return this.#hap.get(hex(clientId));
  }

  addLegacy(publicKey: Uint8Array, user: string): void {
    this.#legacy.set(hex(publicKey), user);
  }

  /** Whether a legacy client with this Ed25519 key has paired. */
  hasLegacy(publicKey: Uint8Array): boolean {
    return this.#legacy.has(hex(publicKey));
  }
}

/**
 * A fake receiver's pairing endpoints. Paired clients are remembered across connections
 * in `pairings`; each connection's handshakes run in a `session()` of their own
 * (`handle` uses one default session, for single-connection use).
 */
export class AirPlayPairingServer {
  readonly pairings: PairingStore;
  readonly #options: AirPlayPairingServerOptions;
  readonly #default: AirPlayPairingSession;

  constructor(options: AirPlayPairingServerOptions) {
    this.#options = options;
    this.pairings = new PairingStore(options.maxPairings);
    this.#default = this.session();
  }

  /** The device's long-term public key, as clients receive it in pair-setup. */
  get publicKey(): Uint8Array {
    return ed25519KeyPairFromSeed(this.#options.seed).publicKey;
  }

  /** Handshake state for one connection. */
  session(): AirPlayPairingSession {
    return new AirPlayPairingSession(this.#options, this.pairings);
  }

  /** Handles one request in the default session. */
  handle(path: string, body: Uint8Array, headers: ReceivedHeaders = {}): PairingAnswer {
    return this.#default.handle(path, body, headers);
  }
}

/** The pairing handshakes of one connection. */
export class AirPlayPairingSession {
  readonly #options: AirPlayPairingServerOptions;
  readonly #store: PairingStore;
  #setup: PairSetupServer | undefined;
  #verify: PairVerifyServer | undefined;
  #legacySetup: LegacyPairSetupServer | undefined;
  #legacyVerify: LegacyPairVerifyServer | undefined;

  constructor(options: AirPlayPairingServerOptions, store: PairingStore) {
    this.#options = options;
    this.#store = store;
  }

  /**
   * Answers one request. Never throws: a malformed message is a 400 (or, for a HAP
   * message whose state is readable, the TLV error a HAP device sends), an unknown
   * path a 404, and anything unforeseen a 500.
   */
  handle(path: string, body: Uint8Array, headers: ReceivedHeaders = {}): PairingAnswer {
    try {
      switch (path) {
        case "/pair-pin-start":
          this.#setup = undefined;
          this.#legacySetup = undefined;
          return { status: 200, body: EMPTY };
        case "/pair-setup":
          return this.#hapStep(body, (message, state) => this.#pairSetup(message, state));
        case "/pair-verify":
          // As pyatv's fake: a request without X-Apple-HKP is the legacy verify.
          if (header(headers, "x-apple-hkp") === undefined) return this.#legacyVerifyStep(body);
          return this.#hapStep(body, (message, state) => this.#pairVerify(message, state));
        case "/pair-setup-pin":
          return this.#legacySetupStep(body);
        default:
          return { status: 404, body: EMPTY };
      }
    } catch (error) {
      return { status: error instanceof AtvError ? 400 : 500, body: EMPTY };
    }
  }

  #hapStep(
    body: Uint8Array,
    step: (message: Uint8Array, state: number | undefined) => PairingAnswer,
  ): PairingAnswer {
    const state = decodeTlv(body).getInteger(TlvType.State);
    try {
      return step(body, state);
    } catch (error) {
      if (!(error instanceof AtvError) || state === undefined) throw error;
      // A HAP device answers a message it cannot take with the next state and an error.
      return tlvAnswer(errorTlv(Math.min(state + 1, 0xff), TlvErrorCode.Unknown));
    }
  }

  #pairSetup(m: Uint8Array, state: number | undefined): PairingAnswer {
    switch (state) {
      case TlvState.M1: {
        const flags = decodeTlv(m).getInteger(TlvType.Flags) ?? 0;
        const transient = (flags & TlvFlags.TransientPairing) !== 0;
        const setup = new PairSetupServer({
          identifier: this.#options.identifier,
          seed: this.#options.seed,
          pin: transient ? TRANSIENT_PIN : this.#options.pin,
        });
        this.#setup = undefined;
        const answer = setup.m2(m);
        this.#setup = setup;
        return tlvAnswer(answer);
      }
      case TlvState.M3: {
        const setup = this.#current(this.#setup);
        const answer = setup.m4(m);
        const secret = setup.transient ? setup.sharedSecret : undefined;
        return tlvAnswer(answer, secret && { secret, transient: true });
      }
      case TlvState.M5: {
        const setup = this.#current(this.#setup);
        this.#setup = undefined;
        const answer = setup.m6(m);
        const client = setup.pairedClient;
        if (client !== undefined) this.#store.addHap(client.identifier, client.publicKey);
        return tlvAnswer(answer);
      }
      default:
        return tlvAnswer(errorTlv(TlvState.M2, TlvErrorCode.Unknown));
    }
  }

  #pairVerify(m: Uint8Array, state: number | undefined): PairingAnswer {
    switch (state) {
      case TlvState.M1: {
        this.#verify = undefined;
        const verify = new PairVerifyServer({
          identifier: this.#options.identifier,
          seed: this.#options.seed,
          clientPublicKey: (id) => this.#store.hapKey(id),
        });
        const answer = verify.m2(m);
        this.#verify = verify;
        return tlvAnswer(answer);
      }
      case TlvState.M3: {
        const verify = this.#current(this.#verify);
        this.#verify = undefined;
        const answer = verify.m4(m);
        const secret = verify.sharedSecret;
        const clientId = verify.clientId;
        return tlvAnswer(
          answer,
          secret && { secret, transient: false, ...(clientId && { clientId }) },
        );
      }
      default:
        return tlvAnswer(errorTlv(TlvState.M2, TlvErrorCode.Unknown));
    }
  }

  #legacySetupStep(body: Uint8Array): PairingAnswer {
    if (this.#options.legacy === false) return { status: 404, body: EMPTY };
    const step = legacySetupStep(body);
    if (step === "pin") {
      this.#legacySetup = new LegacyPairSetupServer(this.#options.seed, this.#options.pin);
      return plistAnswer(this.#legacySetup.challenge(body));
    }
    const setup = this.#current(this.#legacySetup);
    if (step === "proof") {
      const answer = setup.answerProof(body);
      if (answer === undefined) this.#legacySetup = undefined;
      return answer === undefined ? forbidden() : plistAnswer(answer);
    }
    this.#legacySetup = undefined;
    const result = setup.exchangeKeys(body);
    if (result === undefined) return forbidden();
    this.#store.addLegacy(result.client.publicKey, result.client.user);
    return plistAnswer(result.answer);
  }

  #legacyVerifyStep(body: Uint8Array): PairingAnswer {
    if (this.#options.legacy === false) return { status: 501, body: EMPTY };
    // The first message starts 01 00 00 00, the second 00 00 00 00.
    if (body[0] === 1) {
      const verify = new LegacyPairVerifyServer(this.#options.seed, (key) =>
        this.#store.hasLegacy(key),
      );
      this.#legacyVerify = undefined;
      const answer = verify.m2(body);
      if (answer === undefined) return forbidden();
      this.#legacyVerify = verify;
      return { status: 200, body: answer, headers: OCTET_STREAM_HEADERS };
    }
    const verify = this.#current(this.#legacyVerify);
    this.#legacyVerify = undefined;
    return verify.m4(body) === undefined ? forbidden() : { status: 200, body: EMPTY };
  }

  #current<T>(step: T | undefined): T {
    if (step === undefined) throw new ProtocolError("pairing: message belongs to no handshake");
    return step;
  }
}

/**
 * Which /pair-setup-pin step a body is, by the keys of its dictionary. The bodies are
 * tiny, so one is decoded twice (here, and typed in its step).
 */
function legacySetupStep(body: Uint8Array): "pin" | "proof" | "key" {
  const dict = plistDict(decodePlist(body), "legacy pair-setup message");
  if (Object.hasOwn(dict, "method")) return "pin";
  if (Object.hasOwn(dict, "proof")) return "proof";
  return "key";
}

function header(headers: ReceivedHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function errorTlv(state: number, code: TlvErrorCode): Uint8Array {
  return encodeTlv([
    [TlvType.State, state],
    [TlvType.Error, code],
  ]);
}

function tlvAnswer(body: Uint8Array, verified?: VerifiedSession): PairingAnswer {
  return { status: 200, body, headers: OCTET_STREAM_HEADERS, ...(verified && { verified }) };
}

function plistAnswer(body: Uint8Array): PairingAnswer {
  return { status: 200, body, headers: PLIST_HEADERS };
}

/** pyatv's fake answers a legacy step it cannot accept with 403. */
function forbidden(): PairingAnswer {
  return { status: 403, body: EMPTY };
}
