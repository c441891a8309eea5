// What a fake DMAP device remembers: the remotes paired with it, what it plays, its
// volume, and what clients told it to do. Shared by every connection. Behaviour after
// pyatv's tests/fake_device/dmap.py (MIT) and what an Apple TV 3 does.

import {
  applyCommand,
  currentItem,
  DmapPlayStatus,
  type DmapRepeat,
  type DmapTransportCommand,
  endsAt,
  type FakeDmapItem,
  type FakeDmapPlayer,
  IDLE_PLAYER,
  positionAt,
  seek,
  settle,
} from "./player.js";

/** The most entries each history keeps: the oldest go first, so a long run stays small. */
export const FAKE_MAX_RECORDED = 1000;
/** The most remotes a fake remembers as paired; the oldest is forgotten first. */
export const FAKE_MAX_PAIRED = 256;

/** The input action of a navigation key; DMAP knows single taps only. */
export type FakeDmapButtonAction = "single_tap";

/**
 * One thing that happened on the device, as it happens; command and button names as the
 * CLIs spell them ("play_pause", "next", "top_menu", "set_shuffle", ...).
 */
export type FakeDmapEvent =
  | { kind: "command"; name: string; value?: number }
  | { kind: "button"; name: string; action: FakeDmapButtonAction }
  | { kind: "volume"; level: number }
  | { kind: "login"; method: "pairing_guid" | "hsgid" }
  | { kind: "paired"; pairingGuid: string; remoteName: string }
  | { kind: "pairing_failed"; service: string; reason: string };

/** The CLI's names for the DACP transport commands (pyatv's DmapRemoteControl). */
const COMMAND_NAMES: Readonly<Record<DmapTransportCommand, string>> = {
  play: "play",
  pause: "pause",
  playpause: "play_pause",
  stop: "stop",
  nextitem: "next",
  previtem: "previous",
  playresume: "play_resume",
  beginff: "fast_forward",
  beginrew: "rewind",
};

export interface FakeDmapStateOptions {
  /** The PIN the user "types" on the device when a remote asks to pair; default "1111". */
  readonly pin?: number | string;
  /** Pairing GUIDs of remotes paired before ("0x" and 16 hex digits). */
  readonly pairingGuids?: readonly string[];
  /** The Home Sharing group id a client may log in with (hsgid); none: refused. */
  readonly homeSharingId?: string;
  readonly items?: readonly FakeDmapItem[];
  /** Start playing the first item (default: paused on it; idle without items). */
  readonly playing?: boolean;
  /** Hold the position still: it runs on only when a client seeks (for steady tests). */
  readonly static?: boolean;
  /** Whether clients may change the volume (cavc); an Apple TV 3 says no (pyatv's fake). */
  readonly volumeControl?: boolean;
  /** The clock, in milliseconds (default Date.now). */
  readonly now?: () => number;
}

/** Normalises a pairing GUID to "0x" and 16 upper-case hex digits, or undefined. */
export function normalizePairingGuid(guid: string): string | undefined {
  const match = /^(?:0x)?([0-9a-f]{1,16})$/i.exec(guid.trim());
  return match?.[1] ? `0x${match[1].toUpperCase().padStart(16, "0")}` : undefined;
}

function pushBounded<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > FAKE_MAX_RECORDED) list.splice(0, list.length - FAKE_MAX_RECORDED);
}

/** The shortest wait before looking for the end of an item again. */
const MIN_END_DELAY_MS = 50;

type EventListener = (event: FakeDmapEvent) => void;

export class FakeDmapState {
  readonly pin: string;
  readonly homeSharingId: string | undefined;
  readonly static: boolean;
  /** Everything clients made the device do, in order; the last FAKE_MAX_RECORDED. */
  readonly events: FakeDmapEvent[] = [];
  /** The cmbe strings of controlpromptentry requests, as sent; the last FAKE_MAX_RECORDED. */
  readonly prompts: string[] = [];
  /** The size asked for by the last nowplayingartwork request (mw, mh). */
  lastArtworkRequest: { readonly width: number; readonly height: number } | undefined;
  volumeControl: boolean;

