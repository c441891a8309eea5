// What a fake MRP device remembers: paired clients, what it was told to do, and the faults
// tests ask it to inject. Shared by every connection to the device.

import type { PairedClient } from "@atv/hap/server";
import type { Logger } from "@atv/interface";
import {
  type ConnectionState,
  HandlerReturnStatus,
  type SendError,
} from "../protobuf/generated/enums.js";
import type { CommandOptions, DeviceInfoMessage } from "../protobuf/types.js";
import { FakeNowPlaying } from "./now-playing.js";

/** The input action a device infers from key press and release timing (pyatv's names). */
export type FakeButtonAction = "single_tap" | "double_tap" | "hold";

/** One thing the device received, as it happens; names as the CLIs spell them. */
export type FakeMrpEvent =
  | { kind: "command"; name: string }
  | { kind: "button"; name: string; action: FakeButtonAction };

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

/** A live connection, as the state sees it: something to drop. */
export interface FakeMrpConnectionHandle {
  drop(): void;
}

type EventListener = (event: FakeMrpEvent) => void;

export class FakeMrpState {
  readonly commands: FakeMrpCommand[] = [];
  readonly buttons: FakeMrpButton[] = [];
  /** Commands and buttons in the order they were received. */
  readonly events: FakeMrpEvent[] = [];
  /** Heartbeats (GENERIC_MESSAGE) received. */
  heartbeatCount = 0;
  /** The last SET_CONNECTION_STATE a client sent. */
  connectionState: ConnectionState | undefined;
  /** The last DEVICE_INFO a client sent about itself. */
  clientInfo: DeviceInfoMessage | undefined;
  /** What each app plays and which one is now playing (the use cases set it). */
  readonly nowPlaying = new FakeNowPlaying();
  /** Whether heartbeats are answered (tests turn this off to make a device go silent). */
  answerHeartbeats = true;

  readonly #paired = new Map<string, PairedClient>();
  readonly #verified = new Set<string>();
  readonly #listeners = new Set<EventListener>();
  readonly #connections = new Set<FakeMrpConnectionHandle>();
  readonly #logger: Logger | undefined;
  #commandFailures: FakeCommandFailure[] = [];

  constructor(logger?: Logger) {
    this.#logger = logger;
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
  }

  /** Forgets every paired client (the user removed them on the device). */
  forgetPairedClients(): void {
    this.#paired.clear();
  }

  /** The long-term public key of a paired client, or undefined if it is unknown. */
  clientPublicKey(clientId: Uint8Array): Uint8Array | undefined {
    return this.#paired.get(hexOf(clientId))?.publicKey;
  }

  /** Calls `listener` with every command and button as it is received. */
  onEvent(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
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
    this.commands.push(options === undefined ? { name } : { name, options });
    this.#emit({ kind: "command", name });
  }

  /** @internal */
  recordButton(name: string, action: FakeButtonAction): void {
    this.buttons.push({ name, action });
    this.#emit({ kind: "button", name, action });
  }

  #emit(event: FakeMrpEvent): void {
    this.events.push(event);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#logger?.debug("fake mrp: event listener failed: %o", error);
      }
    }
  }
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("utf8");
}
