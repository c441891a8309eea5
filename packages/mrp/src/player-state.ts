// What every now-playing client (app) and player on the device is doing, kept up to date
// from the messages the device pushes (after pyatv's protocols/mrp/player_state.py).
// Devices send partial and sometimes odd messages: every field is read defensively, and a
// field of the wrong type counts as absent.

import { type Logger, silentLogger } from "@atv/interface";
import { MessageType, PlaybackState } from "./protobuf/generated/enums.js";
import type {
  CommandInfo,
  ContentItem,
  ContentItemMetadata,
  NowPlayingClient,
  NowPlayingPlayer,
  PlayerPath,
  ProtocolMessage,
} from "./protobuf/types.js";
import { payloadRecord, record, records, text } from "./read-fields.js";

/** The player an app uses unless it names another (pyatv's DEFAULT_PLAYER_ID). */
export const DEFAULT_PLAYER_ID = "MediaRemote-DefaultPlayer";

/** What the manager needs of MrpProtocol: unsolicited messages by type. */
export interface MessageSource {
  listen(type: MessageType, handler: (message: ProtocolMessage) => void): () => void;
}

/** One player of an app: its state, queue and commands. */
export class PlayerState {
  readonly identifier: string | undefined;
  displayName: string | undefined;
  /** Commands this player supports; the app's defaults apply where it lists none. */
  supportedCommands: CommandInfo[] = [];
  items: ContentItem[] = [];
  /** Index of the current item in `items`. */
  location = 0;
  /** The playback state as the device sent it; see `playbackState` for the effective one. */
  rawPlaybackState: number | undefined;
  readonly client: NowPlayingClientState;

  constructor(client: NowPlayingClientState, player: NowPlayingPlayer | undefined) {
    this.client = client;
    this.identifier = text(player?.identifier);
    this.update(player);
  }

  /** A player the device named (an empty identifier means none). */
  get isValid(): boolean {
    return this.identifier !== undefined && this.identifier !== "";
  }

  update(player: NowPlayingPlayer | undefined): void {
    this.displayName = text(player?.displayName) || this.displayName;
  }

  /** The current item, if the queue has one at `location`. */
  get item(): ContentItem | undefined {
    return this.items[this.location];
  }

  get metadata(): ContentItemMetadata | undefined {
    return record(this.item?.metadata) as ContentItemMetadata | undefined;
  }

  get itemIdentifier(): string | undefined {
    return text(this.item?.identifier);
  }

  /**
   * The effective playback state, as pyatv derives it: paused with an empty queue is
   * nothing at all, and "playing" at a rate other than 0 or 1 is seeking.
   */
  get playbackState(): number | undefined {
    const state = this.rawPlaybackState;
    if (state === undefined) return undefined;
    if (state === PlaybackState.Paused) {
      return this.metadata === undefined ? undefined : PlaybackState.Paused;
    }
    if (state !== PlaybackState.Playing) return state;
    const rate = number(this.metadata?.playbackRate);
    if (rate === undefined || rate === 0 || isClose(rate, 1)) return PlaybackState.Playing;
    return PlaybackState.Seeking;
  }

  /** This player's info on `command`, else its app's default, else undefined. */
  commandInfo(command: number): CommandInfo | undefined {
    return (
      this.supportedCommands.find((info) => info.command === command) ??
      this.client.supportedCommands.find((info) => info.command === command)
    );
  }

  handleSetState(message: Record<string, unknown>): void {
    const state = number(message.playbackState);
    if (state !== undefined) this.rawPlaybackState = state;
    const supported = record(message.supportedCommands);
    if (supported !== undefined) this.supportedCommands = commandList(supported);
    const queue = record(message.playbackQueue);
    if (queue !== undefined) {
      this.items = records(queue.contentItems).map(copyItem);
      this.location = Math.max(0, Math.trunc(number(queue.location) ?? 0));
    }
  }

  /** Merges the fields an UPDATE_CONTENT_ITEM sends into the items with the same identifier. */
  handleContentItemUpdate(message: Record<string, unknown>): void {
    for (const update of records(message.contentItems)) {
      const id = text(update.identifier);
      const changes = definedFields(record(update.metadata));
      for (const [index, existing] of this.items.entries()) {
        if (text(existing.identifier) !== id) continue;
        this.items[index] = { ...existing, metadata: { ...existing.metadata, ...changes } };
      }
    }
  }
}

