import type { CommandLine, OptionSpecs } from "./command-line.js";
import { UsageError } from "./usage-error.js";

/** Where settings and credentials are kept between runs (pyatv's --storage). */
export interface StorageChoice {
  readonly kind: "file" | "none";
  /** The file for "file"; undefined means the default file, ~/.pyatv.conf. */
  readonly filename: string | undefined;
}

const KINDS = ["file", "none"] as const;

/** pyatv's settings options, common to its scripts. */
export const STORAGE_OPTIONS: OptionSpecs = {
  storage: { type: "string" },
  "storage-filename": { type: "string" },
};

export const STORAGE_USAGE = "[--storage {file,none}] [--storage-filename STORAGE_FILENAME]";

export const STORAGE_HELP = `settings:
  --storage {file,none}
                        storage backend for settings (default: file)
  --storage-filename STORAGE_FILENAME
                        file used by file storage (default: ~/.pyatv.conf)`;

export function readStorageChoice(command: CommandLine): StorageChoice {
  const kind = command.value("storage", (value) => {
    if (!(KINDS as readonly string[]).includes(value)) {
      const choices = KINDS.map((k) => `'${k}'`).join(", ");
      throw new UsageError(
        `argument --storage: invalid choice: '${value}' (choose from ${choices})`,
      );
    }
    return value as StorageChoice["kind"];
  });
  return { kind: kind ?? "file", filename: command.text("storage-filename") };
}
