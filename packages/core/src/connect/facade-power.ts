import type {
  Power,
  PowerListener,
  PowerOptions,
  PowerState,
  ProtocolSession,
} from "@atv/interface";
import type { Relayer } from "./relayer.js";

/**
 * Power state and control from the protocol that does power best (Companion before MRP,
 * as pyatv's FacadePower); the listener hears that protocol's updates only, as pyatv
 * listens to its main instance (two protocols would otherwise report each change twice).
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

  /** The listener `session`'s power part reports to; core sets it on each session. */
  relayListener(session: ProtocolSession): PowerListener {
    return {
      powerstateUpdate: (old, state) => {
        if (this.#relayer.part("power") !== session.power) return;
        if (old !== state) this.listener?.powerstateUpdate(old, state);
      },
    };
  }
}
