// Power state and control over Companion (after pyatv's CompanionPower, MIT). The state
// comes from FetchAttentionState at start and then from the SystemStatus and
// TVSystemStatus events the client registers interest in; the device wakes and sleeps on
// the Wake and Sleep HID buttons (released only, as pyatv sends them).

import {
  type AbortOptions,
  type Logger,
  type Power,
  type PowerListener,
  type PowerOptions,
  PowerState,
  silentLogger,
} from "@atv/interface";
import { SystemStatus } from "../device-status.js";
import { type OpackValue, opackInteger } from "../opack.js";
import { type CommandProtocol, HidCommand, hidCommand } from "./hid.js";
import { EventInterests } from "./interest.js";
import { NextReport } from "./next-report.js";
import type { CompanionProtocol, RequestOptions } from "./protocol.js";

/**
 * Longest wait for the new state with `awaitNewState` (as MRP's POWER_STATE_TIMEOUT).
 * pyatv does not support the wait over Companion; atv waits for the status event, at most
 * 30 s (OperationTimeoutError); a signal can end the wait sooner.
 */
export const POWER_STATE_TIMEOUT = 30_000;

const STATUS_EVENTS = ["SystemStatus", "TVSystemStatus"] as const;

/** What CompanionPower needs of CompanionProtocol. */
export type PowerProtocol = CommandProtocol & Pick<CompanionProtocol, "sendEvent" | "onEvent">;

export interface CompanionPowerOptions {
  logger?: Logger;
  /** Longest wait for the new state with `awaitNewState`, in ms; default 30000. */
  stateTimeout?: number;
  /** Where the session keeps its event registrations; a registry of its own otherwise. */
  interests?: EventInterests;
}

/** The power state a system status means (pyatv): asleep is off; awake, idle, screensaver on. */
export function powerStateOf(status: unknown): PowerState {
  if (status === SystemStatus.Asleep) return PowerState.Off;
  if (
    status === SystemStatus.Awake ||
    status === SystemStatus.Idle ||
    status === SystemStatus.Screensaver
  ) {
    return PowerState.On;
  }
  return PowerState.Unknown;
}

export class CompanionPower implements Power {
  listener: PowerListener | undefined;
  readonly #protocol: PowerProtocol;
  readonly #logger: Logger;
  readonly #timeout: number;
  readonly #interests: EventInterests;
  readonly #changes = new NextReport<PowerState>("power state");
  readonly #unsubscribes: (() => void)[];
  #state: PowerState = PowerState.Unknown;
  #closed = false;

  /** Listens for status events at once; call initialize() to fetch the state and register. */
  constructor(protocol: PowerProtocol, options: CompanionPowerOptions = {}) {
    this.#protocol = protocol;
    this.#logger = options.logger ?? silentLogger;
    this.#timeout = options.stateTimeout ?? POWER_STATE_TIMEOUT;
    this.#interests = options.interests ?? new EventInterests(protocol, this.#logger);
    this.#unsubscribes = STATUS_EVENTS.map((identifier) =>
      protocol.onEvent(identifier, (content) => this.#statusUpdate(content)),
    );
  }

  get powerState(): PowerState {
    return this.#state;
  }

  /**
   * Fetches the current state (FetchAttentionState) and registers interest in the status
   * events. As pyatv, neither failing fails the session: newer tvOS has no handler for
   * FetchAttentionState, and the events still bring the state then.
   */
  async initialize(options: RequestOptions = {}): Promise<void> {
    try {
      const content = await this.#protocol.request("FetchAttentionState", {}, options);
      this.#setState(powerStateOf(statusOf(content)));
      this.#logger.debug("companion: initial power state %s", this.#state);
    } catch (error) {
      options.signal?.throwIfAborted();
      this.#logger.debug("companion: no initial system status: %o", error);
    }
    try {
      for (const event of STATUS_EVENTS) this.#interests.subscribe(event);
    } catch (error) {
      this.#logger.debug("companion: could not register for system status: %o", error);
    }
  }

  /** Wakes the device; with `awaitNewState`, resolves once it reports being on (≤ 30 s). */
  turnOn(opts: PowerOptions = {}): Promise<void> {
    return this.#turn(HidCommand.Wake, PowerState.On, opts);
  }

  /** Puts the device to sleep; with `awaitNewState`, resolves once it reports being off. */
  turnOff(opts: PowerOptions = {}): Promise<void> {
    return this.#turn(HidCommand.Sleep, PowerState.Off, opts);
  }

  /** Stops listening; calls waiting for a state hear ConnectionLostError. Idempotent. */
  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#changes.close(error);
  }

  async #turn(command: HidCommand, state: PowerState, opts: PowerOptions): Promise<void> {
    opts.signal?.throwIfAborted();
    const request: AbortOptions = opts.signal ? { signal: opts.signal } : {};
    // Waiting from the start: the event may come before the request's answer.
    const change =
      opts.awaitNewState && this.#state !== state
        ? this.#changes.wait(this.#timeout, {
            signal: opts.signal,
            accept: (reported) => reported === state,
            what: `power state ${state === PowerState.On ? "on" : "off"}`,
          })
        : undefined;
    try {
      await hidCommand(this.#protocol, false, command, request);
    } catch (error) {
      change?.cancel();
      throw error;
    }
    await change?.promise;
  }

  #statusUpdate(content: OpackValue | undefined): void {
    const state = powerStateOf(statusOf(content));
    // As pyatv, a status it does not know leaves the state as it was.
    if (state === PowerState.Unknown) {
      this.#logger.debug("companion: invalid system status %o", content);
      return;
    }
    this.#setState(state);
  }

  #setState(state: PowerState): void {
    const before = this.#state;
    this.#state = state;
    if (state !== before) {
      this.#logger.debug("companion: power state %s -> %s", before, state);
      const listener = this.listener;
      if (listener != null) {
        try {
          listener.powerstateUpdate(before, state);
        } catch (error) {
          this.#logger.debug("companion: power listener failed: %o", error);
        }
      }
    }
    this.#changes.report(state);
  }
}

/** The `state` of a status content as a number, or undefined. */
function statusOf(content: OpackValue | undefined): number | undefined {
  if (!(content instanceof Map)) return undefined;
  const value = opackInteger(content.get("state"));
  return value === undefined ? undefined : Number(value);
}
