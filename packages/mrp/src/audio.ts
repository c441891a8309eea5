// Volume and output devices over MRP (after pyatv's MrpAudio in protocols/mrp/__init__.py,
// with the change detection of its FacadeAudio). The device says what volume control it
// offers, pushes every volume change, and describes its output devices in DEVICE_INFO;
// requests get no answer, so each waits for the update that follows it.

import {
  type AbortOptions,
  type Audio,
  type AudioListener,
  type Logger,
  OperationTimeoutError,
  type OutputDevice,
  ProtocolError,
  type SetVolumeOptions,
  silentLogger,
} from "@atv/interface";
import { ChangeWaiters } from "./change-waiters.js";
import { MessageType, VolumeCapabilities } from "./protobuf/generated/enums.js";
import {
  modifyOutputContextMessage,
  type OutputDeviceChange,
  setVolumeMessage,
} from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import type { MrpProtocol } from "./protocol.js";
import { finiteNumber, flag, nonEmptyText, payloadRecord, record, records } from "./read-fields.js";
import type { MrpRemoteControl } from "./remote-control.js";
import { tellListener } from "./tell-listener.js";

/** How long a request waits for the update that confirms it (pyatv's 5 s). */
export const AUDIO_CHANGE_TIMEOUT = 5000;
/** volumeUp/volumeDown's step, in percent, where only absolute control is offered (pyatv). */
export const VOLUME_STEP = 5;

/** What MrpAudio needs of MrpProtocol. */
export type AudioProtocol = Pick<MrpProtocol, "listen" | "send" | "deviceInfo">;
/** The volume keys (MrpRemoteControl presses them). */
export type VolumeKeys = Pick<MrpRemoteControl, "volumeUp" | "volumeDown">;

export interface MrpAudioOptions {
  logger?: Logger;
  /** Longest wait for the update that confirms a request, in ms; default 5000. */
  changeTimeout?: number;
}

interface VolumeChange {
  readonly uid: string;
}

export class MrpAudio implements Audio {
  listener: AudioListener | undefined;
  readonly #protocol: AudioProtocol;
  readonly #keys: VolumeKeys;
  readonly #logger: Logger;
  readonly #timeout: number;
  readonly #unsubscribes: (() => void)[];
  readonly #volumeChanges = new ChangeWaiters<VolumeChange>();
  readonly #deviceUpdates = new ChangeWaiters<void>();
  /** The latest DEVICE_INFO(_UPDATE) pushed; before any, the set-up's answer applies. */
  #info: Record<string, unknown> | undefined;
  /** Volume in percent by output device UID, as last reported. */
  readonly #levels = new Map<string, number>();
  #volume = 0;
  #available = false;
  #absolute = false;
  #relative = false;

