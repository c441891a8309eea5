// One device, not one per protocol: what a client does over one protocol's fake shows on
// the others, as on a real Apple TV. An app launched over Companion becomes the app MRP
// reports; sleep and wake, the volume and transport commands over Companion or MRP act on
// the whole device; the media controls Companion offers follow what MRP's player plays.
// The AirPlay fake reports nothing about power or apps, so it takes no part.

import { MediaControlFlags } from "@atv/companion";
import type { FakeCompanionEvent, FakeCompanionState } from "@atv/companion/fake";
import { type FakeMrpDevice, hasItem, isPlaying } from "@atv/mrp/fake";

export interface LinkedProtocolFakes {
  readonly companion: FakeCompanionState | undefined;
  readonly mrp: FakeMrpDevice | undefined;
}

/**
 * Keeps the protocol fakes of one device in agreement while it lives. Each side tells of
 * a change only when its state changes, and the link only changes a side that differs,
 * so a change travels once each way and stops.
 */
export class ProtocolLink {
  readonly #unsubscribes: Array<() => void> = [];
  #following = false;

  constructor({ companion, mrp }: LinkedProtocolFakes) {
    if (companion === undefined || mrp === undefined) return;
    // One volume from the start: the MRP side's (Companion reports percent).
    this.#follow(() => companion.setVolume(percentOf(mrp.state.volume)));
    const offerControls = () => companion.setMediaControlFlags(mediaControlFlagsOf(mrp));
    offerControls();
    this.#unsubscribes.push(
      companion.onEvent((event) => this.#fromCompanion(event, companion, mrp)),
      mrp.onEvent((event) => {
        if (event.kind === "power" && companion.poweredOn !== event.on) {
          this.#follow(() => companion.setPower(event.on));
        }
        if (
          event.kind === "volume" &&
          event.outputDevice === undefined &&
          companion.volume !== event.level
        ) {
          this.#follow(() => companion.setVolume(event.level));
        }
      }),
      mrp.state.nowPlaying.onChange(offerControls),
    );
  }

  /**
   * Whether a side is now following a change made on another: its event repeats that
   * change, so whoever logs what clients did can leave it out.
   */
  get following(): boolean {
    return this.#following;
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
  }

  #fromCompanion(event: FakeCompanionEvent, companion: FakeCompanionState, mrp: FakeMrpDevice) {
    switch (event.kind) {
      case "power":
        if (mrp.state.poweredOn !== event.on) this.#follow(() => mrp.state.changePower(event.on));
        return;
      case "volume":
        if (percentOf(mrp.state.volume) !== event.level) {
          this.#follow(() => mrp.state.changeVolume(mrp.state.volumeUid, event.level / 100));
        }
        return;
      case "launch_app": {
        const name = companion.installedApps.get(event.bundleId);
        if (name !== undefined) mrp.useCases.launchApp(event.bundleId, name);
        return;
      }
      case "media_control":
        // The player is MRP's: a transport command over Companion moves it too.
        if (event.name === "skip" && event.seconds !== undefined) {
          const name = event.seconds >= 0 ? "skip_forward" : "skip_backward";
          mrp.state.followCommand(name, { skipInterval: Math.abs(event.seconds) });
        } else if (["play", "pause", "next", "previous"].includes(event.name)) {
          mrp.state.followCommand(event.name);
        }
        return;
      default:
        return;
    }
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

function percentOf(volume: number): number {
  return Math.round(volume * 1000) / 10;
}

/** What Companion offers for what MRP's player plays (pyatv's MediaControlFlags). */
function mediaControlFlagsOf(mrp: FakeMrpDevice): number {
  const volume = mrp.state.volumeControl.available ? MediaControlFlags.Volume : 0;
  const state = mrp.state.nowPlaying.activeState;
  if (!hasItem(state)) return volume;
  return (
    volume |
    (isPlaying(state) ? MediaControlFlags.Pause : MediaControlFlags.Play) |
    MediaControlFlags.NextTrack |
    MediaControlFlags.PreviousTrack |
    MediaControlFlags.SkipForward |
    MediaControlFlags.SkipBackward
  );
}
