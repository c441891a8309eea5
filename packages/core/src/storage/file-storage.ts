// Settings in a JSON file that pyatv reads and writes too (pyatv's FileStorage, default
// $HOME/.pyatv.conf). Unlike pyatv's, a save is safe against crashes and against another
// process saving the same file: under a lock file it re-reads the file, merges this
// process's changes into it device by device, writes a temporary file and renames it.
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { open, realpath, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type AbortOptions, homeDirectory, SettingsError } from "@atv/interface";
import { AbstractStorage, type DeviceRecord } from "./abstract-storage.js";
import { LockTimeoutError, withFileLock } from "./file-lock.js";
import { mergeDevice } from "./merge.js";
import {
  assignSettings,
  type DecodedModel,
  decodeDevice,
  decodeModel,
  encodeDevice,
  encodeModel,
  identifiersOf,
  ModelError,
  matchesStored,
} from "./model.js";
import { type Json, type JsonObject, stringifyLikePython } from "./python-json.js";

export interface FileStorageOptions {
  /** Longest wait for another process's save to end, in milliseconds (default 5000). */
  lockTimeout?: number;
  /** Age after which a lock file is taken to be left by a crash, in ms (default 10000). */
  staleLockAfter?: number;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Writes `text` to a new file beside `target` and renames it over `target`. */
async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      // On disk before the rename, so a crash leaves the old file or the new, never half.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

interface Planned {
  record: DeviceRecord;
  json: JsonObject;
  /** Encoded from this instance's settings, so not yet known to be valid. */
  fresh: boolean;
}

export class FileStorage extends AbstractStorage {
  readonly filename: string;
  readonly #options: FileStorageOptions;
  #extras: JsonObject = {};
  /** The file's bytes as last read or written; undefined while no file was seen. */
  #seen: Buffer | undefined;
  /** Records removed since the last save, to drop from the file. */
  #removed: DeviceRecord[] = [];
  #saving: Promise<unknown> = Promise.resolve();

  constructor(filename: string, options: FileStorageOptions = {}) {
    super();
    this.filename = filename;
    this.#options = options;
  }

  /** The file pyatv's tools use, $HOME/.pyatv.conf, so atv and pyatv share credentials. */
  static defaultStorage(options?: FileStorageOptions): FileStorage {
    return new FileStorage(join(homeDirectory(), ".pyatv.conf"), options);
  }

  /**
   * Reads the file; a missing file is an empty storage. Rejects with SettingsError naming
   * the file and the problem when it cannot be read or is not a storage model atv reads
   * (corrupt, truncated, another version); such a file is never overwritten.
   */
  async load(opts: AbortOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
    const bytes = await this.#read(this.filename);
    if (bytes === undefined) return;
    const model = this.#parse(bytes);
    this.records = model.devices.map(({ raw, settings }) => ({ settings, stored: raw }));
    this.#extras = model.extras;
    this.#removed = [];
    this.#seen = bytes;
  }

  /**
   * Writes what changed since the last load or save, merged into the file as it is now.
   * Saves of one instance run one after another.
   */
  save(opts: AbortOptions = {}): Promise<void> {
    const run = this.#saving.then(() => this.#save(opts));
    this.#saving = run.catch(() => {});
    return run;
  }

  override toString(): string {
    return `FileStorage:${this.filename}`;
  }

  override toJSON(): JsonObject {
    return { ...super.toJSON(), ...this.#extras };
  }

  protected override forgotten(record: DeviceRecord): void {
    if (record.stored !== undefined) this.#removed.push(record);
  }

  #changed(record: DeviceRecord): boolean {
    return record.stored === undefined || !matchesStored(record.settings, record.stored);
  }

  async #save(opts: AbortOptions): Promise<void> {
    opts.signal?.throwIfAborted();
    const pending =
      this.#seen === undefined ||
      this.#removed.length > 0 ||
      this.records.some((record) => this.#changed(record));
    if (!pending) return;
    // Through a symbolic link to the real file, which is then replaced and not the link.
    const target = await realpath(this.filename).catch(() => this.filename);
    try {
      await withFileLock(`${target}.lock`, () => this.#mergeAndWrite(target), {
        timeout: this.#options.lockTimeout,
        staleAfter: this.#options.staleLockAfter,
        signal: opts.signal,
      });
    } catch (error) {
      opts.signal?.throwIfAborted();
      if (error instanceof SettingsError) throw error;
      if (error instanceof LockTimeoutError) {
        throw new SettingsError(
          `cannot save ${this.filename}: ${error.path} stays held by another process ` +
            "(remove it if no atv or pyatv is running); the file was left as it is",
          { cause: error },
        );
      }
      throw new SettingsError(
        `cannot save ${this.filename}: cannot write in ${dirname(target)} ` +
          `(${errnoCode(error) ?? String(error)}); the file was left as it is`,
        { cause: error },
      );
    }
  }