  /** Listens at once: create it before the session is set up so no update is missed. */
  constructor(protocol: AudioProtocol, keys: VolumeKeys, options: MrpAudioOptions = {}) {
    this.#protocol = protocol;
    this.#keys = keys;
    this.#logger = options.logger ?? silentLogger;
    this.#timeout = options.changeTimeout ?? AUDIO_CHANGE_TIMEOUT;
    this.#unsubscribes = [
      MessageType.VOLUME_CONTROL_AVAILABILITY_MESSAGE,
      MessageType.VOLUME_CONTROL_CAPABILITIES_DID_CHANGE_MESSAGE,
      MessageType.VOLUME_DID_CHANGE_MESSAGE,
      MessageType.DEVICE_INFO_MESSAGE,
      MessageType.DEVICE_INFO_UPDATE_MESSAGE,
    ].map((type) => protocol.listen(type, (message) => this.handle(message)));
  }

  /**
   * The UID volume requests name: the device's cluster when it is in one, else its own
   * (pyatv). Taken from the latest device information that names either.
   */
  get deviceUid(): string | undefined {
    return uidOf(this.#info) ?? uidOf(record(this.#protocol.deviceInfo));
  }

  /** The device offers volume control (and named itself, so requests can address it). */
  get isAvailable(): boolean {
    return this.#available && this.deviceUid !== undefined;
  }

  /** The volume can be set to a level. */
  get isVolumeAbsolute(): boolean {
    return this.#absolute;
  }

  /** The volume can be stepped up and down (the volume keys). */
  get isVolumeRelative(): boolean {
    return this.#relative;
  }

  get volume(): number {
    return this.#volume;
  }

  get outputDevices(): readonly OutputDevice[] {
    return this.#devicesOf(this.#info ?? record(this.#protocol.deviceInfo));
  }

  /**
   * Sets the volume (0 to 100) of the device, or of one output device. Where the device
   * reports levels, resolves once it reported the new one (OperationTimeoutError if it
   * does not within 5 s). A level out of range is a RangeError; a device that never
   * named itself, a ProtocolError.
   */
  async setVolume(level: number, opts: SetVolumeOptions = {}): Promise<void> {
    const { signal, outputDevice } = opts;
    signal?.throwIfAborted();
    if (!(Number.isFinite(level) && level >= 0 && level <= 100)) {
      throw new RangeError(`volume ${level} is out of range (0 to 100)`);
    }
    const uid = outputDevice?.identifier ?? this.deviceUid;
    if (uid === undefined) throw new ProtocolError("no output device");
    // As pyatv: an output device always reports its level; the device itself only when
    // it offers absolute control. No change is reported when the level stays the same.
    const current =
      outputDevice === undefined ? this.#volume : (this.#levels.get(uid) ?? outputDevice.volume);
    const confirmed = (outputDevice !== undefined || this.#absolute) && current !== level;
    // The update cannot arrive before this returns to the event loop: send, then wait.
    this.#protocol.send(setVolumeMessage(uid, level / 100));
    if (confirmed) await this.#nextVolume(uid, signal).promise;
  }

  /** One step up: the volume key where the device has one, else +5; nothing at 100. */
  volumeUp(opts: AbortOptions = {}): Promise<void> {
    return this.#step(1, opts);
  }

  /** One step down: the volume key where the device has one, else -5; nothing at 0. */
  volumeDown(opts: AbortOptions = {}): Promise<void> {
    return this.#step(-1, opts);
  }

  /** Resolves once the device reported its output devices again, or after 5 s anyway. */
  addOutputDevices(devices: readonly string[], opts: AbortOptions = {}): Promise<void> {
    return this.#modifyOutputs("add", devices, opts);
  }

  removeOutputDevices(devices: readonly string[], opts: AbortOptions = {}): Promise<void> {
    return this.#modifyOutputs("remove", devices, opts);
  }

  setOutputDevices(devices: readonly string[], opts: AbortOptions = {}): Promise<void> {
    return this.#modifyOutputs("set", devices, opts);
  }

  /** Applies one message from the device (the protocol calls this). Never throws. */
  handle(message: ProtocolMessage): void {
    const read = payloadRecord(message);
    if (read === undefined) return;
    const { type, payload } = read;
    switch (type) {
      case MessageType.VOLUME_CONTROL_AVAILABILITY_MESSAGE:
        this.#capabilities(payload);
        return;
      case MessageType.VOLUME_CONTROL_CAPABILITIES_DID_CHANGE_MESSAGE: {
        // Only ours: the device also reports those of the other devices it knows.
        const capabilities = record(payload.capabilities);
        if (capabilities && nonEmptyText(payload.outputDeviceUID) === this.deviceUid) {
          this.#capabilities(capabilities);
        }
        return;
      }
      case MessageType.VOLUME_DID_CHANGE_MESSAGE:
        this.#volumeDidChange(payload);
        return;
      case MessageType.DEVICE_INFO_MESSAGE:
      case MessageType.DEVICE_INFO_UPDATE_MESSAGE:
        this.#deviceInfo(payload);
        return;
    }
  }

  /** Stops listening; waiting requests hear ConnectionLostError. Idempotent. */
  close(error?: Error): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#volumeChanges.close(error);
    this.#deviceUpdates.close(error);
  }

  async #step(direction: 1 | -1, opts: AbortOptions): Promise<void> {
    opts.signal?.throwIfAborted();
    const limit = direction > 0 ? 100 : 0;
    if (this.#absolute && this.#volume === limit) return;
    if (this.#relative) {
      const uid = this.deviceUid;
      // The device reports the new level where it reports levels at all (absolute).
      const change =
        this.#absolute && uid !== undefined ? this.#nextVolume(uid, opts.signal) : undefined;
      try {
        await (direction > 0 ? this.#keys.volumeUp(opts) : this.#keys.volumeDown(opts));
      } catch (error) {
        change?.cancel();
        throw error;
      }
      await change?.promise;
    } else if (this.#absolute) {
      const level = Math.min(100, Math.max(0, this.#volume + direction * VOLUME_STEP));
      await this.setVolume(level, opts);
    } else {
      this.#logger.debug("mrp: the device offers no volume control");
    }
  }

  #nextVolume(uid: string, signal: AbortSignal | undefined) {
    return this.#volumeChanges.wait((change) => change.uid === uid, {
      timeout: this.#timeout,
      what: "volume change",
      ...(signal ? { signal } : {}),
    });
  }

  async #modifyOutputs(
    change: OutputDeviceChange,
    devices: readonly string[],
    { signal }: AbortOptions,
  ): Promise<void> {
    signal?.throwIfAborted();
    this.#protocol.send(modifyOutputContextMessage(change, devices));
    const update = this.#deviceUpdates.wait(() => true, {
      timeout: this.#timeout,
      what: "output device update",
      ...(signal ? { signal } : {}),
    });
    try {
      await update.promise;
    } catch (error) {
      // As pyatv: a device that does not report its output devices again is no error.
      if (!(error instanceof OperationTimeoutError)) throw error;
      this.#logger.debug("mrp: no output device update after %s", change);
    }
  }

  #capabilities(payload: Record<string, unknown>): void {
    const capabilities = payload.volumeCapabilities;
    this.#available = flag(payload.volumeControlAvailable);
    this.#absolute =
      capabilities === VolumeCapabilities.Absolute || capabilities === VolumeCapabilities.Both;
    this.#relative =
      capabilities === VolumeCapabilities.Relative || capabilities === VolumeCapabilities.Both;
    this.#logger.debug(
      "mrp: volume control available: %s (absolute %s, relative %s)",
      this.#available,
      this.#absolute,
      this.#relative,
    );
  }

  #volumeDidChange(payload: Record<string, unknown>): void {
    const uid = nonEmptyText(payload.outputDeviceUID);
    const raw = finiteNumber(payload.volume);
    if (uid === undefined || raw === undefined || raw < 0 || raw > 1) {
      this.#logger.debug("mrp: ignored volume change %o", payload);
      return;
    }
    // Percent with one decimal (pyatv), which also hides the float32 wire form's noise.
    const level = Math.round(raw * 1000) / 10;
    const old = this.#levels.get(uid);
    this.#levels.set(uid, level);
    if (uid === this.deviceUid) {
      const previous = this.#volume;
      this.#volume = level;
      if (level !== previous) this.#tell((l) => l.volumeUpdate(previous, level));
    } else if (level !== (old ?? 0)) {
      const known = this.outputDevices.find((device) => device.identifier === uid);
      const device: OutputDevice = { identifier: uid, name: known?.name, volume: level };
      this.#tell((l) => l.volumeDeviceUpdate(device, old ?? 0, level));
    }
    this.#volumeChanges.notify({ uid });
  }

  #deviceInfo(payload: Record<string, unknown>): void {
    const before = this.outputDevices;
    this.#info = payload;
    const after = this.outputDevices;
    if (!sameDevices(before, after)) this.#tell((l) => l.outputdevicesUpdate(before, after));
    this.#deviceUpdates.notify();
  }

  /** The leader itself (unless it only relays for the group) and the devices grouped with it. */
  #devicesOf(info: Record<string, unknown> | undefined): OutputDevice[] {
    if (info === undefined) return [];
    const devices: OutputDevice[] = [];
    const add = (identifier: string | undefined, name: unknown): void => {
      if (identifier === undefined) return;
      devices.push({
        identifier,
        name: typeof name === "string" ? name : undefined,
        volume: this.#levels.get(identifier) ?? 0,
      });
    };
    if (flag(info.isGroupLeader) && !flag(info.isProxyGroupPlayer)) {
      add(nonEmptyText(info.uniqueIdentifier), info.name);
    }
    for (const grouped of records(info.groupedDevices)) {
      add(nonEmptyText(grouped.deviceUID), grouped.name);
    }
    return devices;
  }

  #tell(call: (listener: AudioListener) => void): void {
    tellListener(this.listener, call, this.#logger, "audio");
  }
}

function uidOf(info: Record<string, unknown> | undefined): string | undefined {
  return nonEmptyText(info?.clusterID) ?? nonEmptyText(info?.deviceUID);
}

function sameDevices(a: readonly OutputDevice[], b: readonly OutputDevice[]): boolean {
  return (
    a.length === b.length &&
    a.every((device, index) => {
      const other = b[index];
      return (
        other !== undefined &&
        device.identifier === other.identifier &&
        device.name === other.name &&
        device.volume === other.volume
      );
    })
  );
}
