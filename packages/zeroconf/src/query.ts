import { encodeMessage } from "./codec.js";
import { SLEEP_PROXY_SERVICE } from "./names.js";
import { RecordType } from "./wire.js";

/** Transaction id of every query, as pyatv sends it (core/mdns.py). */
export const QUERY_ID = 0x35ff;

/** pyatv's default DNS flags for its messages (support/dns.py DnsMessage): RD and AD set. */
const QUERY_FLAGS = 0x0120;

const SERVICES_PER_MESSAGE = 3;

/** Which service types go in which query packet; see createServiceQueries. */
export function spreadServiceTypes(serviceTypes: readonly string[]): string[][] {
  const chunks: string[][] = [];
  const count = Math.ceil(serviceTypes.length / SERVICES_PER_MESSAGE);
  for (let i = 0; i < count; i++) {
    // Each packet starts 3 types further on but takes up to 4, so consecutive packets
    // overlap by one type. pyatv slices services[i*3 : i*3+4]; we keep that overlap so
    // devices see the same packets they answer for pyatv (and a type answered in one
    // packet is asked again in the next, which costs nothing).
    const start = i * SERVICES_PER_MESSAGE;
    chunks.push(serviceTypes.slice(start, start + SERVICES_PER_MESSAGE + 1));
  }
  return chunks;
}

/**
 * The query packets pyatv sends to find services: the types spread over packets (see
 * spreadServiceTypes), each packet also asking for the sleep proxy, every question with
 * the unicast-response bit (class 0x8001), transaction id 0x35FF.
 */
export function createServiceQueries(
  serviceTypes: readonly string[],
  type: typeof RecordType.PTR | typeof RecordType.ANY = RecordType.PTR,
): Uint8Array[] {
  return spreadServiceTypes(serviceTypes).map((chunk) =>
    encodeMessage({
      id: QUERY_ID,
      flags: QUERY_FLAGS,
      isResponse: false,
      questions: [...chunk, SLEEP_PROXY_SERVICE].map((name) => ({
        name,
        type,
        unicastResponse: true,
      })),
    }),
  );
}
