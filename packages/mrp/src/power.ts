// Power state and control over MRP (after pyatv's MrpPower in protocols/mrp/__init__.py).
// The device counts its logical devices in DEVICE_INFO: none while it sleeps. It wakes on
// WAKE_DEVICE and goes to sleep from the menu that holding home opens (select: "Sleep").

import { setTimeout as sleep } from "node:timers/promises";
import {
  type AbortOptions,
  type Logger,
  type Power,
  type PowerListener,
  type PowerOptions,
  PowerState,
  silentLogger,
} from "@atv/interface";
import { ChangeWaiters } from "./change-waiters.js";
import { MessageType } from "./protobuf/generated/enums.js";
import { wakeDeviceMessage } from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import type { MrpProtocol } from "./protocol.js";
import { payloadRecord, record } from "./read-fields.js";
import type { MrpRemoteControl } from "./remote-control.js";
import { tellListener } from "./tell-listener.js";

/** Pause between holding home and selecting Sleep (pyatv's DELAY_BETWEEN_COMMANDS). */
export const POWER_OFF_MENU_DELAY = 100;
/**
 * Longest wait for the new state with `awaitNewState`. pyatv waits without end; a device
 * that never reports would then hang the caller, so atv gives up after 30 s
 * (OperationTimeoutError); a signal can end the wait sooner.
 */
export const POWER_STATE_TIMEOUT = 30_000;

/** What MrpPower needs of MrpProtocol. */
export type PowerProtocol = Pick<MrpProtocol, "listen" | "send" | "deviceInfo">;
/** The keys that reach the sleep menu (MrpRemoteControl presses them). */
export type PowerKeys = Pick<MrpRemoteControl, "homeHold" | "select">;

export interface MrpPowerOptions {
  logger?: Logger;
  /** Longest wait for the new state with `awaitNewState`, in ms; default 30000. */
  stateTimeout?: number;
}

/**
 * The power state a DEVICE_INFO describes: on with one logical device or more, off with
 * none (pyatv). A count that is absent or not a count is Unknown (pyatv would read an
 * absent count as 0, off).
 */
export function powerStateOf(info: unknown): PowerState {
  const count = record(info)?.logicalDeviceCount;
  if (typeof count !== "number" || !Number.isInteger(count)) return PowerState.Unknown;
  if (count >= 1) return PowerState.On;
  if (count === 0) return PowerState.Off;
  return PowerState.Unknown;
}

export class MrpPower implements Power {
  listener: PowerListener | undefined;
  readonly #protocol: PowerProtocol;
  readonly #keys: PowerKeys;
  readonly #logger: Logger;
  readonly #timeout: number;
  readonly #unsubscribes: (() => void)[];
  readonly #changes = new ChangeWaiters<PowerState>();
  /** The latest DEVICE_INFO(_UPDATE) pushed; before any, the set-up's answer applies. */
  #info: Record<string, unknown> | undefined;

  /** Listens at once: create it before the session is set up so no update is missed. */
  constructor(protocol: PowerProtocol, keys: PowerKeys, options: MrpPowerOptions = {}) {
    this.#protocol = protocol;
    this.#keys = keys;
    this.#logger = options.logger ?? silentLogger;
    this.#timeout = options.stateTimeout ?? POWER_STATE_TIMEOUT;
    this.#unsubscribes = [
      MessageType.DEVICE_INFO_MESSAGE,
      MessageType.DEVICE_INFO_UPDATE_MESSAGE,
    ].map((type) => protocol.listen(type, (message) => this.handle(message)));
  }

  get powerState(): PowerState {
    return powerStateOf(this.#info ?? this.#protocol.deviceInfo);
  }

  /**
   * Wakes the device. With `awaitNewState`, resolves once it reports being on (at most
   * 30 s: OperationTimeoutError).
   */
  async turnOn(opts: PowerOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
    const change = this.#awaitState(PowerState.On, opts);
    try {
      this.#protocol.send(wakeDeviceMessage());
    } catch (error) {
      change?.cancel();
      throw error;
    }
    await change?.promise;
  }

  /**
   * Puts the device to sleep: holds home, then selects Sleep in the menu that opens. With
   * `awaitNewState`, resolves once it reports being off (at most 30 s).
   */
  async turnOff(opts: PowerOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
    const keys: AbortOptions = opts.signal ? { signal: opts.signal } : {};
    // Waiting from the start: the device may report the change before the last key's
    // round trip is over.
    const change = this.#awaitState(PowerState.Off, opts);
    try {
      await this.#keys.homeHold(keys);
      await sleep(POWER_OFF_MENU_DELAY, undefined, keys);
      await this.#keys.select(undefined, keys);
    } catch (error) {
      change?.cancel();
      // The pause rejects with an AbortError of its own; callers expect their reason.
      throw opts.signal?.aborted ? opts.signal.reason : error;
    }
    await change?.promise;
  }

  /** Applies one message from the device (the protocol calls this). Never throws. */
  handle(message: ProtocolMessage): void {
    const read = payloadRecord(message);
    if (
      read?.type !== MessageType.DEVICE_INFO_MESSAGE &&
      read?.type !== MessageType.DEVICE_INFO_UPDATE_MESSAGE
    ) {
      return;
    }
    const before = this.powerState;
    this.#info = read.payload;
    const after = this.powerState;
    if (after !== before) {
      this.#logger.debug("mrp: power state %s -> %s", before, after);
      tellListener(this.listener, (l) => l.powerstateUpdate(before, after), this.#logger, "power");
    }
    this.#changes.notify(after);
  }

  /** Stops listening; calls waiting for a state hear ConnectionLostError. Idempotent. */
  close(error?: Error): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#changes.close(error);
  }

  #awaitState(state: PowerState, opts: PowerOptions) {
    if (!opts.awaitNewState || this.powerState === state) return undefined;
    return this.#changes.wait((reported) => reported === state, {
      timeout: this.#timeout,
      what: `power state ${state === PowerState.On ? "on" : "off"}`,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
}
