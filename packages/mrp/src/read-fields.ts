// Defensive reads of decoded message fields: a device may leave any field out, and a field
// of the wrong type counts as absent, so that odd messages are ignored rather than thrown on.

import { payloadFieldOf } from "./protobuf/payloads.js";

export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A non-empty string (an empty identifier identifies nothing). */
export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function flag(value: unknown): boolean {
  return value === true;
}

export function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const entry = record(item);
    return entry ? [entry] : [];
  });
}

/** A message's type and the payload its type carries; undefined when either is missing. */
export function payloadRecord(
  message: unknown,
): { type: number; payload: Record<string, unknown> } | undefined {
  const envelope = record(message);
  const type = envelope?.type;
  if (typeof type !== "number") return undefined;
  const field = payloadFieldOf(type);
  const payload = field === undefined ? undefined : record(envelope?.[field]);
  return payload === undefined ? undefined : { type, payload };
}
