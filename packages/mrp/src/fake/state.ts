// What a fake MRP device remembers: paired clients, what it was told to do, and the faults
// tests ask it to inject. Shared by every connection to the device.

import type { PairedClient } from "@atv/hap/server";
import type { Logger } from "@atv/interface";
import {
  type ConnectionState,
  HandlerReturnStatus,
  type SendError,
} from "../protobuf/generated/enums.js";
import type {
  CommandOptions,
  DeviceInfoMessage,
  PlaybackQueueRequestMessage,
  ProtocolMessage,
} from "../protobuf/types.js";
import { FakeNowPlaying } from "./now-playing.js";
import { applyCommand } from "./player.js";
import {
  type FakeVolumeControl,
  volumeCapabilitiesDidChangeMessage,
  volumeControlAvailabilityMessage,
  volumeDidChangeMessage,
} from "./volume.js";

/** The input action a device infers from key press and release timing (pyatv's names). */
export type FakeButtonAction = "single_tap" | "double_tap" | "hold";

/**
 * One thing that happened on the device, as it happens; names as the CLIs spell them.
 * Commands and buttons are what a client sent; volume (percent; `outputDevice` set for
 * a device other than this one) and power are the device's state changing, whoever
 * changed it.
 */
export type FakeMrpEvent =
  | { kind: "command"; name: string }
  | { kind: "button"; name: string; action: FakeButtonAction }
  | { kind: "volume"; level: number; outputDevice?: string }
  | { kind: "power"; on: boolean };

/** How a client's request changes the output devices. */
export type FakeOutputDeviceChange = "add" | "remove" | "set";

export interface FakeMrpCommand {
  /** "play", "skip_forward", "set_shuffle", "volume_up", ... */
  readonly name: string;
  /** The command's options as sent (skip interval, position, shuffle or repeat mode). */
  readonly options?: CommandOptions;
}

export interface FakeMrpButton {
  /** "up", "select", "home", "top_menu", ... ("home" held is home_hold). */
  readonly name: string;
  readonly action: FakeButtonAction;
}

/** How the device answers a command it fails (a SEND_COMMAND_RESULT with these). */
export interface FakeCommandFailure {
  sendError?: SendError;
  handlerReturnStatus?: HandlerReturnStatus;
}

/** A live connection, as the state sees it: something to drop and to update. */
export interface FakeMrpConnectionHandle {
  drop(): void;
  /** Sends `message` if the client asked for updates. */
  sendUpdate(message: ProtocolMessage): void;
  /** Sends a DEVICE_INFO_UPDATE describing the device as it is now. */
  sendDeviceInfoUpdate(): void;
}

type EventListener = (event: FakeMrpEvent) => void;

/** The most entries each history keeps: the oldest go first, so a long run stays small. */
export const FAKE_MAX_RECORDED = 1000;
/** The most output devices (and volumes of other devices) a client can make it hold. */
export const FAKE_MAX_OUTPUT_DEVICES = 64;

export class FakeMrpState {
  /** Commands received, in order; the last FAKE_MAX_RECORDED, as the other histories. */
  readonly commands: FakeMrpCommand[] = [];
  readonly buttons: FakeMrpButton[] = [];
  /**
   * Commands and buttons in the order they were received (volume and power changes go
   * to the onEvent listeners only; `volume` and `poweredOn` hold the outcome).
   */
  readonly events: FakeMrpEvent[] = [];
  /** Heartbeats (GENERIC_MESSAGE) received. */
  heartbeatCount = 0;
  /** Every PLAYBACK_QUEUE_REQUEST (artwork request) received, in order. */
  readonly playbackQueueRequests: PlaybackQueueRequestMessage[] = [];
  /** The last SET_CONNECTION_STATE a client sent. */
  connectionState: ConnectionState | undefined;
  /** The last DEVICE_INFO a client sent about itself. */
  clientInfo: DeviceInfoMessage | undefined;
  /** What each app plays and which one is now playing (the use cases set it). */
  readonly nowPlaying = new FakeNowPlaying();
  /** Whether heartbeats are answered (tests turn this off to make a device go silent). */
  answerHeartbeats = true;
  /** The device's own output device UID (its DEVICE_INFO deviceUID). */
  readonly deviceUid: string;
  /** The device's volume, 0 to 1 (pyatv's fake starts at half). */
  volume = 0.5;
  /** Volumes (0 to 1) of other output devices that a client set, by UID. */
  readonly outputDeviceVolumes = new Map<string, number>();
  /** Awake (one logical device in DEVICE_INFO) or asleep (none). */
  poweredOn = true;
  /** UIDs of the output devices the device plays on; at first, itself. */
  outputDevices: string[];
  /** What volume control the device offers (all of it, by default). */
  volumeControl: FakeVolumeControl = { available: true, absolute: true, relative: true };
  /** The cluster the device leads, if any (its DEVICE_INFO clusterID). */
  clusterId: string | undefined;

