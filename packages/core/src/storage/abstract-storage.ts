// What every storage module shares (pyatv's AbstractStorage): the list of device
// settings, finding a device's settings by any of its identifiers, creating them from a
// configuration. Subclasses only load and save.
import {
  type AbortOptions,
  type AppleTV,
  DeviceIdMissingError,
  type Settings,
  type Storage,
} from "@atv/interface";
import { updateFromConfig } from "./apply.js";
import { createSettings, encodeDevice, encodeModel, identifiersOf } from "./model.js";
import type { JsonObject } from "./python-json.js";

/** One device's settings and, for a storage with a backing store, the device as stored. */
export interface DeviceRecord {
  /** The live object handed out by getSettings(). */
  settings: Settings;
  /** The device's JSON as last read from or written to the store; undefined if never. */
  stored: JsonObject | undefined;
}

export abstract class AbstractStorage implements Storage {
  protected records: DeviceRecord[] = [];

  get settings(): readonly Settings[] {
    return this.records.map((record) => record.settings);
  }

  abstract save(opts?: AbortOptions): Promise<void>;
  abstract load(opts?: AbortOptions): Promise<void>;

  async getSettings(config: AppleTV, opts: AbortOptions = {}): Promise<Settings> {
    opts.signal?.throwIfAborted();
    const identifiers = new Set(config.allIdentifiers);
    if (identifiers.size === 0) {
      throw new DeviceIdMissingError(`no identifier for device ${config.name}`);
    }
    const found = this.records.find((record) =>
      identifiersOf(record.settings).some((id) => identifiers.has(id)),
    );
    if (found) return found.settings;
    const settings = createSettings();
    updateFromConfig(settings, config);
    this.records.push({ settings, stored: undefined });
    return settings;
  }

  async removeSettings(settings: Settings, opts: AbortOptions = {}): Promise<boolean> {
    opts.signal?.throwIfAborted();
    const index = this.records.findIndex((record) => record.settings === settings);
    const record = this.records[index];
    if (record === undefined) return false;
    this.records.splice(index, 1);
    this.forgotten(record);
    return true;
  }

  async updateSettings(config: AppleTV, opts: AbortOptions = {}): Promise<void> {
    updateFromConfig(await this.getSettings(config, opts), config);
  }

  /** Told when a device's settings are removed, so a store can drop them too. */
  protected forgotten(_record: DeviceRecord): void {}

  /** The storage model as pyatv would write it (pyatv's dict(storage)). */
  toJSON(): JsonObject {
    return encodeModel(
      this.records.map((record) => encodeDevice(record.settings, record.stored)),
      {},
    );
  }
}
