/** The mDNS port (RFC 6762 §3). */
export const MDNS_PORT = 5353;
/** The IPv4 mDNS multicast group (RFC 6762 §3). */
export const MDNS_GROUP = "224.0.0.251";
/** How long a unicast scan or multicast browse waits by default: 4 s, as pyatv. */
export const DEFAULT_QUERY_TIMEOUT = 4000;
/** Queries are sent again every second until answered (pyatv core/mdns.py). */
export const RESEND_INTERVAL = 1000;
