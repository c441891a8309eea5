import type { Power, PowerListener, PowerOptions, PowerState } from "@atv/interface";
import type { Relayer } from "./relayer.js";

/**
 * Power state and control from the protocol that does power best (Companion before MRP,
 * as pyatv's FacadePower); updates from every protocol reach one listener.
 */
export class FacadePower implements Power {
  listener: PowerListener | undefined;
  readonly #relayer: Relayer;

  /** `relayer` must order protocols by POWER_PRIORITY. */
  constructor(relayer: Relayer) {
    this.#relayer = relayer;
  }

  get powerState(): PowerState {
    return this.#relayer.property("power", "powerState") as PowerState;
  }

  async turnOn(opts?: PowerOptions): Promise<void> {
    await (this.#relayer.relay("power", "turnOn") as Power["turnOn"])(opts);
  }

  async turnOff(opts?: PowerOptions): Promise<void> {
    await (this.#relayer.relay("power", "turnOff") as Power["turnOff"])(opts);
  }

  /** The listener a protocol's power part reports to; core sets it on each session. */
  relayListener(): PowerListener {
    return {
      powerstateUpdate: (old, state) => {
        if (old !== state) this.listener?.powerstateUpdate(old, state);
      },
    };
  }
}
