import { airplayPlugin } from "@atv/airplay";
import { companionPlugin } from "@atv/companion";
import { dmapPlugin } from "@atv/dmap";
import type { Protocol, ProtocolPlugin } from "@atv/interface";
import { mrpPlugin } from "@atv/mrp";
import { raopPlugin } from "@atv/raop";

/**
 * Every built-in protocol. Core's generic code works over this list and nothing else.
 * The order is pyatv's, so the service types spread over query packets as pyatv's do.
 */
export const BUILT_IN_PROTOCOLS: readonly ProtocolPlugin[] = [
  airplayPlugin,
  companionPlugin,
  dmapPlugin,
  mrpPlugin,
  raopPlugin,
];

/** The plugins for `protocols` (all when undefined or empty). */
export function selectProtocols(
  protocols: Protocol | Iterable<Protocol> | undefined,
  from: readonly ProtocolPlugin[] = BUILT_IN_PROTOCOLS,
): ProtocolPlugin[] {
  if (protocols === undefined) return [...from];
  const wanted = new Set(typeof protocols === "number" ? [protocols] : protocols);
  if (wanted.size === 0) return [...from];
  return from.filter((plugin) => wanted.has(plugin.protocol));
}
