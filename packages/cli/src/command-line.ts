import { parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";

export type OptionSpecs = Record<string, { type: "string" | "boolean"; short?: string }>;

/** A parsed command line: positional arguments and typed access to the options. */
export interface CommandLine {
  readonly positionals: readonly string[];
  /** The value of a string option, if given. */
  text(name: string): string | undefined;
  /** Whether a boolean option was given. */
  flag(name: string): boolean;
  /** A string option's value run through `parse` (which may throw UsageError), if given. */
  value<T>(name: string, parse: (text: string) => T): T | undefined;
}

/** Parses `argv` strictly against `specs`; unknown options become a UsageError. */
export function parseCommandLine(
  argv: readonly string[],
  specs: OptionSpecs,
  { allowPositionals = true } = {},
): CommandLine {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: specs, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string) => {
    const value = parsed.values[name];
    return typeof value === "string" ? value : undefined;
  };
  return {
    positionals: parsed.positionals,
    text,
    flag: (name) => parsed.values[name] === true,
    value: (name, parse) => {
      const raw = text(name);
      return raw === undefined ? undefined : parse(raw);
    },
  };
}
