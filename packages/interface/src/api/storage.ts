import type { AppleTV } from "../config.js";
import type { Settings } from "../settings.js";
import type { AbortOptions } from "./common.js";

/** Where settings of devices are kept, e.g. a file (pyatv's Storage). */
export interface Storage {
  /** Settings of every known device. */
  readonly settings: readonly Settings[];
  /** Writes the settings to the backing store. */
  save(opts?: AbortOptions): Promise<void>;
  /** Reads the settings from the backing store. */
  load(opts?: AbortOptions): Promise<void>;
  /**
   * The settings of a device, created if it has none yet. The object is the stored one:
   * changes to it are written by the next `save()`. Rejects with DeviceIdMissingError when
   * the configuration has no identifier.
   */
  getSettings(config: AppleTV, opts?: AbortOptions): Promise<Settings>;
  /** Forgets a device's settings; false if they were not stored. */
  removeSettings(settings: Settings, opts?: AbortOptions): Promise<boolean>;
  /** Copies what a configuration holds (credentials, passwords) into its stored settings. */
  updateSettings(config: AppleTV, opts?: AbortOptions): Promise<void>;
}
