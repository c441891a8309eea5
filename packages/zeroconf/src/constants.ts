/** The mDNS port (RFC 6762 §3). */
export const MDNS_PORT = 5353;
/** The IPv4 mDNS multicast group (RFC 6762 §3). */
export const MDNS_GROUP = "224.0.0.251";
/** pyatv's default scan window: 4 seconds. */
export const DEFAULT_SCAN_TIMEOUT = 4000;
/** Queries are sent again every second until answered (pyatv core/mdns.py). */
export const RESEND_INTERVAL = 1000;
