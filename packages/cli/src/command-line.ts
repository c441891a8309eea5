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

/**
 * Parses `argv` against `specs`. What argparse refuses becomes a UsageError worded as
 * argparse words it ("unrecognized arguments: --x", "argument -n/--name: expected one
 * argument"), so scripts and users see pyatv's messages.
 */
export function parseCommandLine(
  argv: readonly string[],
  specs: OptionSpecs,
  { allowPositionals = true } = {},
): CommandLine {
  // Non-strict parsing yields every token, so each refusal is decided here, from the
  // tokens, rather than from the wording of node's own errors.
  const parsed = parseArgs({
    args: [...argv],
    options: specs,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const unrecognized: string[] = [];
  for (const token of parsed.tokens) {
    if (token.kind === "positional") {
      if (!allowPositionals) unrecognized.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    const spec = specs[token.name];
    if (spec === undefined) {
      unrecognized.push(token.rawName);
    } else if (spec.type === "string" && token.value === undefined) {
      throw new UsageError(`argument ${optionLabel(token.name, spec)}: expected one argument`);
    } else if (spec.type === "boolean" && token.inlineValue) {
      throw new UsageError(
        `argument ${optionLabel(token.name, spec)}: ignored explicit argument '${token.value}'`,
      );
    }
  }
  if (unrecognized.length > 0) {
    throw new UsageError(`unrecognized arguments: ${unrecognized.join(" ")}`);
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

/** argparse's name for an option in errors: "-n/--name", or "--port". */
export function optionLabel(name: string, spec: { short?: string }): string {
  return spec.short ? `-${spec.short}/--${name}` : `--${name}`;
}
