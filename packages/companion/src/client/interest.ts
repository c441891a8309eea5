// The events a client asked the device to push (pyatv's subscribe_event and
// unsubscribe_event in protocols/companion/api.py, MIT): one `_interest` event with
// `_regEvents` per event name, once, and `_deregEvents` for each of them when the session
// ends.

import { type Logger, silentLogger } from "@atv/interface";
import type { CompanionProtocol } from "./protocol.js";

/** What the registry needs of CompanionProtocol. */
export type InterestProtocol = Pick<CompanionProtocol, "sendEvent">;

export class EventInterests {
  readonly #protocol: InterestProtocol;
  readonly #logger: Logger;
  readonly #subscribed: string[] = [];

  constructor(protocol: InterestProtocol, logger: Logger = silentLogger) {
    this.#protocol = protocol;
    this.#logger = logger;
  }

  /** The events registered, in the order they were. */
  get subscribed(): readonly string[] {
    return [...this.#subscribed];
  }

  /**
   * Registers interest in `event` unless already registered. A send that fails (the
   * connection closed) throws and leaves the event unregistered.
   */
  subscribe(event: string): void {
    if (this.#subscribed.includes(event)) return;
    this.#protocol.sendEvent("_interest", { _regEvents: [event] });
    this.#subscribed.push(event);
  }

  /** Deregisters `event` if it was registered. */
  unsubscribe(event: string): void {
    const index = this.#subscribed.indexOf(event);
    if (index < 0) return;
    this.#protocol.sendEvent("_interest", { _deregEvents: [event] });
    this.#subscribed.splice(index, 1);
  }

  /**
   * Deregisters every event, best effort: pyatv notes the device sometimes refuses, and
   * the session ends right after anyway.
   */
  unsubscribeAll(): void {
    for (const event of [...this.#subscribed]) {
      try {
        this.unsubscribe(event);
      } catch (error) {
        this.#logger.debug("companion: could not deregister %s: %o", event, error);
        this.#subscribed.splice(this.#subscribed.indexOf(event), 1);
      }
    }
  }
}
