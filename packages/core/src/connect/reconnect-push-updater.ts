import {
  type AbortOptions,
  ConnectionLostError,
  NoAsyncListenerError,
  type Playing,
} from "@atv/interface";
import { FacadePushUpdater } from "./facade-push-updater.js";
import type { ReconnectGate } from "./reconnect-gate.js";
import type { Relayer } from "./relayer.js";

/** What the push updater needs to know of the facade's connection. */
export interface ConnectionView {
  /** The gap being bridged now, if any. */
  gap(): ReconnectGate | undefined;
  /** Whether a loss now would be bridged (reconnection on, not closed). */
  mayReconnect(): boolean;
}

/**
 * The facade's push updater, across reconnections: updates started before a loss start
 * again on the next connection's protocol, and iterators go on there (its first update
 * is the state then) instead of throwing, unless reconnection gives up.
 */
export class ReconnectingPushUpdater extends FacadePushUpdater {
  readonly #connection: ConnectionView;
  #wanted = false;
  #initialDelay: number | undefined;

  constructor(relayer: Relayer, connection: ConnectionView) {
    super(relayer);
    this.#connection = connection;
  }

  override start(initialDelay?: number): void {
    const gap = this.#connection.gap();
    if (gap === undefined) super.start(initialDelay);
    else if (this.listener === undefined) {
      throw new NoAsyncListenerError("set a listener before starting push updates");
    } else if (gap.done) throw gap.notConnected();
    this.#wanted = true;
    this.#initialDelay = initialDelay;
  }

  override stop(): void {
    this.#wanted = false;
    super.stop();
  }

  /** A new connection is up: updates go on from it if they were started. */
  resume(): void {
    if (!this.#wanted) return;
    try {
      super.start(this.#initialDelay);
    } catch (error) {
      // The new connection may lack what the old one had; the listener hears why.
      this.listener?.playstatusError(this, toError(error));
    }
  }

  override updates(opts?: AbortOptions): AsyncIterable<Playing> {
    return { [Symbol.asyncIterator]: () => this.#iterate(opts) };
  }

  async *#iterate(opts: AbortOptions | undefined): AsyncGenerator<Playing> {
    for (;;) {
      const gap = this.#connection.gap();
      if (gap !== undefined) {
        try {
          if ((await gap.wait(undefined, opts?.signal)) === "closed") return;
        } catch (error) {
          if (opts?.signal?.aborted) return;
          throw error;
        }
        continue;
      }
      try {
        yield* super.updates(opts);
        return;
      } catch (error) {
        if (!(error instanceof ConnectionLostError) || !(await this.#bridged())) throw error;
      }
    }
  }

  /**
   * Whether the loss that ended an iterator is being bridged. The session may end its
   * iterators just before core hears of the loss, so a loss that may be bridged is
   * looked at again once pending events have run.
   */
  async #bridged(): Promise<boolean> {
    if (this.#connection.gap() !== undefined) return true;
    if (!this.#connection.mayReconnect()) return false;
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.#connection.gap() !== undefined;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
