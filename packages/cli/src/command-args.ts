// The arguments of a CLI command as typed after its "=" ("set_position=10",
// "turn_on=true", "select=double_tap"), converted for the API call; anything that does
// not convert is a UsageError naming what was typed.

import { enumFromName, isEnumValue } from "@atv/interface";
import { UsageError } from "./usage-error.js";

export interface NumberArgOptions {
  /** The smallest value taken (a level of 0, a size of 1); none by default. */
  readonly min?: number;
}

/** A finite number ("42", "15.5"); with `min`, also at least that. */
export function parseNumberArg(
  text: string,
  command: string,
  options: NumberArgOptions = {},
): number {
  const { min } = options;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || (min !== undefined && value < min)) {
    const what = min === undefined ? "a number" : "a valid number";
    throw new UsageError(`${command}: '${text}' is not ${what}`);
  }
  return value;
}

/** "1"/"true" (pyatv's turn_on=True) are true; nothing or "0"/"false" are false. */
export function parseBooleanArg(text: string | undefined): boolean {
  if (text === undefined) return false;
  if (/^(1|true)$/i.test(text)) return true;
  if (/^(0|false)$/i.test(text)) return false;
  throw new UsageError(`'${text}' is not true or false`);
}

/**
 * A value of an `as const` enum, by number as pyatv takes it ("1") or, beyond pyatv, by
 * its name in snake or camel case ("double_tap", "doubleTap").
 */
export function parseEnumArg<E extends Record<string, number>>(
  e: E,
  text: string,
  command: string,
): E[keyof E] {
  const asNumber = Number(text);
  if (/^\d+$/.test(text) && isEnumValue(e, asNumber)) return asNumber as E[keyof E];
  const camel = text.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const byName = enumFromName(e, camel, { ignoreCase: true });
  if (byName !== undefined) return byName;
  const names = Object.keys(e)
    .map((k) => `${e[k]} (${k})`)
    .join(", ");
  throw new UsageError(`${command}: invalid argument '${text}'; use one of ${names}`);
}
