// What a fake Companion device remembers: paired clients, installed apps and accounts, and
// what clients told it to do. Shared by every connection to the device. Behaviour after
// pyatv's tests/fake_device/companion.py (MIT).

import { randomBytes } from "node:crypto";
import type { PairedClient } from "@atv/hap/server";
import { MediaControlFlags, SystemStatus } from "../device-status.js";
import type { OpackEncodable } from "../opack.js";
import { encodeRtiSession, type RtiTextOperations } from "../rti.js";

/** The most `events` and `touches` kept: the oldest go first, so a long run stays small. */
export const FAKE_MAX_RECORDED = 1000;
/** The longest keyboard text, in UTF-16 code units; operations that would pass it are ignored. */
export const FAKE_MAX_TEXT_LENGTH = 64 * 1024;

/** A button a `_hidC` pressed or released; names as pyatv's fake spells them. */
export type FakeButtonState = "down" | "up";

/** One touch a client sent in an `_hidT` event (coordinates in the 1000×1000 touchpad). */
export interface FakeTouch {
  readonly phase: number;
  readonly x: number;
  readonly y: number;
}

/** One thing a client made the device do, as it happens. */
export type FakeCompanionEvent =
  | { kind: "launch_app"; bundleId: string }
  | { kind: "open_url"; url: string }
  | { kind: "switch_account"; accountId: string }
  | { kind: "button"; name: string; state: FakeButtonState }
  | { kind: "media_control"; name: string; seconds?: number }
  | { kind: "volume"; level: number }
  | { kind: "touch"; touch: FakeTouch }
  | { kind: "power"; on: boolean }
  | { kind: "text"; text: string }
  | { kind: "keyboard_focus"; focused: boolean };

/** A live connection, as the state sees it: something to drop and to send events on. */
export interface FakeCompanionConnectionHandle {
  drop(): void;
  /** Sends the event if the client registered interest in `identifier`. */
  sendEvent(identifier: string, content: OpackEncodable): void;
  /** Sends the event whether or not the client registered interest (`_tiStarted`). */
  sendUnsolicitedEvent(identifier: string, content: OpackEncodable): void;
}

/** A session a client opened with `_sessionStart`. */
export interface FakeCompanionSession {
  readonly serviceType: string;
  /** The client's half and ours; the client stops it with `(remote << 32) | local`. */
  readonly localSid: bigint;
  readonly remoteSid: bigint;
}

/** Apps a fake device reports by default (bundle identifier → name). */
export const FAKE_INSTALLED_APPS: Readonly<Record<string, string>> = {
  "com.apple.TVAppStore": "App Store",
  "com.apple.TVMovies": "Movies",
  "com.apple.TVMusic": "Music",
  "com.apple.TVPhotos": "Photos",
  "com.apple.TVSettings": "Settings",
  "com.apple.TVWatchList": "TV",
  "com.netflix.Netflix": "Netflix",
  "com.google.ios.youtube": "YouTube",
};

/** User accounts a fake device reports by default (account identifier → name). */
export const FAKE_USER_ACCOUNTS: Readonly<Record<string, string>> = {
  "8A4C1D2E-3F50-4B6A-9C7D-0E1F2A3B4C5D": "Alice",
  "1B2C3D4E-5F60-4718-8A9B-C0D1E2F3A4B5": "Bob",
};

type EventListener = (event: FakeCompanionEvent) => void;

export class FakeCompanionState {
  /** Installed apps, bundle identifier → name. */
  readonly installedApps = new Map<string, string>(Object.entries(FAKE_INSTALLED_APPS));
  /** User accounts, identifier → name. */
  readonly userAccounts = new Map<string, string>(Object.entries(FAKE_USER_ACCOUNTS));
  activeAccount: string | undefined = Object.keys(FAKE_USER_ACCOUNTS)[0];
  /** Bundle identifiers launched, in order; the last FAKE_MAX_RECORDED, as `openedUrls`. */
  readonly launched: string[] = [];
  /** URLs opened, in order. */
  readonly openedUrls: string[] = [];
  activeApp: string | undefined;
  /** Everything clients made the device do, in order; the last FAKE_MAX_RECORDED. */
  readonly events: FakeCompanionEvent[] = [];
  /** Touches received (`_hidT`), in order; the last FAKE_MAX_RECORDED. */
  readonly touches: FakeTouch[] = [];
  /** The touchpad size of the last `_touchStart`, until `_touchStop`. */
  touchpad: { readonly width: number; readonly height: number } | undefined;
  /** The device's volume in percent (pyatv's fake starts at 10). */
  volume = 10;
  /** What `_iMC` events report. */
  mediaControlFlags: number = MediaControlFlags.Volume;
  /** The last `_systemInfo` a client sent about itself. */
  clientSystemInfo: OpackEncodable | undefined;
  /** The last session a client started, until it stops it. */
  session: FakeCompanionSession | undefined;
  /** Whether some client completed a pair-setup. */
  hasPaired = false;

