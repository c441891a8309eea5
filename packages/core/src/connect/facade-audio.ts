import {
  type AbortOptions,
  type Audio,
  type AudioListener,
  type OutputDevice,
  ProtocolError,
  type SetVolumeOptions,
} from "@atv/interface";
import type { Relayer } from "./relayer.js";

function checkLevel(level: number, what: string): number {
  if (!(level >= 0 && level <= 100)) {
    throw new ProtocolError(`${what} ${level} is out of range (0 to 100)`);
  }
  return level;
}

/**
 * Volume and output devices of the highest-priority protocol that has them (pyatv's
 * FacadeAudio). Updates from every protocol reach one listener, each only when the value
 * really changed.
 */
export class FacadeAudio implements Audio {
  listener: AudioListener | undefined;
  readonly #relayer: Relayer;
  #volume = 0;
  #outputDevices: readonly OutputDevice[] = [];

  constructor(relayer: Relayer) {
    this.#relayer = relayer;
  }

  /** Percent, 0 to 100; a device reporting anything else is a ProtocolError. */
  get volume(): number {
    return checkLevel(this.#relayer.property("audio", "volume") as number, "volume");
  }

  get outputDevices(): readonly OutputDevice[] {
    return this.#relayer.property("audio", "outputDevices") as readonly OutputDevice[];
  }

  async setVolume(level: number, opts?: SetVolumeOptions): Promise<void> {
    checkLevel(level, "volume");
    await (this.#relayer.relay("audio", "setVolume") as Audio["setVolume"])(level, opts);
  }

  async volumeUp(opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("audio", "volumeUp") as Audio["volumeUp"])(opts);
  }

  async volumeDown(opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("audio", "volumeDown") as Audio["volumeDown"])(opts);
  }

  async addOutputDevices(devices: readonly string[], opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("audio", "addOutputDevices") as Audio["addOutputDevices"])(
      devices,
      opts,
    );
  }

  async removeOutputDevices(devices: readonly string[], opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("audio", "removeOutputDevices") as Audio["removeOutputDevices"])(
      devices,
      opts,
    );
  }

  async setOutputDevices(devices: readonly string[], opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("audio", "setOutputDevices") as Audio["setOutputDevices"])(
      devices,
      opts,
    );
  }

  /** The listener a protocol's audio part reports to; core sets it on each session. */
  relayListener(): AudioListener {
    return {
      volumeUpdate: (_old, level) => {
        const old = this.#volume;
        this.#volume = level;
        if (level !== old) this.listener?.volumeUpdate(old, level);
      },
      volumeDeviceUpdate: (device, old, level) => {
        if (level !== old) this.listener?.volumeDeviceUpdate(device, old, level);
      },
      outputdevicesUpdate: (_old, devices) => {
        const old = this.#outputDevices;
        this.#outputDevices = devices;
        if (!sameDevices(old, devices)) this.listener?.outputdevicesUpdate(old, devices);
      },
    };
  }
}

function sameDevices(a: readonly OutputDevice[], b: readonly OutputDevice[]): boolean {
  return (
    a.length === b.length &&
    a.every((device, i) => device.identifier === b[i]?.identifier && device.name === b[i]?.name)
  );
}
