/**
 * Counters a scan, browse or responder keeps about the datagrams it received. Pass your
 * own object to a scan (or read `responder.stats`) to see what was dropped.
 */
export interface ZeroconfStats {
  /** Datagrams received (from anyone). */
  received: number;
  /** Datagrams that did not decode as a DNS message; dropped. */
  malformed: number;
  /** Well-formed datagrams that were not for us (wrong sender, a query, other types). */
  ignored: number;
}

export function createStats(): ZeroconfStats {
  return { received: 0, malformed: 0, ignored: 0 };
}
