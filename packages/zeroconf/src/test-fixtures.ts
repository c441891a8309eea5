// Realistic Apple TV answers, encoded with this package's own encoder, for tests (and for
// the fuzz tests to mutate). TXT contents follow pyatv's tests/fake_udns.py and what
// Apple TVs announce.
import { setTimeout } from "node:timers/promises";
import fc from "fast-check";
import { type DnsRecord, encodeMessage } from "./codec.js";
import { createServiceQueries } from "./query.js";
import { encodeTxt } from "./txt.js";

export const MRP_TYPE = "_mediaremotetv._tcp.local";
export const AIRPLAY_TYPE = "_airplay._tcp.local";
export const DEVICE_INFO_TYPE = "_device-info._tcp.local";

export const MRP_PROPERTIES = {
  ModelName: "Apple TV",
  AllowPairing: "YES",
  macAddress: "aa:bb:cc:dd:ee:ff",
  BluetoothAddress: "aa:bb:cc:dd:ee:00",
  Name: "Living Room",
  UniqueIdentifier: "4D797FD3-3538-427E-A47B-A32FC6CF3A69",
  SystemBuildVersion: "18M60",
  LocalAirPlayReceiverPairingIdentity: "0D8B1C24-9E1F-4C3A-8B4C-6F0C0E6A8C1B",
} as const;

export const AIRPLAY_PROPERTIES = {
  acl: "0",
  deviceid: "AA:BB:CC:DD:EE:FF",
  features: "0x5A7FFFF7,0x1E",
  flags: "0x244",
  model: "AppleTV6,2",
  pi: "b08f5a79-db29-4384-b456-a4784d9e6055",
  protovers: "1.1",
  srcvers: "525.6.1",
  vv: "2",
} as const;

export interface AppleTvAnswerOptions {
  readonly name?: string;
  readonly address?: string;
  readonly id?: number;
}

function txt(name: string, properties: Record<string, string>): DnsRecord {
  return { name, type: "TXT", ttl: 4500, cacheFlush: true, strings: encodeTxt(properties) };
}

/** The records an Apple TV answers a PTR query for MRP, AirPlay and _device-info with. */
export function appleTvRecords(options: AppleTvAnswerOptions = {}): {
  answers: DnsRecord[];
  additionals: DnsRecord[];
} {
  const name = options.name ?? "Living Room";
  const host = `${name.replace(/ /g, "-")}.local`;
  const mrp = `${name}.${MRP_TYPE}`;
  const airplay = `${name}.${AIRPLAY_TYPE}`;
  return {
    answers: [
      { name: MRP_TYPE, type: "PTR", ttl: 4500, target: mrp },
      { name: AIRPLAY_TYPE, type: "PTR", ttl: 4500, target: airplay },
      { name: DEVICE_INFO_TYPE, type: "PTR", ttl: 4500, target: `${name}.${DEVICE_INFO_TYPE}` },
    ],
    additionals: [
      {
        name: mrp,
        type: "SRV",
        ttl: 120,
        cacheFlush: true,
        priority: 0,
        weight: 0,
        port: 49152,
        target: host,
      },
      txt(mrp, { ...MRP_PROPERTIES, Name: name }),
      {
        name: airplay,
        type: "SRV",
        ttl: 120,
        cacheFlush: true,
        priority: 0,
        weight: 0,
        port: 7000,
        target: host,
      },
      txt(airplay, AIRPLAY_PROPERTIES),
      txt(`${name}.${DEVICE_INFO_TYPE}`, { model: "J305AP" }),
      {
        name: host,
        type: "A",
        ttl: 120,
        cacheFlush: true,
        address: options.address ?? "10.0.0.10",
      },
      { name: host, type: "AAAA", ttl: 120, cacheFlush: true, address: "fe80::1" },
    ],
  };
}

/** A whole Apple TV response packet. */
export function appleTvResponse(options: AppleTvAnswerOptions = {}): Uint8Array {
  return encodeMessage({
    id: options.id ?? 0,
    flags: 0x0400,
    isResponse: true,
    ...appleTvRecords(options),
  });
}

/** What a Bonjour Sleep Proxy answers for a sleeping Apple TV: PTRs only. */
export function sleepProxyResponse(name = "Living Room"): Uint8Array {
  return encodeMessage({
    flags: 0x0400,
    isResponse: true,
    answers: [
      { name: MRP_TYPE, type: "PTR", ttl: 4500, target: `${name}.${MRP_TYPE}` },
      { name: AIRPLAY_TYPE, type: "PTR", ttl: 4500, target: `${name}.${AIRPLAY_TYPE}` },
    ],
  });
}

/** Real packets to mutate. */
export function seedPackets(): Uint8Array[] {
  return [
    appleTvResponse(),
    appleTvResponse({ name: "Kök", address: "192.168.1.2", id: 0x35ff }),
    sleepProxyResponse(),
    ...createServiceQueries([MRP_TYPE, AIRPLAY_TYPE, "_raop._tcp.local", DEVICE_INFO_TYPE]),
  ];
}

/** Edits that keep most of a real packet: flips, cuts, insertions, pointers, counts. */
export const packetMutation = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    values: fc.uint8Array({ maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant("pointer" as const),
    at: fc.nat(),
    target: fc.nat({ max: 0x3fff }),
  }),
  fc.record({
    kind: fc.constant("count" as const),
    section: fc.nat({ max: 3 }),
    value: fc.nat({ max: 0xffff }),
  }),
);
export type PacketMutation = typeof packetMutation extends fc.Arbitrary<infer T> ? T : never;

export function mutatePacket(seed: Uint8Array, edits: readonly PacketMutation[]): Uint8Array {
  let bytes = [...seed];
  for (const edit of edits) {
    const at = "at" in edit && bytes.length > 0 ? edit.at % bytes.length : 0;
    switch (edit.kind) {
      case "set":
        bytes[at] = edit.value;
        break;
      case "cut":
        bytes = bytes.slice(0, at);
        break;
      case "insert":
        bytes.splice(at, 0, ...edit.values);
        break;
      case "pointer":
        bytes.splice(at, 2, 0xc0 | (edit.target >> 8), edit.target & 0xff);
        break;
      case "count":
        bytes.splice(4 + edit.section * 2, 2, edit.value >> 8, edit.value & 0xff);
        break;
    }
  }
  return Uint8Array.from(bytes);
}

/** `count` hostile datagrams: half random bytes, half mutated real packets. */
export function junkDatagrams(count: number, seed = 42): Uint8Array[] {
  const junk = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc
      .tuple(
        fc.constantFrom(...seedPackets()),
        fc.array(packetMutation, { minLength: 1, maxLength: 6 }),
      )
      .map(([packet, edits]) => mutatePacket(packet, edits)),
  );
  return fc.sample(junk, { numRuns: count, seed });
}

/**
 * How many UDP and TCP handles this thread has open. A leaked socket never goes away, so
 * tests poll this until it is back to what it was.
 */
export function openSocketHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((name) => name === "UDPWrap" || name.startsWith("TCP")).length;
}

/**
 * openSocketHandles() once sockets closed just before are gone: a closed handle is freed
 * a loop turn or two after its close callback. Take a baseline with this.
 */
export async function socketHandlesAtRest(): Promise<number> {
  for (let turn = 0; turn < 3; turn++) await setTimeout(0);
  return openSocketHandles();
}
