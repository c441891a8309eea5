// The receiver's end of the AirPlay 2 event channel: SETUP #1 announces an eventPort, the
// sender connects to it (pyatv: right after SETUP #1, up to 5 tries), and from then on
// both directions are HAP frames under the Events-Salt keys, the device side of them
// (pyatv's channels.py; the sender swaps Read and Write, "connection originates from
// receiver"). The receiver may send requests; the sender answers each one 200 and sends
// nothing else. The AirPlay fake's pieces do the work: a one-connection listener that
// gives up when nobody comes, and the channel itself.

import { CHANNEL_ACCEPT_TIMEOUT, ChannelListener, FakeEventChannel } from "@atv/airplay/fake";
import type { SessionKeys } from "@atv/hap";
import type { Logger } from "@atv/interface";
import type { PlistInput } from "@atv/plist";

/** How long the receiver waits for the sender to open the announced channel. */
export const EVENT_ACCEPT_TIMEOUT = CHANNEL_ACCEPT_TIMEOUT;

export interface EventChannelOptions {
  readonly logger: Logger;
  readonly timeout?: number;
  /** Sent once the sender connected (a receiver reports its state this way); none if undefined. */
  readonly greeting?: { readonly uri: string; readonly body: PlistInput };
}

export class FakeRaopEventChannel {
  readonly #listener: ChannelListener;
  #channel: FakeEventChannel | undefined;
  #closed = false;

  private constructor(listener: ChannelListener) {
    this.#listener = listener;
  }

  /** Listens on `address` for the sender; `keys` are the device side's Events keys. */
  static async open(
    address: string,
    keys: SessionKeys,
    options: EventChannelOptions,
  ): Promise<FakeRaopEventChannel> {
    let self: FakeRaopEventChannel | undefined;
    const listener = await ChannelListener.open(
      address,
      (socket) => {
        if (self === undefined || self.#closed) {
          socket.destroy();
          return;
        }
        socket.setNoDelay(true);
        const channel = new FakeEventChannel(socket, keys, options.logger);
        self.#channel = channel;
        const greeting = options.greeting;
        if (greeting !== undefined) channel.send(greeting.uri, greeting.body);
      },
      { logger: options.logger, ...(options.timeout ? { timeout: options.timeout } : {}) },
    );
    self = new FakeRaopEventChannel(listener);
    return self;
  }

  get port(): number {
    return this.#listener.port;
  }

  /** Whether the sender has connected (and the channel is not closed). */
  get connected(): boolean {
    return this.#channel !== undefined && !this.closed;
  }

  /** Closed by close(), by the sender leaving or misbehaving, or nobody came in time. */
  get closed(): boolean {
    if (this.#closed) return true;
    return this.#channel ? this.#channel.closed : !this.#listener.open;
  }

  /** Statuses of the sender's answers, in order. */
  get answers(): readonly number[] {
    return this.#channel?.answers ?? [];
  }

  /** Sends a request with a plist body, as receivers do to report a change. */
  send(uri: string, body: PlistInput): boolean {
    return !this.#closed && (this.#channel?.send(uri, body) ?? false);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    this.#channel?.close();
  }
}