  async #mergeAndWrite(target: string): Promise<void> {
    const bytes = await this.#read(target);
    // Unchanged since this instance read or wrote it: known to be valid, nothing to merge.
    const unchanged = bytes === undefined || (this.#seen !== undefined && bytes.equals(this.#seen));
    const disk = unchanged ? undefined : this.#parse(bytes);
    const planned = disk === undefined ? this.#planOwn() : this.#planMerge(disk);
    planned.forEach(({ json, fresh }, i) => {
      if (fresh) this.#validate(json, i);
    });
    const extras = disk?.extras ?? this.#extras;
    // Python's json.dumps escapes all that is not ASCII, so one byte per character.
    const output = Buffer.from(
      `${stringifyLikePython(
        encodeModel(
          planned.map((p) => p.json),
          extras,
        ),
      )}\n`,
      "latin1",
    );
    if (bytes === undefined || !output.equals(bytes)) await writeAtomically(target, output);

    // Only now, with the file written, does this instance take the merged state.
    for (const { record, json } of planned) {
      if (record.stored !== json) assignSettings(record.settings, decodeDevice(json, ""));
      record.stored = json;
    }
    this.records = planned.map((p) => p.record);
    this.#extras = extras;
    this.#removed = [];
    this.#seen = output;
  }

  /** Nobody else wrote the file since this instance did: it is this instance's devices. */
  #planOwn(): Planned[] {
    return this.records.map((record) =>
      this.#changed(record)
        ? { record, json: encodeDevice(record.settings, record.stored), fresh: true }
        : { record, json: record.stored as JsonObject, fresh: false },
    );
  }

  /** Another process wrote the file: its devices, with this instance's changes merged in. */
  #planMerge(disk: DecodedModel): Planned[] {
    const removed = new Set(this.#removed);
    const byId = new Map<string, DeviceRecord>();
    const byJson = new Map<string, DeviceRecord>();
    for (const record of [...this.records, ...this.#removed]) {
      const ids = record.stored
        ? identifiersOf(decodeDevice(record.stored, ""))
        : identifiersOf(record.settings);
      for (const id of [...ids, ...identifiersOf(record.settings)]) byId.set(id, record);
      if (ids.length === 0 && record.stored) byJson.set(JSON.stringify(record.stored), record);
    }

    const planned: Planned[] = [];
    const matched = new Set<DeviceRecord>();
    for (const { raw, settings } of disk.devices) {
      const record =
        identifiersOf(settings)
          .map((id) => byId.get(id))
          .find((r) => r !== undefined) ?? byJson.get(JSON.stringify(raw));
      if (record === undefined || matched.has(record)) {
        planned.push({ record: { settings, stored: raw }, json: raw, fresh: false });
        continue;
      }
      matched.add(record);
      if (removed.has(record)) continue;
      const ours = encodeDevice(record.settings, record.stored);
      planned.push({ record, json: mergeDevice(record.stored ?? {}, ours, raw), fresh: true });
    }
    // Devices not in the file: new here, or removed by the other process (kept only if
    // changed here since).
    for (const record of this.records) {
      if (matched.has(record) || !this.#changed(record)) continue;
      planned.push({ record, json: encodeDevice(record.settings, record.stored), fresh: true });
    }
    return planned;
  }

  /** Never writes what pyatv could not read back. */
  #validate(json: JsonObject, index: number): void {
    try {
      decodeDevice(json, `devices[${index}]`);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      throw new SettingsError(
        `cannot save ${this.filename}: ${error.message}; the file was left as it is`,
        { cause: error },
      );
    }
  }

  async #read(path: string): Promise<Buffer | undefined> {
    try {
      return readBytes(path, this.filename);
    } catch (error) {
      if (error instanceof SettingsError) throw error;
      if (errnoCode(error) === "ENOENT") return undefined;
      throw new SettingsError(
        `cannot read ${this.filename} (${errnoCode(error) ?? String(error)})`,
        { cause: error },
      );
    }
  }

  #parse(bytes: Buffer): DecodedModel {
    const text = bytes.toString("utf8");
    if (text.trim() === "") {
      throw new SettingsError(
        `${this.filename} is empty (truncated?); it is not a storage file atv can use and is left as it is`,
      );
    }
    let data: Json;
    try {
      data = JSON.parse(text) as Json;
    } catch (error) {
      throw new SettingsError(
        `${this.filename} is not valid JSON (corrupt or truncated: ${(error as Error).message}); it is left as it is`,
        { cause: error },
      );
    }
    try {
      return decodeModel(data);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      throw new SettingsError(`${this.filename}: ${error.message}; it is left as it is`, {
        cause: error,
      });
    }
  }
}

/**
 * A settings file's bytes, read synchronously: the file is a few kilobytes, read once per
 * load or save, and an asynchronous read would start libuv's thread pool (four threads)
 * and pass through it four times, ~1 ms of a cold CLI command that needs the pool for
 * nothing else. Only a regular file is read: opening a FIFO would block the whole process
 * until something wrote to it.
 */
function readBytes(path: string, shownAs: string): Buffer {
  if (!statSync(path).isFile()) {
    throw new SettingsError(`cannot read ${shownAs}: it is not a regular file`);
  }
  return readFileSync(path);
}