/** An app that plays (or played) something: pyatv's Client. */
export class NowPlayingClientState {
  readonly bundleIdentifier: string;
  displayName: string | undefined;
  readonly players = new Map<string, PlayerState>();
  /** The app's default supported commands. */
  supportedCommands: CommandInfo[] = [];
  #activePlayer: PlayerState | undefined;

  constructor(client: NowPlayingClient | undefined) {
    this.bundleIdentifier = text(client?.bundleIdentifier) ?? "";
    this.update(client);
  }

  /** The active player, else the default player, else an empty one. */
  get activePlayer(): PlayerState {
    return this.#activePlayer ?? this.players.get(DEFAULT_PLAYER_ID) ?? new PlayerState(this, {});
  }

  set activePlayer(player: PlayerState | undefined) {
    this.#activePlayer = player;
  }

  /** True when `player` is the one `activePlayer` would return (by identifier). */
  isActive(player: PlayerState): boolean {
    return this.activePlayer.identifier === player.identifier;
  }

  player(player: NowPlayingPlayer | undefined): PlayerState {
    const id = text(player?.identifier) ?? "";
    let state = this.players.get(id);
    if (state === undefined) {
      state = new PlayerState(this, player);
      this.players.set(id, state);
    }
    return state;
  }

  update(client: NowPlayingClient | undefined): void {
    this.displayName = text(client?.displayName) || this.displayName;
  }
}

/** Told after each change to what is playing. */
type ChangeListener = () => void;

/**
 * Tracks every app and player from the device's messages and tells listeners when
 * something changed that matters for what is playing (the active app or player).
 */
export class PlayerStateManager {
  readonly #clients = new Map<string, NowPlayingClientState>();
  readonly #listeners = new Set<ChangeListener>();
  readonly #unsubscribes: (() => void)[] = [];
  readonly #handlers = new Map<number, (payload: Record<string, unknown>) => void>();
  #activeClient: NowPlayingClientState | undefined;

  readonly #logger: Logger;

  constructor(source: MessageSource, logger: Logger = silentLogger) {
    this.#logger = logger;
    const handlers: [MessageType, (payload: Record<string, unknown>) => void][] = [
      [MessageType.SET_STATE_MESSAGE, (p) => this.#setState(p)],
      [MessageType.UPDATE_CONTENT_ITEM_MESSAGE, (p) => this.#contentItemUpdate(p)],
      [MessageType.SET_NOW_PLAYING_CLIENT_MESSAGE, (p) => this.#setNowPlayingClient(p)],
      [MessageType.SET_NOW_PLAYING_PLAYER_MESSAGE, (p) => this.#setNowPlayingPlayer(p)],
      [MessageType.UPDATE_CLIENT_MESSAGE, (p) => this.#updateClient(p)],
      [MessageType.REMOVE_CLIENT_MESSAGE, (p) => this.#removeClient(p)],
      [MessageType.REMOVE_PLAYER_MESSAGE, (p) => this.#removePlayer(p)],
      [MessageType.SET_DEFAULT_SUPPORTED_COMMANDS_MESSAGE, (p) => this.#defaultCommands(p)],
    ];
    for (const [type, handle] of handlers) {
      this.#handlers.set(type, handle);
      this.#unsubscribes.push(source.listen(type, (message) => this.handle(message)));
    }
  }

  /** The app now playing, if the device named one. */
  get client(): NowPlayingClientState | undefined {
    return this.#activeClient;
  }

  /** The active app's active player (an empty player when there is none). */
  get playing(): PlayerState {
    if (this.#activeClient) return this.#activeClient.activePlayer;
    return new PlayerState(new NowPlayingClientState(undefined), undefined);
  }

  /** Every app the device told about, by bundle identifier. */
  get clients(): ReadonlyMap<string, NowPlayingClientState> {
    return this.#clients;
  }

  /** Calls `listener` after each change to what is playing; returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies one message (MrpProtocol calls this; tests may too). Never throws. */
  handle(message: ProtocolMessage): void {
    const read = payloadRecord(message);
    const handler = read === undefined ? undefined : this.#handlers.get(read.type);
    if (read === undefined || handler === undefined) return;
    handler(read.payload);
  }

  /** Stops listening to the device. */
  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#listeners.clear();
  }

  #client(client: unknown): NowPlayingClientState {
    const info = record(client) as NowPlayingClient | undefined;
    const bundle = text(info?.bundleIdentifier) ?? "";
    let state = this.#clients.get(bundle);
    if (state === undefined) {
      state = new NowPlayingClientState(info);
      this.#clients.set(bundle, state);
    }
    return state;
  }

  #player(path: unknown): PlayerState {
    const playerPath = record(path) as PlayerPath | undefined;
    return this.#client(playerPath?.client).player(
      record(playerPath?.player) as NowPlayingPlayer | undefined,
    );
  }

  #setState(payload: Record<string, unknown>): void {
    const player = this.#player(payload.playerPath);
    player.handleSetState(payload);
    this.#changed({ player });
  }

  #contentItemUpdate(payload: Record<string, unknown>): void {
    const player = this.#player(payload.playerPath);
    player.handleContentItemUpdate(payload);
    this.#changed({ player });
  }

  #setNowPlayingClient(payload: Record<string, unknown>): void {
    this.#activeClient = this.#client(payload.client);
    this.#activeClient.update(record(payload.client) as NowPlayingClient | undefined);
    this.#changed({});
  }

  #setNowPlayingPlayer(payload: Record<string, unknown>): void {
    const path = record(payload.playerPath) as PlayerPath | undefined;
    const client = this.#client(path?.client);
    client.activePlayer = client.player(record(path?.player) as NowPlayingPlayer | undefined);
    this.#changed({ client });
  }

  #updateClient(payload: Record<string, unknown>): void {
    const client = this.#client(payload.client);
    client.update(record(payload.client) as NowPlayingClient | undefined);
    this.#changed({ client });
  }

