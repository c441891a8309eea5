/** The mDNS port (RFC 6762 §3). */
export const MDNS_PORT = 5353;
/** The IPv4 mDNS multicast group (RFC 6762 §3). */
export const MDNS_GROUP = "224.0.0.251";
/** How long a unicast scan or multicast browse waits by default: 4 s, as pyatv. */
export const DEFAULT_QUERY_TIMEOUT = 4000;
/**
 * How long a unicast scan waits for a host's first answer before knocking on its ports
 * to wake it. A device that is awake answers in a few ms, even over Wi-Fi.
 */
export const DEFAULT_KNOCK_DELAY = 50;
/** Queries are sent again every second until answered (pyatv core/mdns.py). */
export const RESEND_INTERVAL = 1000;
