import { PlainProperties, type ZeroconfResponse, type ZeroconfService } from "@atv/interface";
import type { DnsMessage, DnsRecord } from "./codec.js";
import { DEVICE_INFO_SERVICE, nameKey, splitServiceName } from "./names.js";
import { decodeTxt } from "./txt.js";

type SrvRecord = Extract<DnsRecord, { type: "SRV" }>;
type TxtRecord = Extract<DnsRecord, { type: "TXT" }>;

interface NameEntry {
  readonly name: string;
  srv?: SrvRecord;
  txt?: TxtRecord;
  readonly addresses: string[];
}

/** 169.254.0.0/16 (RFC 3927): a device's self-assigned address, useless to reach it. */
function isLinkLocal(address: string): boolean {
  return address.startsWith("169.254.");
}

/**
 * Builds services from the records of DNS answers, after pyatv's ServiceParser
 * (core/mdns.py): records from the answer and additional sections are grouped by name;
 * an instance name gives a service with its first SRV (port, and an address from the
 * SRV target's A records, skipping link-local ones) and first TXT record; without SRV
 * the port is 0. PTRs to instances that sent no records of their own give placeholder
 * services (port 0, no properties), which is how a sleep proxy answers.
 */
export function parseServices(messages: Iterable<DnsMessage>): ZeroconfService[] {
  const table = new Map<string, NameEntry>();
  const pointers = new Map<string, string>();

  for (const message of messages) {
    for (const record of [...message.answers, ...message.additionals]) {
      if (record.type === "PTR" && record.name.startsWith("_")) {
        const key = nameKey(record.target);
        if (!pointers.has(key)) pointers.set(key, record.target);
        continue;
      }
      const key = nameKey(record.name);
      let entry = table.get(key);
      if (!entry) {
        entry = { name: record.name, addresses: [] };
        table.set(key, entry);
      }
      if (record.type === "SRV") entry.srv ??= record;
      else if (record.type === "TXT") entry.txt ??= record;
      else if (record.type === "A" && !entry.addresses.includes(record.address)) {
        entry.addresses.push(record.address);
      }
    }
  }

  const services = new Map<string, ZeroconfService>();
  for (const [key, entry] of table) {
    const split = splitServiceName(entry.name);
    if (!split?.instance) continue;
    const target = entry.srv ? table.get(nameKey(entry.srv.target)) : undefined;
    services.set(key, {
      type: split.type.toLowerCase(),
      name: split.instance,
      address: target?.addresses.find((a) => !isLinkLocal(a)),
      port: entry.srv?.port ?? 0,
      properties: entry.txt ? decodeTxt(entry.txt.strings) : new PlainProperties(),
    });
  }
  for (const [key, target] of pointers) {
    const split = splitServiceName(target);
    if (services.has(key) || !split?.instance) continue;
    services.set(key, {
      type: split.type.toLowerCase(),
      name: split.instance,
      address: undefined,
      port: 0,
      properties: new PlainProperties(),
    });
  }
  return [...services.values()];
}

/**
 * Whether services are what a Bonjour Sleep Proxy answers for a sleeping device: all of
 * them without a port (pyatv's test in core/mdns.py). _device-info carries no SRV even
 * from an awake device, so it does not count either way.
 */
export function isSleepProxyAnswer(services: readonly ZeroconfService[]): boolean {
  const relevant = services.filter((s) => s.type !== DEVICE_INFO_SERVICE);
  return relevant.length > 0 && relevant.every((s) => s.port === 0);
}

/** The "model" TXT value of the _device-info._tcp service, if there is one. */
export function modelOf(services: readonly ZeroconfService[]): string | undefined {
  return services.find((s) => s.type === DEVICE_INFO_SERVICE)?.properties.get("model");
}

/** Whether one message is a sleep proxy's answer: see isSleepProxyAnswer. */
export function isSleepProxyMessage(message: DnsMessage): boolean {
  return isSleepProxyAnswer(parseServices([message]));
}

/**
 * One host's response from the messages it sent. It is in deep sleep if any single
 * message was a sleep proxy's answer (pyatv ORs this over messages); a caller that has
 * told that already passes it.
 */
export function buildResponse(
  address: string,
  messages: readonly DnsMessage[],
  deepSleep = messages.some(isSleepProxyMessage),
): ZeroconfResponse {
  const services = parseServices(messages);
  return { address, services, deepSleep, model: modelOf(services) };
}
