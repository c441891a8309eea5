/** The DNS-SD meta-query that enumerates service types (RFC 6763 §9). */
export const SERVICE_ENUMERATION = "_services._dns-sd._udp.local";
export const SLEEP_PROXY_SERVICE = "_sleep-proxy._udp.local";
export const DEVICE_INFO_SERVICE = "_device-info._tcp.local";

export interface ServiceInstanceName {
  /** The instance label(s); undefined for a bare service type. */
  readonly instance: string | undefined;
  /** Service type with its domain and no trailing dot, e.g. "_airplay._tcp.local". */
  readonly type: string;
}

/**
 * Splits "Living Room._airplay._tcp.local" into instance and type. The type is found by
 * its "_x._tcp"/"_x._udp" label pair, so an instance name with dots in it stays whole
 * (as pyatv's support/dns.py ServiceInstanceName does). Undefined for other names.
 */
export function splitServiceName(name: string): ServiceInstanceName | undefined {
  const labels = name.split(".");
  for (let i = 0; i + 1 < labels.length; i++) {
    const label = labels[i]!;
    const next = labels[i + 1]!.toLowerCase();
    if (label.startsWith("_") && (next === "_tcp" || next === "_udp")) {
      const instance = labels.slice(0, i).join(".");
      return {
        instance: instance.length > 0 ? instance : undefined,
        type: labels
          .slice(i)
          .filter((l) => l.length > 0)
          .join("."),
      };
    }
  }
  return undefined;
}

/** DNS names compare case-insensitively (RFC 1035 §2.3.3); this is the key to compare by. */
export function nameKey(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
