import { formatWithOptions } from "node:util";
import type { Logger } from "@atv/interface";

/**
 * Writes debug lines with a timestamp and component name, in the layout pyatv's scripts
 * log with ("2024-01-01 12:00:00 DEBUG [component]: message").
 */
export function streamLogger(
  component: string,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  return {
    debug(message, ...args) {
      const stamp = new Date().toISOString().replace("T", " ").slice(0, 19);
      write(
        `${stamp} DEBUG [${component}]: ${formatWithOptions({ colors: false }, message, ...args)}\n`,
      );
    },
  };
}
