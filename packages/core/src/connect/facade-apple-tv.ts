import {
  type AbortOptions,
  type AppleTV,
  type Apps,
  ConnectionLostError,
  type DeviceListener,
  type Metadata,
  type Playing,
  type ProtocolSession,
  type PushUpdater,
  type RemoteControl,
  type Stream,
  type TouchGestures,
  type UserAccounts,
} from "@atv/interface";
import { facadeApps, facadeUserAccounts } from "./facade-apps.js";
import { FacadeAudio } from "./facade-audio.js";
import { FacadeFeatures } from "./facade-features.js";
import { FacadeKeyboard } from "./facade-keyboard.js";
import { facadeMetadata } from "./facade-metadata.js";
import { FacadePower } from "./facade-power.js";
import { facadeRemoteControl } from "./facade-remote-control.js";
import { facadeStream } from "./facade-stream.js";
import { facadeTouch } from "./facade-touch.js";
import { gapSession, type Redispatch } from "./reconnect-gap-session.js";
import { ReconnectGate } from "./reconnect-gate.js";
import { reconnectWithBackoff } from "./reconnect-loop.js";
import {
  type ReconnectOptions,
  type ReconnectPolicy,
  reconnectPolicy,
} from "./reconnect-policy.js";
import { ReconnectingPushUpdater } from "./reconnect-push-updater.js";
import { POWER_PRIORITY, PROTOCOL_PRIORITY, Relayer } from "./relayer.js";

/**
 * Connects to the device again, without reconnection of its own, its losses told to
 * `listener` (connect() with the same options).
 */
export type Reopen = (listener: DeviceListener, signal: AbortSignal) => Promise<FacadeAppleTV>;

export interface FacadeOptions {
  /** Reconnection after a lost connection (see `FacadeAppleTV.reconnect`). */
  reconnect?: boolean | ReconnectOptions;
  /** How to connect again; without it there is no reconnection. */
  reopen?: Reopen;
}

/**
 * A connected device: one object over the sessions of every protocol that connected,
 * each call relayed to the protocol that can make it (pyatv's FacadeAppleTV).
 */
export class FacadeAppleTV {
  readonly config: AppleTV;
  readonly remoteControl: RemoteControl;
  /** What is playing and in which app. */
  readonly metadata: Metadata;
  /** Push updates of what is playing (the highest-priority protocol's). */
  readonly pushUpdater: PushUpdater;
  /** Volume and output devices. */
  readonly audio: FacadeAudio;
  /** Power state, on and off. */
  readonly power: FacadePower;
  /** What the device can do now, feature by feature. */
  readonly features: FacadeFeatures;
  /** Playing media from a URL or a local file (AirPlay). */
  readonly stream: Stream;
  /** The device's apps (Companion). */
  readonly apps: Apps;
  /** The device's user accounts (Companion). */
  readonly userAccounts: UserAccounts;
  /** The on-screen keyboard: focus state and text (Companion). */
  readonly keyboard: FacadeKeyboard;
  /** Touch gestures on the virtual touchpad (Companion). */
  readonly touch: TouchGestures;
  /**
   * Told once when the connection is lost for good or closed; with reconnection, also of
   * each attempt and each success (see DeviceListener).
   */
  listener: DeviceListener | undefined;
  readonly #sessions: ProtocolSession[] = [];
  readonly #pushUpdater: ReconnectingPushUpdater;
  readonly #reopen: Reopen | undefined;
  #policy: ReconnectPolicy | undefined;
  #ended = false;
  /** Stands for the sessions in use; a loss reported by others (closed ones) is stale. */
  #connection: object = {};
  readonly #firstConnection = this.#connection;
  /**
   * While reconnecting: the gap, how to stop it, and its end. Kept once reconnection gave
   * up, so that later calls and iterators hear why.
   */
  #gap: { gate: ReconnectGate; stop: AbortController; done: Promise<void> } | undefined;

