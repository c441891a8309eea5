// Scripted situations tests put the fake device in: what is playing, faults on the wire,
// a device that vanishes or goes silent, pairings made outside the protocol, and changes
// made on the device itself (volume, power, output devices).

import type { PairedClient } from "@atv/hap/server";
import { encodeVarint } from "../framing.js";
import { genericMessage } from "../protobuf/messages.js";
import type { ProtocolMessage } from "../protobuf/types.js";
import {
  exampleMusicState,
  exampleVideoState,
  FAKE_APP_BUNDLE_ID,
  type FakePlayingState,
} from "./now-playing.js";
import type { FakeMrpConnection } from "./service.js";
import type { FakeMrpState } from "./state.js";

export interface FakeArtworkOptions {
  /** The item's artworkIdentifier; default "artwork", null for none. */
  identifier?: string | null;
  /** The item's artworkURL. */
  url?: string;
  /** The size the device says its artwork has; default the image's own. */
  width?: number;
  height?: number;
}

/** Which kinds of volume control the device offers; both by default. */
export interface FakeVolumeControlOptions {
  absolute?: boolean;
  relative?: boolean;
}

export class FakeMrpUseCases {
  readonly #state: FakeMrpState;
  readonly #connections: ReadonlySet<FakeMrpConnection>;

  constructor(state: FakeMrpState, connections: ReadonlySet<FakeMrpConnection>) {
    this.#state = state;
    this.#connections = connections;
  }

  /** The next command is received but never answered: the device vanishes instead. */
  dropConnectionsOnNextCommand(): void {
    const stop = this.#state.onEvent((event) => {
      if (event.kind !== "command") return;
      stop();
      this.#state.dropConnections();
    });
  }

  /** Heartbeats go unanswered (or are answered again). */
  answerHeartbeats(answer: boolean): void {
    this.#state.answerHeartbeats = answer;
  }

  /** Sends these bytes as they are to every client (garbage, half frames). */
  sendRawBytes(bytes: Uint8Array): void {
    for (const connection of this.#connections) connection.writeRaw(bytes);
  }

  /** Announces a frame longer than any client accepts (`length` bytes; default 1 GiB). */
  sendOversizedFrameHeader(length = 1 << 30): void {
    this.sendRawBytes(encodeVarint(length));
  }

  /** Sends every client a message whose ciphertext was altered after sealing. */
  sendTamperedMessage(): void {
    for (const connection of this.#connections) connection.sendTampered(genericMessage());
  }

  /** Pairs a client without pair-setup (e.g. credentials made elsewhere). */
  addPairedClient(client: PairedClient): void {
    this.#state.addPairedClient(client);
  }

  /** pyatv's example video (a paused "dummy" in the test app); fields may be overridden. */
  exampleVideo(overrides: FakePlayingState = {}): void {
    this.play(FAKE_APP_BUNDLE_ID, exampleVideoState(overrides));
  }

  /** pyatv's example song (paused "music" by "artist"); fields may be overridden. */
  exampleMusic(overrides: FakePlayingState = {}): void {
    this.play(FAKE_APP_BUNDLE_ID, exampleMusicState(overrides));
  }

  /** No app is playing anything. */
  nothingPlaying(): void {
    this.#broadcast(this.#state.nowPlaying.setActive(undefined));
  }

  /** Another app comes to play, with nothing in its queue yet. */
  otherApp(name: string, bundleId: string): void {
    this.play(bundleId, { appName: name });
  }

  /**
   * `bundleId` comes to the front (a client launched it): it becomes the app now playing,
   * with what it played before if it played anything, under the display name `name`.
   */
  launchApp(bundleId: string, name: string): void {
    this.play(bundleId, { ...this.#state.nowPlaying.stateOf(bundleId), appName: name });
  }

  /** `bundleId` plays `state` and becomes the app now playing. */
  play(bundleId: string, state: FakePlayingState): void {
    const nowPlaying = this.#state.nowPlaying;
    this.#broadcast(nowPlaying.setState(bundleId, state));
    this.#broadcast(nowPlaying.setActive(bundleId, state.appName));
  }

  /**
   * `bundleId` plays through `items` (next and previous move in them), from `index`, and
   * becomes the app now playing.
   */
  playQueue(bundleId: string, items: readonly FakePlayingState[], index = 0): void {
    const item = items[index];
    if (item === undefined) throw new RangeError(`no item ${index} in a queue of ${items.length}`);
    this.#state.nowPlaying.setQueue(bundleId, { items: [...items], index });
    this.play(bundleId, item);
  }

  /** Changes fields of what the app now playing plays (a new SET_STATE). */
  changeState(changes: FakePlayingState): void {
    const nowPlaying = this.#state.nowPlaying;
    const bundleId = nowPlaying.activeApp;
    if (bundleId === undefined) throw new Error("nothing is playing: call a play use case first");
    const state = { ...nowPlaying.stateOf(bundleId), ...changes };
    this.#broadcast(nowPlaying.setState(bundleId, state));
  }

  /**
   * Gives what the app now playing plays artwork: `bytes` is what the device sends when
   * asked (undefined or empty: none, though the item may still claim some), `mimeType`
   * makes the item say artwork is available (an empty one does not). The artwork
   * identifier is "artwork" unless given, as pyatv's fake; null leaves it out.
   */
  artwork(
    bytes: Uint8Array | undefined,
    mimeType: string | undefined,
    options: FakeArtworkOptions = {},
  ): void {
    const { identifier = "artwork", url, width, height } = options;
    this.changeState({
      artwork: bytes,
      artworkMimeType: mimeType,
      artworkIdentifier: identifier ?? undefined,
      artworkUrl: url,
      artworkWidth: width,
      artworkHeight: height,
    });
  }

  /**
   * The volume changes on the device (0 to 100): its own, or that of another output
   * device. The clients hear of it.
   */
  setVolume(level: number, outputDeviceUid?: string): void {
    if (!(Number.isFinite(level) && level >= 0 && level <= 100)) {
      throw new RangeError(`volume ${level} is out of range (0 to 100)`);
    }
    this.#state.changeVolume(outputDeviceUid ?? this.#state.volumeUid, level / 100);
  }

  /**
   * The device offers volume control (or stops): the clients hear what it offers and,
   * where available, the current volume (pyatv's change_volume_control).
   */
  volumeControl(available: boolean, options: FakeVolumeControlOptions = {}): void {
    const { absolute = true, relative = true } = options;
    this.#state.changeVolumeControl({ available, absolute, relative });
  }

  /** The device goes to sleep (its own remote, a timer); the clients hear of it. */
  powerOff(): void {
    this.#state.changePower(false);
  }

  /** The device wakes up; the clients hear of it. */
  powerOn(): void {
    this.#state.changePower(true);
  }

  /** The device plays on these output devices (its own UID for itself) from now on. */
  setOutputDevices(...uids: string[]): void {
    this.#state.changeOutputDevices("set", uids);
  }

  /** The device joins a cluster (or leaves it, with undefined); volume goes by its UID. */
  setClusterId(clusterId: string | undefined): void {
    this.#state.changeClusterId(clusterId);
  }

  #broadcast(message: ProtocolMessage): void {
    for (const connection of this.#connections) connection.sendUpdate(message);
  }
}
