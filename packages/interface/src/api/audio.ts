import type { AbortOptions, StateProducer } from "./common.js";

/** A speaker or device that audio plays on (pyatv's OutputDevice). */
export interface OutputDevice {
  readonly identifier: string;
  readonly name: string | undefined;
  /** 0 to 100. */
  readonly volume: number;
}

export interface AudioListener {
  volumeUpdate(oldLevel: number, newLevel: number): void;
  volumeDeviceUpdate(device: OutputDevice, oldLevel: number, newLevel: number): void;
  outputdevicesUpdate(
    oldDevices: readonly OutputDevice[],
    newDevices: readonly OutputDevice[],
  ): void;
}

export interface SetVolumeOptions extends AbortOptions {
  /** Set the volume of this output device only. */
  outputDevice?: OutputDevice;
}

/** Volume and output devices (pyatv's Audio). Levels are percent: 0 is muted, 100 is max. */
export interface Audio extends StateProducer<AudioListener> {
  readonly volume: number;
  setVolume(level: number, opts?: SetVolumeOptions): Promise<void>;
  /**
   * One step up (the step is the device's, often about 2.5%, not always linear); resolves
   * once the device acknowledged the change, where it can.
   */
  volumeUp(opts?: AbortOptions): Promise<void>;
  volumeDown(opts?: AbortOptions): Promise<void>;
  readonly outputDevices: readonly OutputDevice[];
  /** Adds output devices, by identifier. */
  addOutputDevices(devices: readonly string[], opts?: AbortOptions): Promise<void>;
  removeOutputDevices(devices: readonly string[], opts?: AbortOptions): Promise<void>;
  /** Replaces the output devices with these. */
  setOutputDevices(devices: readonly string[], opts?: AbortOptions): Promise<void>;
}