  #systemStatus: SystemStatus = SystemStatus.Awake;
  // pyatv's fake starts focused too, but with text; empty text is what a search field
  // shows when it gets focus.
  #textFocused = true;
  #text = "";
  /** Clients that sent `_tiStart` → their session while the text field has focus. */
  readonly #textInputClients = new Map<FakeCompanionConnectionHandle, Uint8Array | undefined>();
  readonly #paired = new Map<string, PairedClient>();
  readonly #listeners = new Set<EventListener>();
  readonly #pairingListeners = new Set<() => void>();
  readonly #connections = new Set<FakeCompanionConnectionHandle>();

  get systemStatus(): SystemStatus {
    return this.#systemStatus;
  }

  get poweredOn(): boolean {
    return this.#systemStatus !== SystemStatus.Asleep;
  }

  /** Changes the system status and tells interested clients (`SystemStatus` event). */
  setSystemStatus(status: SystemStatus): void {
    const wasOn = this.poweredOn;
    this.#systemStatus = status;
    for (const connection of this.#connections) {
      connection.sendEvent("SystemStatus", { state: status });
      connection.sendEvent("TVSystemStatus", { state: status });
    }
    if (wasOn !== this.poweredOn) this.#emit({ kind: "power", on: this.poweredOn });
  }

  setPower(on: boolean): void {
    this.setSystemStatus(on ? SystemStatus.Awake : SystemStatus.Asleep);
  }

  /** Changes the volume (clamped to 0–100) and sends `_iMC` to interested clients. */
  setVolume(level: number): void {
    this.volume = Math.min(Math.max(level, 0), 100);
    this.#emit({ kind: "volume", level: this.volume });
    this.broadcastMediaControlFlags();
  }

  /** Changes the media controls offered; interested clients hear of a change (`_iMC`). */
  setMediaControlFlags(flags: number): void {
    if (flags === this.mediaControlFlags) return;
    this.mediaControlFlags = flags;
    this.broadcastMediaControlFlags();
  }

  broadcastMediaControlFlags(): void {
    for (const connection of this.#connections) {
      connection.sendEvent("_iMC", { _mcF: this.mediaControlFlags });
    }
  }

  /** Whether a text field has keyboard focus. */
  get textFocused(): boolean {
    return this.#textFocused;
  }

  /** The focused text field's text. */
  get text(): string {
    return this.#text;
  }

