import { FileStorage, MemoryStorage, type Storage } from "@atv/core";
import type { StorageChoice } from "./storage-options.js";

export interface OpenedStorage {
  readonly storage: Storage;
  /** The file settings are saved to; undefined for --storage none. */
  readonly file: string | undefined;
}

/** The storage --storage chose, loaded (pyatv's get_storage, then load()). */
export async function openStorage(choice: StorageChoice): Promise<OpenedStorage> {
  if (choice.kind === "none") {
    const storage = new MemoryStorage();
    await storage.load();
    return { storage, file: undefined };
  }
  const storage =
    choice.filename === undefined ? FileStorage.defaultStorage() : new FileStorage(choice.filename);
  await storage.load();
  return { storage, file: storage.filename };
}
