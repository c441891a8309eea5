import type {
  AbortOptions,
  AppleTV,
  Apps,
  DeviceListener,
  Metadata,
  Playing,
  ProtocolSession,
  PushUpdater,
  RemoteControl,
  Stream,
  TouchGestures,
  UserAccounts,
} from "@atv/interface";
import { facadeApps, facadeUserAccounts } from "./facade-apps.js";
import { FacadeAudio } from "./facade-audio.js";
import { FacadeFeatures } from "./facade-features.js";
import { FacadeKeyboard } from "./facade-keyboard.js";
import { facadeMetadata } from "./facade-metadata.js";
import { FacadePower } from "./facade-power.js";
import { FacadePushUpdater } from "./facade-push-updater.js";
import { facadeRemoteControl } from "./facade-remote-control.js";
import { facadeStream } from "./facade-stream.js";
import { facadeTouch } from "./facade-touch.js";
import { POWER_PRIORITY, PROTOCOL_PRIORITY, Relayer } from "./relayer.js";

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
  /** Told once when the connection is lost or closed. */
  listener: DeviceListener | undefined;
  readonly #sessions: ProtocolSession[] = [];
  #ended = false;

  constructor(config: AppleTV, listener?: DeviceListener) {
    this.config = config;
    this.listener = listener;
    const relayer = new Relayer(this.#sessions);
    this.remoteControl = facadeRemoteControl(relayer);
    this.metadata = facadeMetadata(relayer);
    this.pushUpdater = new FacadePushUpdater(relayer);
    this.audio = new FacadeAudio(relayer);
    this.power = new FacadePower(new Relayer(this.#sessions, POWER_PRIORITY));
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

  /** A protocol lost its connection: end the others and tell the listener, once. */
  connectionLost(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    void Promise.allSettled(this.#sessions.map((s) => s.close()));
    this.listener?.connectionLost(error);
  }

  /** Ends every protocol's connection; the listener hears connectionClosed() once. */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await Promise.allSettled(this.#sessions.map((s) => s.close()));
    this.listener?.connectionClosed();
  }
}