  readonly #now: () => number;
  readonly #paired = new Set<string>();
  readonly #listeners = new Set<EventListener>();
  readonly #changeWaiters = new Set<() => void>();
  #player: FakeDmapPlayer;
  #volume = 50;
  #revision = 1;
  #endTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: FakeDmapStateOptions = {}) {
    this.pin = String(options.pin ?? "1111");
    this.homeSharingId = options.homeSharingId;
    this.static = options.static ?? false;
    this.volumeControl = options.volumeControl ?? false;
    this.#now = options.now ?? Date.now;
    for (const guid of options.pairingGuids ?? []) {
      const normalized = normalizePairingGuid(guid);
      if (normalized) this.#paired.add(normalized);
    }
    this.#player = IDLE_PLAYER;
    if (options.items && options.items.length > 0) {
      this.playItems(options.items, { playing: options.playing ?? false });
    }
  }

  /** The clock the device runs on, in milliseconds. */
  now(): number {
    return this.#now();
  }

  /** Bumped on every change a client can see in playstatusupdate (cmsr); never 0. */
  get revision(): number {
    this.#settle();
    return this.#revision;
  }

  get player(): FakeDmapPlayer {
    this.#settle();
    return this.#player;
  }

  get playStatus(): DmapPlayStatus {
    return this.player.status;
  }

  /** The item shown, undefined while idle. */
  get item(): FakeDmapItem | undefined {
    return currentItem(this.player);
  }

  /** Milliseconds into the item now. */
  get positionMs(): number {
    return positionAt(this.player, this.#now(), this.static);
  }

  get volume(): number {
    return this.#volume;
  }

  get shuffle(): boolean {
    return this.player.shuffle;
  }

  get repeat(): DmapRepeat {
    return this.player.repeat;
  }

  /** Pairing GUIDs of the remotes paired with the device ("0x" + 16 hex digits). */
  get pairedGuids(): readonly string[] {
    return [...this.#paired];
  }

  isPaired(guid: string): boolean {
    const normalized = normalizePairingGuid(guid);
    return normalized !== undefined && this.#paired.has(normalized);
  }

  /** Remembers a remote as paired (what the device does once /pair answers rightly). */
  addPairedGuid(guid: string): void {
    const normalized = normalizePairingGuid(guid);
    if (normalized === undefined) return;
    this.#paired.delete(normalized);
    this.#paired.add(normalized);
    if (this.#paired.size > FAKE_MAX_PAIRED) {
      const oldest = this.#paired.values().next().value;
      if (oldest !== undefined) this.#paired.delete(oldest);
    }
  }

  /** Plays `items` from `index` (default the first), playing or paused. */
  playItems(
    items: readonly FakeDmapItem[],
    options: { index?: number; positionMs?: number; playing?: boolean } = {},
  ): void {
    if (items.length === 0) {
      this.nothingPlaying();
      return;
    }
    const index = Math.min(Math.max(0, options.index ?? 0), items.length - 1);
    this.#setPlayer(
      seek(
        {
          ...this.#player,
          items: [...items],
          index,
          status: options.playing === false ? DmapPlayStatus.Paused : DmapPlayStatus.Playing,
        },
        options.positionMs ?? 0,
        this.#now(),
      ),
    );
  }

  /** Nothing plays: playstatusupdate carries no item (pyatv's nothing_playing). */
  nothingPlaying(): void {
    this.#setPlayer({ ...IDLE_PLAYER, shuffle: this.#player.shuffle, repeat: this.#player.repeat });
  }

  /** Media is loading (caps 1), as pyatv's media_is_loading. */
  mediaIsLoading(): void {
    this.#setPlayer({ ...this.#player, status: DmapPlayStatus.Loading, positionAt: this.#now() });
  }

  /** @internal The service obeys a transport command. */
  command(command: DmapTransportCommand): void {
    this.#emit({ kind: "command", name: COMMAND_NAMES[command] });
    this.#setPlayer(applyCommand(this.player, command, this.#now(), this.static));
  }

  /** @internal volumeup / volumedown: a step of 5, when the volume is controllable. */
  volumeStep(up: boolean): void {
    this.#emit({ kind: "command", name: up ? "volume_up" : "volume_down" });
    if (this.volumeControl) this.setVolume(this.#volume + (up ? 5 : -5));
  }

  /** Sets the volume (clamped to 0–100); clients hear of it in their next update. */
  setVolume(level: number): void {
    const clamped = Math.round(Math.min(100, Math.max(0, level)));
    if (clamped === this.#volume) return;
    this.#volume = clamped;
    this.#emit({ kind: "volume", level: clamped });
    this.#changed();
  }

  /** @internal dacp.playingtime */
  seekTo(positionMs: number): void {
    this.#emit({ kind: "command", name: "set_position", value: Math.round(positionMs / 1000) });
    this.#setPlayer(seek(this.player, positionMs, this.#now()));
  }

  /** @internal dacp.shufflestate */
  setShuffle(on: boolean): void {
    this.#emit({ kind: "command", name: "set_shuffle", value: on ? 1 : 0 });
    this.#setPlayer({ ...this.player, shuffle: on });
  }

  /** @internal dacp.repeatstate */
  setRepeat(repeat: DmapRepeat): void {
    this.#emit({ kind: "command", name: "set_repeat", value: repeat });
    this.#setPlayer({ ...this.player, repeat });
  }

  /** @internal dmcp.volume from a client. */
  setVolumeFromClient(level: number): void {
    this.#emit({ kind: "command", name: "set_volume", value: level });
    if (this.volumeControl) this.setVolume(level);
  }

  /** @internal A navigation key decoded from controlpromptentry. */
  recordButton(name: string): void {
    this.#emit({ kind: "button", name, action: "single_tap" });
  }

  /** @internal */
  recordPrompt(prompt: string): void {
    pushBounded(this.prompts, prompt);
  }

  /** @internal Logins, pairings and failed pairings. */
  recordEvent(event: FakeDmapEvent): void {
    this.#emit(event);
  }

  /** Hears every event; returns a function that stops listening. */
  onEvent(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * @internal Calls `wake` once, on the next change a client can see (a long poll
   * waiting); returns a function that cancels the wait.
   */
  onNextChange(wake: () => void): () => void {
    const waiter = () => {
      this.#changeWaiters.delete(waiter);
      wake();
    };
    this.#changeWaiters.add(waiter);
    return () => this.#changeWaiters.delete(waiter);
  }

  /** How many long polls wait for a change now. */
  get waitingPolls(): number {
    return this.#changeWaiters.size;
  }

  /** @internal Stops the item timer and wakes every waiter (the device closes). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#endTimer);
    for (const waiter of [...this.#changeWaiters]) waiter();
  }

  #emit(event: FakeDmapEvent): void {
    pushBounded(this.events, event);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break the device.
      }
    }
  }

  /** Applies an item that ran to its end since the player was last looked at. */
  #settle(): void {
    if (this.static) return;
    const settled = settle(this.#player, this.#now());
    if (settled !== this.#player) this.#setPlayer(settled);
  }

  #setPlayer(player: FakeDmapPlayer): void {
    if (player === this.#player) return;
    this.#player = player;
    this.#changed();
  }

  #changed(): void {
    this.#revision = this.#revision >= 0xffff_fffe ? 1 : this.#revision + 1;
    this.#scheduleEnd();
    for (const waiter of [...this.#changeWaiters]) waiter();
  }

  /** Wakes long polls when the item now running ends, as a device tells its remotes. */
  #scheduleEnd(): void {
    clearTimeout(this.#endTimer);
    this.#endTimer = undefined;
    if (this.static || this.#closed) return;
    const end = endsAt(this.#player);
    if (end === undefined) return;
    const delay = Math.min(Math.max(MIN_END_DELAY_MS, end - this.#now() + 1), 0x7fff_ffff);
    this.#endTimer = setTimeout(() => {
      const before = this.#player;
      this.#settle();
      // Timers and the clock can disagree by a little: look again a little later.
      if (before === this.#player) this.#scheduleEnd();
    }, delay);
    this.#endTimer.unref();
  }
}
