// Push updates of what the RAOP client streams (pyatv's RaopPushUpdater): the state is
// published when a stream starts and when it ends; nothing is polled. Only changes reach
// the listener and the iterators.

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

export interface PlayingSource {
  playing(): Playing;
  onStateChange(listener: () => void): () => void;
}

export class RaopPushUpdater implements PushUpdater {
  listener: PushListener | undefined;
  readonly #source: PlayingSource;
  readonly #logger: Logger;
  readonly #subscribers = new Set<PlayingSubscriber>();
  #active = false;
  #lastPosted: Playing | undefined;
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(source: PlayingSource, logger: Logger = silentLogger) {
    this.#source = source;
    this.#logger = logger;
  }

  get active(): boolean {
    return this.#active;
  }

  /** The listener hears the current state after `initialDelay` ms, then every change. */
  start(initialDelay = 0): void {
    if (this.listener == null) {
      throw new NoAsyncListenerError("set a listener before starting push updates");
    }
    if (this.#active) return;
    this.#active = true;
    this.#lastPosted = undefined;
    this.#follow();
    // Asynchronous even without a delay, so nobody hears from inside start().
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#publish();
    }, initialDelay);
  }

  stop(): void {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const subscriber of this.#subscribers) {
      subscriber.queue.length = 0;
      subscriber.end();
    }
    this.#subscribers.clear();
    this.#unfollow();
  }

  updates(opts: AbortOptions = {}): AsyncIterable<Playing> {
    return { [Symbol.asyncIterator]: () => this.#iterate(opts.signal) };
  }

  async *#iterate(signal: AbortSignal | undefined): AsyncGenerator<Playing> {
    signal?.throwIfAborted();
    const subscriber = new PlayingSubscriber();
    const onAbort = () => subscriber.end();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#subscribers.add(subscriber);
    this.#follow();
    subscriber.offer(this.#source.playing());
    try {
      yield* subscriber.take();
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#subscribers.delete(subscriber);
      if (!this.#active && this.#subscribers.size === 0) this.#unfollow();
    }
  }

  #follow(): void {
    this.#unsubscribe ??= this.#source.onStateChange(() => this.#publish());
  }

  #unfollow(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #publish(): void {
    const playing = this.#source.playing();
    for (const subscriber of this.#subscribers) subscriber.offer(playing);
    if (!this.#active || this.listener == null) return;
    if (this.#lastPosted !== undefined && playingEquals(this.#lastPosted, playing)) return;
    this.#lastPosted = playing;
    try {
      this.listener.playstatusUpdate(this, playing);
    } catch (error) {
      this.#logger.debug("raop: push listener failed: %o", error);
    }
  }
}
