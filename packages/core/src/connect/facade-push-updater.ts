import {
  type AbortOptions,
  NoAsyncListenerError,
  NotSupportedError,
  type Playing,
  type PushListener,
  type PushUpdater,
} from "@atv/interface";
import type { Relayer } from "./relayer.js";

/**
 * The push updater of the highest-priority protocol that has one (pyatv's facade push
 * updater), under one object: its listener hears this facade as the updater.
 */
export class FacadePushUpdater implements PushUpdater {
  listener: PushListener | undefined;
  readonly #relayer: Relayer;
  #target: PushUpdater | undefined;

  constructor(relayer: Relayer) {
    this.#relayer = relayer;
  }

  get active(): boolean {
    return this.#target?.active ?? false;
  }

  /** Starts updates from the chosen protocol; NotSupportedError when none has them. */
  start(initialDelay?: number): void {
    if (this.listener === undefined) {
      throw new NoAsyncListenerError("set a listener before starting push updates");
    }
    const target = this.#updater();
    this.#target = target;
    target.listener = {
      playstatusUpdate: (_updater, playing) => this.listener?.playstatusUpdate(this, playing),
      playstatusError: (_updater, error) => this.listener?.playstatusError(this, error),
    };
    target.start(initialDelay);
  }

  stop(): void {
    this.#target?.stop();
  }

  updates(opts?: AbortOptions): AsyncIterable<Playing> {
    return {
      [Symbol.asyncIterator]: () => this.#updater().updates(opts)[Symbol.asyncIterator](),
    };
  }

  #updater(): PushUpdater {
    const updater = this.#relayer.part("pushUpdater");
    if (updater === undefined) {
      throw new NotSupportedError("push updates are not supported by any connected protocol");
    }
    return updater;
  }
}
