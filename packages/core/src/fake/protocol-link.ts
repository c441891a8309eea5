// One device, not one per protocol: what a client does over one protocol's fake shows on
// the others, as on a real Apple TV. An app launched over Companion becomes the app MRP
// reports; sleep and wake over Companion or MRP put the whole device to sleep or wake it.
// The AirPlay fake reports nothing about power or apps, so it takes no part.

import type { FakeCompanionState } from "@atv/companion/fake";
import type { FakeMrpDevice } from "@atv/mrp/fake";

export interface LinkedProtocolFakes {
  readonly companion: FakeCompanionState | undefined;
  readonly mrp: FakeMrpDevice | undefined;
}

/**
 * Keeps the protocol fakes of one device in agreement while it lives. Each side tells of
 * a power change only when its state changes, and the link only changes a side that
 * differs, so a change travels once each way and stops.
 */
export class ProtocolLink {
  readonly #unsubscribes: Array<() => void> = [];
  #following = false;

  constructor({ companion, mrp }: LinkedProtocolFakes) {
    if (companion === undefined || mrp === undefined) return;
    this.#unsubscribes.push(
      companion.onEvent((event) => {
        if (event.kind === "power" && mrp.state.poweredOn !== event.on) {
          this.#follow(() => mrp.state.changePower(event.on));
        }
        if (event.kind === "launch_app") {
          const name = companion.installedApps.get(event.bundleId);
          if (name !== undefined) mrp.useCases.launchApp(event.bundleId, name);
        }
      }),
      mrp.onEvent((event) => {
        if (event.kind === "power" && companion.poweredOn !== event.on) {
          this.#follow(() => companion.setPower(event.on));
        }
      }),
    );
  }

  /**
   * Whether a side is now following a change made on another: its power event repeats
   * that change, so whoever logs what clients did can leave it out.
   */
  get following(): boolean {
    return this.#following;
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
  }

  #follow(change: () => void): void {
    this.#following = true;
    try {
      change();
    } finally {
      this.#following = false;
    }
  }
}