  /**
   * Gives or takes away keyboard focus. Every client that started text input hears of it
   * whether or not it registered interest, as on pyatv's fake: `_tiStarted` with a new
   * session on focus, `_tiStopped` when focus goes.
   */
  setTextFocus(focused: boolean): void {
    if (focused === this.#textFocused) return;
    this.#textFocused = focused;
    this.#emit({ kind: "keyboard_focus", focused });
    for (const client of this.#textInputClients.keys()) {
      if (focused) {
        const tiD = this.#newSession(client);
        client.sendUnsolicitedEvent("_tiStarted", { _tiD: tiD });
      } else {
        this.#textInputClients.set(client, undefined);
        client.sendUnsolicitedEvent("_tiStopped", {});
      }
    }
  }

  /** Replaces the text, as someone typing on the device; over FAKE_MAX_TEXT_LENGTH is a RangeError. */
  setText(text: string): void {
    if (text.length > FAKE_MAX_TEXT_LENGTH) {
      throw new RangeError(`the text is at most ${FAKE_MAX_TEXT_LENGTH} code units`);
    }
    this.#changeText(text);
  }

  /**
   * A client's `_tiStart`: it now hears of focus changes. Returns the `_tiD` of a new
   * session while a text field has focus, else undefined.
   */
  startTextInput(client: FakeCompanionConnectionHandle): Uint8Array | undefined {
    this.#textInputClients.set(client, undefined);
    return this.#textFocused ? this.#newSession(client) : undefined;
  }

  /** A client's `_tiStop`: its session ends and it no longer hears of focus changes. */
  stopTextInput(client: FakeCompanionConnectionHandle): void {
    this.#textInputClients.delete(client);
  }

  /**
   * A client's `_tiC`, after pyatv's fake: ignored unless it targets the client's current
   * session; an empty `textToAssert` clears, `insertionText` appends. An operation that
   * would make the text longer than FAKE_MAX_TEXT_LENGTH is ignored. Whether it applied.
   */
  applyTextOperations(
    client: FakeCompanionConnectionHandle,
    operations: RtiTextOperations,
  ): boolean {
    const session = this.#textInputClients.get(client);
    if (session === undefined || operations.sessionUuid === undefined) return false;
    if (!Buffer.from(session).equals(operations.sessionUuid)) return false;
    let text = operations.textToAssert === "" ? "" : this.#text;
    if (operations.insertionText !== undefined) text += operations.insertionText;
    if (text.length > FAKE_MAX_TEXT_LENGTH) return false;
    this.#changeText(text);
    return true;
  }

  addPairedClient(client: PairedClient): void {
    this.#paired.set(key(client.identifier), client);
    this.hasPaired = true;
    for (const listener of [...this.#pairingListeners]) listener();
  }

  /** The paired clients, with their long-term keys (to keep them across restarts). */
  get pairings(): readonly PairedClient[] {
    return [...this.#paired.values()];
  }

  /** Calls `listener` after each new pairing; returns the unsubscribe. */
  onPairingsChanged(listener: () => void): () => void {
    this.#pairingListeners.add(listener);
    return () => this.#pairingListeners.delete(listener);
  }

  clientPublicKey(identifier: Uint8Array): Uint8Array | undefined {
    return this.#paired.get(key(identifier))?.publicKey;
  }

  /** Identifiers of the clients paired so far. */
  get pairedClients(): string[] {
    return [...this.#paired.keys()];
  }

  /** Records what a client made the device do and tells the listeners. */
  record(event: FakeCompanionEvent): void {
    this.#emit(event);
  }

  onEvent(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addConnection(connection: FakeCompanionConnectionHandle): void {
    this.#connections.add(connection);
  }

  removeConnection(connection: FakeCompanionConnectionHandle): void {
    this.#connections.delete(connection);
    this.#textInputClients.delete(connection);
  }

  recordLaunch(bundleId: string): void {
    pushBounded(this.launched, bundleId);
  }

  recordOpenedUrl(url: string): void {
    pushBounded(this.openedUrls, url);
  }

  /** Records a touch, keeping the last FAKE_MAX_RECORDED. */
  recordTouch(touch: FakeTouch): void {
    pushBounded(this.touches, touch);
    this.#emit({ kind: "touch", touch });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  dropConnections(): void {
    for (const connection of [...this.#connections]) connection.drop();
    this.#connections.clear();
  }

  #emit(event: FakeCompanionEvent): void {
    pushBounded(this.events, event);
    for (const listener of this.#listeners) listener(event);
  }

  #newSession(client: FakeCompanionConnectionHandle): Uint8Array {
    // A real device names each text-input session anew; the client must echo it in `_tiC`.
    const sessionUuid = new Uint8Array(randomBytes(16));
    this.#textInputClients.set(client, sessionUuid);
    return encodeRtiSession({ sessionUuid, text: this.#text });
  }

  #changeText(text: string): void {
    if (text === this.#text) return;
    this.#text = text;
    this.#emit({ kind: "text", text });
  }
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > FAKE_MAX_RECORDED) list.splice(0, list.length - FAKE_MAX_RECORDED);
}

function key(identifier: Uint8Array): string {
  return Buffer.from(identifier).toString("utf8");
}
