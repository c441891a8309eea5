// What a receiver announces it takes, from its _raop._tcp TXT record (pyatv's
// protocols/raop/parsers.py): "md" lists metadata kinds (0 text, 1 artwork, 2 progress),
// "et" encryption types (4 is MFiSAP), "am" the model.

import type { ServiceProperties } from "@atv/interface";

export interface ReceiverFeatures {
  readonly text: boolean;
  readonly artwork: boolean;
  readonly progress: boolean;
  /** AirPort Express with MFiSAP wants POST /auth-setup before ANNOUNCE (pyatv #1134). */
  readonly needsAuthSetup: boolean;
}

/** Without properties (a receiver given by address alone) everything is offered. */
export const ALL_FEATURES: ReceiverFeatures = Object.freeze({
  text: true,
  artwork: true,
  progress: true,
  needsAuthSetup: false,
});

function numbers(list: string | undefined): Set<number> | undefined {
  if (list === undefined) return undefined;
  const values = list.split(",").map((item) => Number(item.trim()));
  // pyatv drops the whole list when one item is not a number.
  if (values.some((value) => !Number.isInteger(value))) return undefined;
  return new Set(values);
}

export function receiverFeatures(properties: ServiceProperties | undefined): ReceiverFeatures {
  if (properties === undefined) return ALL_FEATURES;
  const metadata = numbers(properties.get("md")) ?? new Set<number>();
  const encryption = numbers(properties.get("et")) ?? new Set<number>();
  return {
    text: metadata.has(0),
    artwork: metadata.has(1),
    progress: metadata.has(2),
    needsAuthSetup: encryption.has(4) && (properties.get("am") ?? "").startsWith("AirPort"),
  };
}
