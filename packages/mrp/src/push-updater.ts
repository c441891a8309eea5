// Push updates of what is playing (pyatv's MrpPushUpdater and AbstractPushUpdater): each
// change of the player state becomes a Playing, published to the listener and to every
// iterator only when it differs from the last one each of them got.

import {
  type AbortOptions,
  type Logger,
  NoAsyncListenerError,
  type Playing,
  PlayingSubscriber,
  type PushListener,
  type PushUpdater,
  playingEquals,
  silentLogger,
} from "@atv/interface";
import { tellListener } from "./tell-listener.js";

/** Where updates come from: the current state, and a signal when it may have changed. */
export interface PlayingSource {
  playingNow(): Playing;
  onChange(listener: () => void): () => void;
}

export interface MrpPushUpdaterOptions {
  logger?: Logger;
}

export class MrpPushUpdater implements PushUpdater {
  listener: PushListener | undefined;
  readonly #source: PlayingSource;
  readonly #logger: Logger;
  readonly #subscribers = new Set<PlayingSubscriber>();
  #active = false;
  #lastPosted: Playing | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #finished: Error | null | undefined;

  constructor(source: PlayingSource, options: MrpPushUpdaterOptions = {}) {
    this.#source = source;
    this.#logger = options.logger ?? silentLogger;
  }

  get active(): boolean {
    return this.#active;
  }

  /**
   * Starts forwarding updates to the listener: first the current state (after
   * `initialDelay` ms), then every change. Without a listener, NoAsyncListenerError.
   */
  start(initialDelay = 0): void {
    if (this.listener === undefined) {
      throw new NoAsyncListenerError("set a listener before starting push updates");
    }
    if (this.#active) return;
    this.#active = true;
    this.#lastPosted = undefined;
    this.#subscribe();
    // Asynchronous even without a delay, so the listener never hears from inside start().
    this.#startTimer = setTimeout(() => {
      this.#startTimer = undefined;
      this.#publish();
    }, initialDelay);
  }

  /** Stops updates to the listener and ends every iterator (dropping what they did not take). */
  stop(): void {
    this.#deactivate();
    for (const subscriber of this.#subscribers) {
      subscriber.queue.length = 0;
      subscriber.end();
    }
    this.#subscribers.clear();
    this.#release();
  }

  /**
   * The same updates as an async iterator: the current state first, then every change.
   * It ends when `signal` aborts, on `stop()` or when the connection closes, and throws
   * the error that ended updates (a lost connection, a failure to read the state).
   */
  updates(opts: AbortOptions = {}): AsyncIterable<Playing> {
    return { [Symbol.asyncIterator]: () => this.#iterate(opts.signal) };
  }

  /**
   * The connection ended: iterators end (throwing `error` if it was lost), the listener
   * hears `error`. Updates cannot resume after this.
   */
  finish(error?: Error): void {
    if (this.#finished !== undefined) return;
    this.#finished = error ?? null;
    const wasActive = this.#active;
    this.#deactivate();
    for (const subscriber of this.#subscribers) subscriber.end(error);
    this.#subscribers.clear();
    this.#release();
    if (wasActive && error !== undefined) this.#tellError(error);
  }

  async *#iterate(signal: AbortSignal | undefined): AsyncGenerator<Playing> {
    signal?.throwIfAborted();
    if (this.#finished) throw this.#finished;
    if (this.#finished === null) return;
    const subscriber = new PlayingSubscriber();
    const onAbort = () => subscriber.end();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#subscribers.add(subscriber);
    this.#subscribe();
    try {
      subscriber.offer(this.#source.playingNow());
      yield* subscriber.take();
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#subscribers.delete(subscriber);
      this.#release();
    }
  }

  #subscribe(): void {
    this.#unsubscribe ??= this.#source.onChange(() => this.#publish());
  }

  /** Stops listening to the source once nobody wants updates. */
  #release(): void {
    if (this.#active || this.#subscribers.size > 0) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #deactivate(): void {
    this.#active = false;
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
  }

  #publish(): void {
    let playing: Playing;
    try {
      playing = this.#source.playingNow();
    } catch (error) {
      this.#failed(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const subscriber of this.#subscribers) subscriber.offer(playing);
    // While start()'s first update is pending, the listener waits for it.
    if (!this.#active || this.#startTimer !== undefined) return;
    if (this.#lastPosted !== undefined && playingEquals(this.#lastPosted, playing)) return;
    this.#lastPosted = playing;
    tellListener(this.listener, (l) => l.playstatusUpdate(this, playing), this.#logger, "push");
  }

  // Reading the state failed: updates stop, as the interface says, and everyone hears why.
  #failed(error: Error): void {
    this.#logger.debug("mrp: push update failed: %o", error);
    const wasActive = this.#active;
    this.#deactivate();
    for (const subscriber of this.#subscribers) subscriber.end(error);
    this.#subscribers.clear();
    this.#release();
    if (wasActive) this.#tellError(error);
  }

  #tellError(error: Error): void {
    tellListener(this.listener, (l) => l.playstatusError(this, error), this.#logger, "push");
  }
}
