// The _touch-remote._tcp service a remote publishes while it waits to be paired (TXT keys
// and values from pyatv's protocols/dmap/pairing.py, _publish_service). Pure: no sockets.

import { type DnsQuestion, type DnsRecord, encodeTxt } from "@atv/zeroconf";
import { formatPairingGuid } from "./pairing-code.js";

export const TOUCH_REMOTE_SERVICE_TYPE = "_touch-remote._tcp.local";

export interface TouchRemoteService {
  readonly pairingGuid: string | bigint;
  /** Shown in the device's list of remotes (DvNm). */
  readonly remoteName: string;
  /** Port of the pairing HTTP server. */
  readonly port: number;
  /** IPv4 address the device reaches the pairing server on (the A record). */
  readonly address: string;
}

/** RFC 6762 §10: records naming a host live 120 s, the others 75 minutes. */
const HOST_RECORD_TTL = 120;
const OTHER_RECORD_TTL = 4500;

/** The TXT properties pyatv publishes; Pair is the GUID the pairing code is built on. */
export function touchRemoteProperties(
  service: Pick<TouchRemoteService, "pairingGuid" | "remoteName">,
): Record<string, string> {
  return {
    DvNm: service.remoteName,
    RemV: "10000",
    DvTy: "iPod",
    RemN: "Remote",
    txtvers: "1",
    Pair: formatPairingGuid(service.pairingGuid),
  };
}

/** pyatv names the instance after the address: its 32-bit value as 40 decimal digits. */
export function touchRemoteInstanceName(address: string): string {
  const value = address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
  return String(value).padStart(40, "0");
}

export interface TouchRemoteNames {
  readonly instance: string;
  readonly host: string;
}

export function touchRemoteNames(address: string): TouchRemoteNames {
  const label = touchRemoteInstanceName(address);
  return { instance: `${label}.${TOUCH_REMOTE_SERVICE_TYPE}`, host: `${label}.local` };
}

/**
 * PTR, SRV, TXT and A records for the service. `ttl` overrides every TTL: 0 makes the
 * goodbye (RFC 6762 §10.1), 10 suits a legacy unicast answer (§6.7).
 */
export function touchRemoteRecords(service: TouchRemoteService, ttl?: number): DnsRecord[] {
  const names = touchRemoteNames(service.address);
  const hostTtl = ttl ?? HOST_RECORD_TTL;
  const otherTtl = ttl ?? OTHER_RECORD_TTL;
  return [
    { name: TOUCH_REMOTE_SERVICE_TYPE, type: "PTR", ttl: otherTtl, target: names.instance },
    {
      name: names.instance,
      type: "SRV",
      ttl: hostTtl,
      cacheFlush: true,
      priority: 0,
      weight: 0,
      port: service.port,
      target: names.host,
    },
    {
      name: names.instance,
      type: "TXT",
      ttl: otherTtl,
      cacheFlush: true,
      strings: encodeTxt(touchRemoteProperties(service)),
    },
    { name: names.host, type: "A", ttl: hostTtl, cacheFlush: true, address: service.address },
  ];
}

/** Whether a query asks about this service (its type, instance or host, any record type). */
export function asksForTouchRemote(questions: readonly DnsQuestion[], address: string): boolean {
  const names = touchRemoteNames(address);
  const wanted = new Set(
    [TOUCH_REMOTE_SERVICE_TYPE, names.instance, names.host].map((n) => n.toLowerCase()),
  );
  return questions.some((q) => wanted.has(q.name.toLowerCase().replace(/\.$/, "")));
}