  #removeClient(payload: Record<string, unknown>): void {
    const bundle = text(record(payload.client)?.bundleIdentifier) ?? "";
    const client = this.#clients.get(bundle);
    if (client === undefined) return;
    this.#clients.delete(bundle);
    if (client === this.#activeClient) {
      this.#activeClient = undefined;
      this.#changed({});
    }
  }

  #removePlayer(payload: Record<string, unknown>): void {
    const path = record(payload.playerPath) as PlayerPath | undefined;
    const client = this.#client(path?.client);
    const player = client.player(record(path?.player) as NowPlayingPlayer | undefined);
    if (!player.isValid || player.identifier === undefined) return;
    const wasActive = client.isActive(player);
    client.players.delete(player.identifier);
    if (wasActive) {
      client.activePlayer = undefined;
      this.#changed({ client });
    }
  }

  #defaultCommands(payload: Record<string, unknown>): void {
    const path = record(payload.playerPath) as PlayerPath | undefined;
    const client = this.#client(path?.client);
    client.supportedCommands = commandList(record(payload.supportedCommands));
    this.#changed({});
  }

  // As pyatv: listeners hear of changes to the active app or its active player, and of
  // changes that may affect any app (a new active app, default commands).
  #changed(scope: { client?: NowPlayingClientState; player?: PlayerState }): void {
    const { client, player } = scope;
    const always = client === undefined && player === undefined;
    const activeClient = client !== undefined && client === this.#activeClient;
    const activePlayer =
      player !== undefined &&
      this.#activeClient !== undefined &&
      player.client === this.#activeClient &&
      this.#activeClient.isActive(player);
    if (!always && !activeClient && !activePlayer) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        this.#logger.debug("mrp: player state listener failed: %o", error);
      }
    }
  }
}

// A number as the device sent it, NaN included (read-fields' finiteNumber refuses that).
function number(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function commandList(supported: Record<string, unknown> | undefined): CommandInfo[] {
  return records(supported?.supportedCommands) as CommandInfo[];
}

function copyItem(item: Record<string, unknown>): ContentItem {
  const metadata = record(item.metadata);
  return { ...item, ...(metadata ? { metadata: { ...metadata } } : { metadata: undefined }) };
}

function definedFields(value: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value ?? {})) {
    if (field !== undefined && field !== null) out[key] = field;
  }
  return out;
}

// math.isclose with its default relative tolerance, as pyatv compares rates.
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}
