// Volume over Companion (after pyatv's CompanionAudio in protocols/companion/__init__.py,
// MIT). The device says in `_iMC` events which media controls it offers; while volume is
// one of them the level is fetched with `_mcc` GetVolume, otherwise it is unknown (0).
// Setting and stepping the volume resolve once the device reports a new level.

import {
  type AbortOptions,
  type Audio,
  type AudioListener,
  type Logger,
  NotSupportedError,
  ProtocolError,
  type SetVolumeOptions,
  silentLogger,
} from "@atv/interface";
import { MediaControlFlags } from "../device-status.js";
import { OpackFloat, type OpackValue, opackInteger } from "../opack.js";
import {
  type CommandProtocol,
  HidCommand,
  hidCommand,
  MediaControlCommand,
  mediaControlCommand,
} from "./hid.js";
import { NextReport } from "./next-report.js";
import type { CompanionProtocol } from "./protocol.js";

/** How long a volume change waits for the device's report (pyatv's 5 s). */
export const VOLUME_UPDATE_TIMEOUT = 5000;

/** What CompanionAudio needs of CompanionProtocol. */
export type AudioProtocol = CommandProtocol & Pick<CompanionProtocol, "onEvent">;

export interface CompanionAudioOptions {
  logger?: Logger;
  /** Longest wait for the device's report after a change, in ms; default 5000. */
  updateTimeout?: number;
}

/** The `_mcF` of an `_iMC` event as a number, or undefined. */
export function mediaControlFlagsOf(content: OpackValue | undefined): number | undefined {
  if (!(content instanceof Map)) return undefined;
  const flags = opackInteger(content.get("_mcF"));
  return flags === undefined ? undefined : Number(flags);
}

/** The part of Audio pyatv's CompanionAudio implements. */
export type CompanionAudioApi = Pick<
  Audio,
  "listener" | "volume" | "setVolume" | "volumeUp" | "volumeDown"
>;

export class CompanionAudio implements CompanionAudioApi {
  listener: AudioListener | undefined;
  readonly #protocol: AudioProtocol;
  readonly #logger: Logger;
  readonly #timeout: number;
  readonly #updated = new NextReport("volume update");
  readonly #unsubscribe: () => void;
  #volume = 0;
  /** Counts `_iMC` events, so that an older fetch finishing late is dropped. */
  #generation = 0;

  /** Listens for `_iMC` at once; the client registers interest in it. */
  constructor(protocol: AudioProtocol, options: CompanionAudioOptions = {}) {
    this.#protocol = protocol;
    this.#logger = options.logger ?? silentLogger;
    this.#timeout = options.updateTimeout ?? VOLUME_UPDATE_TIMEOUT;
    this.#unsubscribe = protocol.onEvent("_iMC", (content) => {
      void this.#controlsChanged(content);
    });
  }

  /** Percent, 0 to 100; 0 while the device offers no volume control. */
  get volume(): number {
    return this.#volume;
  }

  /**
   * Sets the volume (`_mcc` SetVolume) and resolves once the device reports a level. A
   * level outside 0 to 100 is a ProtocolError (as pyatv's facade) and nothing is sent.
   */
  async setVolume(level: number, opts: SetVolumeOptions = {}): Promise<void> {
    if (!(level >= 0 && level <= 100)) {
      throw new ProtocolError(`volume ${level} is out of range (0 to 100)`);
    }
    if (opts.outputDevice !== undefined) {
      throw new NotSupportedError("Companion sets the volume of the whole device only");
    }
    // A float always, as pyatv sends level / 100.0.
    await this.#changeAndWait(opts, (request) =>
      mediaControlCommand(
        this.#protocol,
        MediaControlCommand.SetVolume,
        { _vol: new OpackFloat(level / 100) },
        request,
      ),
    );
  }

  /** One step up (HID VolumeUp); resolves once the device reports the new level. */
  volumeUp(opts: AbortOptions = {}): Promise<void> {
    return this.#step(HidCommand.VolumeUp, opts);
  }

  /** One step down (HID VolumeDown); resolves once the device reports the new level. */
  volumeDown(opts: AbortOptions = {}): Promise<void> {
    return this.#step(HidCommand.VolumeDown, opts);
  }

  /** Stops listening; waiting calls hear ConnectionLostError. Idempotent. */
  close(error?: Error): void {
    this.#unsubscribe();
    this.#updated.close(error);
  }

  #step(command: HidCommand, opts: AbortOptions): Promise<void> {
    return this.#changeAndWait(opts, async (request) => {
      await hidCommand(this.#protocol, true, command, request);
      await hidCommand(this.#protocol, false, command, request);
    });
  }

  async #changeAndWait(
    opts: AbortOptions,
    send: (request: AbortOptions) => Promise<unknown>,
  ): Promise<void> {
    opts.signal?.throwIfAborted();
    const request: AbortOptions = opts.signal ? { signal: opts.signal } : {};
    // Waiting from the start: the report may come before the request's answer.
    const update = this.#updated.wait(this.#timeout, { signal: opts.signal });
    try {
      await send(request);
    } catch (error) {
      update.cancel();
      throw error;
    }
    await update.promise;
  }

  async #controlsChanged(content: OpackValue | undefined): Promise<void> {
    const flags = mediaControlFlagsOf(content);
    if (flags === undefined) {
      this.#logger.debug("companion: _iMC without _mcF: %o", content);
      return;
    }
    const generation = ++this.#generation;
    if ((flags & MediaControlFlags.Volume) === 0) {
      // No volume control means nothing is known about the volume (pyatv).
      this.#setVolume(0);
      return;
    }
    let level: number | undefined;
    try {
      level = volumeOf(await mediaControlCommand(this.#protocol, MediaControlCommand.GetVolume));
    } catch (error) {
      this.#logger.debug("companion: could not fetch the volume: %o", error);
      return;
    }
    if (generation !== this.#generation) return;
    if (level === undefined) {
      this.#logger.debug("companion: GetVolume answered without a level");
      return;
    }
    this.#setVolume(level);
    this.#updated.report(undefined);
  }

  #setVolume(level: number): void {
    const old = this.#volume;
    this.#volume = level;
    if (level === old) return;
    try {
      this.listener?.volumeUpdate(old, level);
    } catch (error) {
      this.#logger.debug("companion: audio listener failed: %o", error);
    }
  }
}

/** `_vol` (0.0 to 1.0) as percent; undefined when absent or out of range. */
function volumeOf(content: OpackValue | undefined): number | undefined {
  if (!(content instanceof Map)) return undefined;
  const raw = content.get("_vol");
  const value =
    raw instanceof OpackFloat ? raw.value : typeof raw === "number" ? raw : opackInteger(raw);
  if (value === undefined) return undefined;
  const level = Number(value) * 100;
  return level >= 0 && level <= 100 ? level : undefined;
}