  constructor(config: AppleTV, listener?: DeviceListener, options: FacadeOptions = {}) {
    this.config = config;
    this.listener = listener;
    this.#reopen = options.reopen;
    this.reconnect = options.reconnect ?? false;
    const relayer = new Relayer(this.#sessions);
    const powerRelayer = new Relayer(this.#sessions, POWER_PRIORITY);
    this.#redispatch = (part, method, args) => {
      const chosen = part === "power" ? powerRelayer : relayer;
      const call = chosen.relay(part, method as never) as (...a: unknown[]) => Promise<unknown>;
      return call(...args);
    };
    this.remoteControl = facadeRemoteControl(relayer);
    this.metadata = facadeMetadata(relayer);
    this.#pushUpdater = new ReconnectingPushUpdater(relayer, {
      gap: () => this.#gap?.gate,
      mayReconnect: () => !this.#ended && this.#policy !== undefined && this.#reopen !== undefined,
    });
    this.pushUpdater = this.#pushUpdater;
    this.audio = new FacadeAudio(relayer);
    this.power = new FacadePower(powerRelayer);
    this.features = new FacadeFeatures(relayer);
    this.stream = facadeStream(relayer);
    this.apps = facadeApps(relayer);
    this.userAccounts = facadeUserAccounts(relayer);
    this.keyboard = new FacadeKeyboard(relayer);
    this.touch = facadeTouch(relayer);
  }

  /**
   * What is playing, as it changes: the current state first, then each change. Ends when
   * `signal` aborts or the connection closes; throws when it is lost.
   */
  pushUpdates(opts?: AbortOptions): AsyncIterable<Playing> {
    return this.pushUpdater.updates(opts);
  }

  /** The protocols connected, in priority order. */
  get protocols(): ProtocolSession["protocol"][] {
    return PROTOCOL_PRIORITY.filter((p) => this.#sessions.some((s) => s.protocol === p));
  }

  /** Adds a protocol's session (connect() does this). */
  addSession(session: ProtocolSession): void {
    this.#sessions.push(session);
    if (session.audio) session.audio.listener = this.audio.relayListener();
    if (session.power) session.power.listener = this.power.relayListener(session);
    if (session.keyboard) session.keyboard.listener = this.keyboard.relayListener(session);
  }

  readonly #redispatch: Redispatch;

  /**
   * Whether and how to reconnect after a lost connection: off by default (as pyatv),
   * `true` for the defaults. Read at each loss, so it can be turned on after connect().
   * Invalid options are an InvalidConfigError here.
   */
  get reconnect(): ReconnectPolicy | undefined {
    return this.#policy;
  }

  set reconnect(options: boolean | ReconnectOptions) {
    this.#policy = options === false ? undefined : reconnectPolicy(options);
  }

  /**
   * A protocol lost its connection: the others are ended too. Without reconnection the
   * listener hears connectionLost() once; with it, the device reconnects (see reconnect).
   */
  connectionLost(error: Error): void {
    this.#lost(this.#firstConnection, error);
  }

  #lost(connection: object, error: Error): void {
    if (this.#ended || connection !== this.#connection) return;
    const policy = this.#reopen === undefined ? undefined : this.#policy;
    if (policy === undefined) {
      this.#ended = true;
      void Promise.allSettled(this.#sessions.map((s) => s.close()));
      this.listener?.connectionLost(error);
      return;
    }
    this.#connection = {};
    const lost = this.#sessions.splice(0);
    void Promise.allSettled(lost.map((s) => s.close()));
    const gate = new ReconnectGate(error);
    // Stand-ins keep the relayer choosing the same protocols while calls wait.
    this.#sessions.push(
      ...lost.map((s) => gapSession(s, gate, policy.callTimeout, this.#redispatch)),
    );
    const stop = new AbortController();
    // In place before reconnecting starts, as the listener hears of it at once.
    const gap = { gate, stop, done: Promise.resolve() };
    this.#gap = gap;
    gap.done = this.#reconnectAfter(policy, gate, stop.signal);
  }

  async #reconnectAfter(
    policy: ReconnectPolicy,
    gate: ReconnectGate,
    signal: AbortSignal,
  ): Promise<void> {
    const reopen = this.#reopen;
    if (reopen === undefined) return;
    let connection: object = {};
    let fresh: FacadeAppleTV;
    try {
      fresh = await reconnectWithBackoff({
        policy,
        signal,
        lossError: gate.lossError,
        onWait: (attempt, delayMs, error) => this.listener?.reconnecting?.(attempt, delayMs, error),
        attempt: async (attemptSignal) => {
          const attempt = {};
          const opened = await reopen(
            { connectionLost: (e) => this.#lost(attempt, e), connectionClosed: () => {} },
            attemptSignal,
          );
          if (opened.#ended) throw new ConnectionLostError("lost again while connecting");
          connection = attempt;
          return opened;
        },
      });
    } catch (error) {
      if (this.#ended) return;
      this.#ended = true;
      const lost = error instanceof Error ? error : new ConnectionLostError(String(error));
      gate.gaveUp(lost);
      this.listener?.connectionLost(lost);
      return;
    }
    // The opened device keeps relaying its sessions' losses to us; we use its sessions.
    const sessions = fresh.#sessions.splice(0);
    if (this.#ended) {
      await Promise.allSettled(sessions.map((s) => s.close()));
      return;
    }
    this.#sessions.splice(0);
    for (const session of sessions) this.addSession(session);
    this.#connection = connection;
    this.#gap = undefined;
    gate.reconnected();
    this.#pushUpdater.resume();
    this.listener?.reconnected?.();
  }

  /**
   * Ends every protocol's connection, and reconnection if it is under way; the listener
   * hears connectionClosed() once.
   */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const gap = this.#gap;
    this.#gap = undefined;
    if (gap !== undefined) {
      gap.stop.abort(new ConnectionLostError("the device was closed"));
      gap.gate.closed();
      await gap.done;
    }
    await Promise.allSettled(this.#sessions.map((s) => s.close()));
    this.listener?.connectionClosed();
  }
}
