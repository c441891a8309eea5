import type { PowerState } from "../const.js";
import type { AbortOptions, StateProducer } from "./common.js";

export interface PowerListener {
  powerstateUpdate(oldState: PowerState, newState: PowerState): void;
}

export interface PowerOptions extends AbortOptions {
  /** Resolve only once the device reports the new power state. */
  awaitNewState?: boolean;
}

/** Power state and control (pyatv's Power). */
export interface Power extends StateProducer<PowerListener> {
  readonly powerState: PowerState;
  turnOn(opts?: PowerOptions): Promise<void>;
  turnOff(opts?: PowerOptions): Promise<void>;
}