  readonly #paired = new Map<string, PairedClient>();
  readonly #verified = new Set<string>();
  readonly #listeners = new Set<EventListener>();
  readonly #pairingListeners = new Set<() => void>();
  readonly #connections = new Set<FakeMrpConnectionHandle>();
  readonly #logger: Logger | undefined;
  #commandFailures: FakeCommandFailure[] = [];

  constructor(logger?: Logger, deviceUid = "") {
    this.#logger = logger;
    this.deviceUid = deviceUid;
    this.outputDevices = deviceUid === "" ? [] : [deviceUid];
  }

  /** The UID the device's own volume goes by: its cluster's, else its own (pyatv). */
  get volumeUid(): string {
    return this.clusterId ?? this.deviceUid;
  }

  /**
   * Sets the volume (0 to 1) of the device, or of another output device, and tells the
   * clients. A level out of range is ignored (as pyatv's fake); returns whether it was
   * taken.
   */
  changeVolume(outputDeviceUid: string, volume: number): boolean {
    if (!(Number.isFinite(volume) && volume >= 0 && volume <= 1)) {
      this.#logger?.debug("fake mrp: volume %s out of range, ignored", volume);
      return false;
    }
    const own = outputDeviceUid === this.volumeUid || outputDeviceUid === this.deviceUid;
    if (own) this.volume = volume;
    else if (
      this.outputDeviceVolumes.has(outputDeviceUid) ||
      this.outputDeviceVolumes.size < FAKE_MAX_OUTPUT_DEVICES
    ) {
      this.outputDeviceVolumes.set(outputDeviceUid, volume);
    } else {
      this.#logger?.debug("fake mrp: too many output devices, volume ignored");
      return false;
    }
    const level = Math.round(volume * 1000) / 10;
    this.#tell(
      own ? { kind: "volume", level } : { kind: "volume", level, outputDevice: outputDeviceUid },
    );
    this.broadcast(volumeDidChangeMessage(outputDeviceUid, volume));
    return true;
  }

  /**
   * Changes what volume control the device offers and tells the clients; where control
   * is available, the current volume follows (as pyatv's fake).
   */
  changeVolumeControl(control: FakeVolumeControl): void {
    this.volumeControl = { ...control };
    this.broadcast(volumeControlAvailabilityMessage(control));
    this.broadcast(volumeCapabilitiesDidChangeMessage(control, this.volumeUid));
    if (control.available) this.broadcast(volumeDidChangeMessage(this.volumeUid, this.volume));
  }

  /** Wakes the device or puts it to sleep, and tells the clients. */
  changePower(on: boolean): void {
    const changed = this.poweredOn !== on;
    this.poweredOn = on;
    if (changed) this.#tell({ kind: "power", on });
    this.broadcastDeviceInfo();
  }

  /** Adds, removes or replaces output devices, and tells the clients. */
  changeOutputDevices(change: FakeOutputDeviceChange, uids: readonly string[]): void {
    switch (change) {
      case "add":
        for (const uid of uids) if (!this.outputDevices.includes(uid)) this.outputDevices.push(uid);
        break;
      case "remove":
        this.outputDevices = this.outputDevices.filter((uid) => !uids.includes(uid));
        break;
      case "set":
        this.outputDevices = [...new Set(uids)];
        break;
    }
    this.outputDevices.splice(FAKE_MAX_OUTPUT_DEVICES);
    this.broadcastDeviceInfo();
  }

  /** Puts the device in a cluster (or takes it out), and tells the clients. */
  changeClusterId(clusterId: string | undefined): void {
    this.clusterId = clusterId;
    this.broadcastDeviceInfo();
  }

  /** Sends `message` to every client that asked for updates. */
  broadcast(message: ProtocolMessage): void {
    for (const connection of [...this.#connections]) connection.sendUpdate(message);
  }

  /** Sends every client a DEVICE_INFO_UPDATE describing the device as it is now. */
  broadcastDeviceInfo(): void {
    for (const connection of [...this.#connections]) connection.sendDeviceInfoUpdate();
  }

  get lastCommand(): FakeMrpCommand | undefined {
    return this.commands.at(-1);
  }

  get lastButton(): FakeMrpButton | undefined {
    return this.buttons.at(-1);
  }

  /** Identifiers (as text) of the clients that completed pair-setup. */
  get pairedClientIds(): string[] {
    return [...this.#paired.values()].map((client) => textOf(client.identifier));
  }

  /** Identifiers (as text) of the clients that passed pair-verify at least once. */
  get verifiedClientIds(): string[] {
    return [...this.#verified];
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Makes the next command fail; default: handler status CommandFailed. */
  failNextCommand(
    reason: FakeCommandFailure = { handlerReturnStatus: HandlerReturnStatus.CommandFailed },
  ): void {
    this.#commandFailures.push(reason);
  }

  /** Drops every open connection at once, without a word (the device vanished). */
  dropConnections(): void {
    for (const connection of [...this.#connections]) connection.drop();
  }

  /** Remembers a client as paired (done by pair-setup; tests may add one directly). */
  addPairedClient(client: PairedClient): void {
    this.#paired.set(hexOf(client.identifier), client);
    this.#pairingsChanged();
  }

  /** Forgets every paired client (the user removed them on the device). */
  forgetPairedClients(): void {
    this.#paired.clear();
    this.#pairingsChanged();
  }

  /** The paired clients, with their long-term keys (to keep them across restarts). */
  get pairings(): readonly PairedClient[] {
    return [...this.#paired.values()];
  }

  /** Calls `listener` after each change of the paired clients; returns the unsubscribe. */
  onPairingsChanged(listener: () => void): () => void {
    this.#pairingListeners.add(listener);
    return () => this.#pairingListeners.delete(listener);
  }

  #pairingsChanged(): void {
    for (const listener of [...this.#pairingListeners]) listener();
  }

  /** The long-term public key of a paired client, or undefined if it is unknown. */
  clientPublicKey(clientId: Uint8Array): Uint8Array | undefined {
    return this.#paired.get(hexOf(clientId))?.publicKey;
  }

  /** Calls `listener` with every command, button, volume and power change as it happens. */
  onEvent(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** @internal The service records an artwork request. */
  recordPlaybackQueueRequest(request: PlaybackQueueRequestMessage): void {
    pushBounded(this.playbackQueueRequests, request);
  }

  /** @internal The service records a verified client. */
  markVerified(clientId: Uint8Array): void {
    this.#verified.add(textOf(clientId));
  }

  /** @internal The service asks whether to fail the command it is handling. */
  takeCommandFailure(): FakeCommandFailure | undefined {
    return this.#commandFailures.shift();
  }

  /** @internal The service registers a connection; returns its removal. */
  addConnection(connection: FakeMrpConnectionHandle): () => void {
    this.#connections.add(connection);
    return () => this.#connections.delete(connection);
  }

  /** @internal */
  recordCommand(name: string, options?: CommandOptions): void {
    pushBounded(this.commands, options === undefined ? { name } : { name, options });
    this.#emit({ kind: "command", name });
  }

  /** @internal */
  recordButton(name: string, action: FakeButtonAction): void {
    pushBounded(this.buttons, { name, action });
    this.#emit({ kind: "button", name, action });
  }

  /**
   * The app now playing obeys a transport command: its state changes and the clients
   * hear of it. A command that changes nothing sends nothing.
   */
  followCommand(name: string, options?: CommandOptions): void {
    const bundleId = this.nowPlaying.activeApp;
    const current = bundleId === undefined ? undefined : this.nowPlaying.stateOf(bundleId);
    if (bundleId === undefined || current === undefined) return;
    const queue = this.nowPlaying.queueOf(bundleId);
    const outcome = applyCommand(current, name, options, Date.now(), queue);
    if (outcome === undefined) return;
    if (queue !== undefined && outcome.index !== undefined) {
      this.nowPlaying.setQueue(bundleId, { ...queue, index: outcome.index });
    }
    this.broadcast(this.nowPlaying.setState(bundleId, outcome.state));
  }

  #emit(event: FakeMrpEvent): void {
    pushBounded(this.events, event);
    this.#tell(event);
  }

  #tell(event: FakeMrpEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#logger?.debug("fake mrp: event listener failed: %o", error);
      }
    }
  }
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > FAKE_MAX_RECORDED) list.splice(0, list.length - FAKE_MAX_RECORDED);
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("utf8");
}
