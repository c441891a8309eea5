// Volume over DMAP. pyatv's DmapAudio only steps it (volumeup/volumedown); iTunes' DACP also
// has the level as the property dmcp.volume (0-100), read with getproperty and written with
// setproperty, which devices with volume control (cavc) answer. The level is read when
// connecting and after each change, so `volume` can be a plain getter.

import {
  type AbortOptions,
  type Audio,
  type AudioListener,
  InvalidDmapDataError,
  NotSupportedError,
  type SetVolumeOptions,
} from "@atv/interface";
import { first } from "../tags/index.js";
import type { DmapCommands } from "./commands.js";

const VOLUME = "dmcp.volume";

export class DmapAudio
  implements Pick<Audio, "listener" | "volume" | "setVolume" | "volumeUp" | "volumeDown">
{
  // DMAP pushes no volume changes: the listener is kept for core, told after our changes.
  listener: AudioListener | undefined;
  readonly #commands: DmapCommands;
  #level: number | undefined;

  constructor(commands: DmapCommands) {
    this.#commands = commands;
  }

  /** The level (0-100) last read; NotSupportedError when the device never told one. */
  get volume(): number {
    if (this.#level === undefined) {
      throw new NotSupportedError("this DMAP device does not report its volume");
    }
    return this.#level;
  }

  /** Whether the device answered for its volume level. */
  get hasLevel(): boolean {
    return this.#level !== undefined;
  }

  /**
   * Reads the level (getproperty dmcp.volume). Devices without volume control refuse
   * it: then `volume` stays unknown, and the error is returned rather than thrown.
   */
  async refresh(opts: AbortOptions = {}): Promise<unknown> {
    try {
      const answer = await this.#commands.getProperty(VOLUME, opts);
      const level = first(answer, "cmgt", "cmvo");
      if (typeof level !== "number" || level < 0 || level > 100) {
        throw new InvalidDmapDataError(`the device's volume is not 0-100: ${String(level)}`);
      }
      const previous = this.#level;
      this.#level = level;
      if (previous !== undefined && previous !== level)
        this.listener?.volumeUpdate(previous, level);
      return undefined;
    } catch (error) {
      opts.signal?.throwIfAborted();
      return error;
    }
  }

  async setVolume(level: number, opts: SetVolumeOptions = {}): Promise<void> {
    if (!Number.isFinite(level) || level < 0 || level > 100) {
      throw new RangeError(`volume must be 0-100, not ${level}`);
    }
    await this.#commands.setProperty(VOLUME, Math.round(level), opts);
    await this.refresh(opts);
  }

  async volumeUp(opts: AbortOptions = {}): Promise<void> {
    await this.#commands.ctrlInt("volumeup", opts);
    if (this.#level !== undefined) await this.refresh(opts);
  }

  async volumeDown(opts: AbortOptions = {}): Promise<void> {
    await this.#commands.ctrlInt("volumedown", opts);
    if (this.#level !== undefined) await this.refresh(opts);
  }
}
