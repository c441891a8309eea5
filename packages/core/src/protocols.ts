import { airplayScanPlugin } from "@atv/airplay/scan";
import { companionScanPlugin } from "@atv/companion/scan";
import { dmapScanPlugin } from "@atv/dmap/scan";
import type { Protocol, ProtocolPlugin } from "@atv/interface";
import { mrpScanPlugin } from "@atv/mrp/scan";
import { raopScanPlugin } from "@atv/raop/scan";
import { lazyPlugin } from "./lazy-plugin.js";

/**
 * Every built-in protocol. Core's generic code works over this list and nothing else.
 * The order is pyatv's, so the service types spread over query packets as pyatv's do.
 * Each protocol's client is imported when something first pairs or connects with it (see
 * lazyPlugin); scanning uses only the scan parts.
 */
export const BUILT_IN_PROTOCOLS: readonly ProtocolPlugin[] = [
  lazyPlugin(airplayScanPlugin, async () => (await import("@atv/airplay")).airplayPlugin),
  lazyPlugin(companionScanPlugin, async () => (await import("@atv/companion")).companionPlugin, {
    connectsOnlyWithCredentials: true,
  }),
  // A DMAP remote shows the PIN and the device's user types it.
  lazyPlugin(dmapScanPlugin, async () => (await import("@atv/dmap")).dmapPlugin, {
    deviceProvidesPin: false,
    connectsOnlyWithCredentials: true,
  }),
  lazyPlugin(mrpScanPlugin, async () => (await import("@atv/mrp")).mrpPlugin),
  lazyPlugin(raopScanPlugin, async () => (await import("@atv/raop")).raopPlugin),
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
