import type { DnsQuestion, DnsRecord } from "./codec.js";
import { nameKey, SERVICE_ENUMERATION } from "./names.js";
import { RecordType } from "./wire.js";

/** A service as the responder announces it. */
export interface PublishedService {
  /** Service type without trailing dot, e.g. "_airplay._tcp.local". */
  readonly type: string;
  readonly name: string;
  /** Without a port the service has no SRV record (e.g. _device-info, TXT only). */
  readonly port: number | undefined;
  /** Host name the SRV record points to, e.g. "Living-Room.local". */
  readonly host: string;
  /** IPv4 address of `host` for its A record, if known. */
  readonly address: string | undefined;
  readonly txt: readonly Uint8Array[];
}

/** RFC 6762 §10: records with a host name in them live 120 s, others 75 minutes. */
const HOST_RECORD_TTL = 120;
const OTHER_RECORD_TTL = 4500;

export interface Answers {
  readonly answers: DnsRecord[];
  readonly additionals: DnsRecord[];
}

export function instanceName(service: PublishedService): string {
  return `${service.name}.${service.type}`;
}

function ptrRecord(service: PublishedService): DnsRecord {
  return { name: service.type, type: "PTR", ttl: OTHER_RECORD_TTL, target: instanceName(service) };
}

function srvRecord(service: PublishedService): DnsRecord | undefined {
  if (service.port === undefined) return undefined;
  return {
    name: instanceName(service),
    type: "SRV",
    ttl: HOST_RECORD_TTL,
    cacheFlush: true,
    priority: 0,
    weight: 0,
    port: service.port,
    target: service.host,
  };
}

function txtRecord(service: PublishedService): DnsRecord {
  return {
    name: instanceName(service),
    type: "TXT",
    ttl: OTHER_RECORD_TTL,
    cacheFlush: true,
    strings: service.txt,
  };
}

function aRecord(service: PublishedService): DnsRecord | undefined {
  if (service.address === undefined || service.port === undefined) return undefined;
  return {
    name: service.host,
    type: "A",
    ttl: HOST_RECORD_TTL,
    cacheFlush: true,
    address: service.address,
  };
}

function recordKey(record: DnsRecord): string {
  switch (record.type) {
    case "A":
    case "AAAA":
      return `${record.type} ${nameKey(record.name)} ${record.address}`;
    case "PTR":
      return `PTR ${nameKey(record.name)} ${nameKey(record.target)}`;
    default:
      return `${record.type} ${nameKey(record.name)}`;
  }
}

function wants(question: DnsQuestion, type: number): boolean {
  return question.type === type || question.type === RecordType.ANY;
}

/**
 * The records that answer `questions` from `services`: PTRs for a service type (with SRV,
 * TXT and A as additionals, RFC 6763 §12.1), the type enumeration (§9), SRV/TXT for an
 * instance name (A as additional) and A for a host name. Each record appears once; an
 * answer is never repeated as an additional.
 */
export function answerQuestions(
  services: readonly PublishedService[],
  questions: readonly DnsQuestion[],
): Answers {
  const answers = new Map<string, DnsRecord>();
  const additionals = new Map<string, DnsRecord>();
  const add = (into: Map<string, DnsRecord>, record: DnsRecord | undefined) => {
    if (record) into.set(recordKey(record), record);
  };
  for (const question of questions) {
    const key = nameKey(question.name);
    if (key === SERVICE_ENUMERATION && wants(question, RecordType.PTR)) {
      for (const type of new Set(services.map((s) => s.type))) {
        add(answers, {
          name: SERVICE_ENUMERATION,
          type: "PTR",
          ttl: OTHER_RECORD_TTL,
          target: type,
        });
      }
    }
    for (const service of services) {
      if (key === nameKey(service.type) && wants(question, RecordType.PTR)) {
        add(answers, ptrRecord(service));
        add(additionals, srvRecord(service));
        add(additionals, txtRecord(service));
        add(additionals, aRecord(service));
      }
      if (key === nameKey(instanceName(service))) {
        if (wants(question, RecordType.SRV)) {
          add(answers, srvRecord(service));
          add(additionals, aRecord(service));
        }
        if (wants(question, RecordType.TXT)) add(answers, txtRecord(service));
      }
      if (key === nameKey(service.host) && wants(question, RecordType.A)) {
        add(answers, aRecord(service));
      }
    }
  }
  for (const key of answers.keys()) additionals.delete(key);
  return { answers: [...answers.values()], additionals: [...additionals.values()] };
}
