// `text/parameters` bodies of SET_PARAMETER / GET_PARAMETER: lines of "name: value".
// pyatv's RtspSession.set_parameter sends `f"{name}: {value}"` with Python's float text
// for volume ("volume: -15.0"); progress is "start/current/end" in RTP frames.

import { ProtocolError } from "@atv/interface";

const MAX_PARAMETERS_LENGTH = 64 * 1024;

/** "volume: <dB>" with the number written as Python writes a float (-15 → "-15.0"). */
export function encodeVolumeParameter(db: number): string {
  if (!Number.isFinite(db)) throw new RangeError(`volume ${db} is not a finite number`);
  return `volume: ${pythonFloat(db)}`;
}

function pythonFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value.toFixed(0)}.0`;
  // Both use the shortest round-trip digits; Python pads exponents to two digits.
  return String(value).replace(/e([+-])(\d)$/, "e$10$2");
}

/** "progress: start/current/end\r\n", each an RTP timestamp (whole frames). */
export function encodeProgress(start: number, current: number, end: number): string {
  for (const value of [start, current, end]) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`progress value ${value} is not a whole number of frames`);
    }
  }
  return `progress: ${start}/${current}/${end}\r\n`;
}

export interface Progress {
  readonly start: number;
  readonly current: number;
  readonly end: number;
}

/**
 * Reads a progress body ("progress: a/b/c", with or without CRLF, among other
 * parameters). pyatv writes the end as `start + duration * rate`, which Python prints as a
 * float ("…/13230000.0"), so whole numbers with a ".0" are taken too.
 */
export function parseProgress(text: string): Progress {
  const value = parseTextParameters(text).get("progress");
  if (value === undefined) throw new ProtocolError("no progress parameter");
  const match = /^(\d{1,15})(?:\.0+)?\/(\d{1,15})(?:\.0+)?\/(\d{1,15})(?:\.0+)?$/.exec(value);
  if (match === null)
    throw new ProtocolError(`malformed progress ${JSON.stringify(value.slice(0, 60))}`);
  return { start: Number(match[1]), current: Number(match[2]), end: Number(match[3]) };
}

/** The dB of a "volume: <dB>" body. */
export function parseVolumeParameter(text: string): number {
  const value = parseTextParameters(text).get("volume");
  if (value === undefined) throw new ProtocolError("no volume parameter");
  if (!/^-?\d{1,4}(?:\.\d{1,20})?(?:e[+-]?\d{1,3})?$/i.test(value)) {
    throw new ProtocolError(`malformed volume ${JSON.stringify(value.slice(0, 60))}`);
  }
  return Number(value);
}

/**
 * The parameters of a text/parameters body, names lower-cased, values trimmed. A line
 * without a colon is a ProtocolError; a repeated name keeps its last value.
 */
export function parseTextParameters(text: string): Map<string, string> {
  if (text.length > MAX_PARAMETERS_LENGTH) throw new ProtocolError("parameters body too long");
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length === 0) continue;
    const colon = line.indexOf(":");
    if (colon <= 0)
      throw new ProtocolError(`malformed parameter line ${JSON.stringify(line.slice(0, 60))}`);
    out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}
