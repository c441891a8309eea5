import { createServer, type Server } from "node:net";
import { airplayAnnouncement } from "@atv/airplay/fake";
import { companionAnnouncement } from "@atv/companion/fake";
import { dmapAnnouncements } from "@atv/dmap/fake";
import { type AppleTV, PlainProperties, Protocol } from "@atv/interface";
import { mrpAnnouncement } from "@atv/mrp/fake";
import { raopAnnouncement } from "@atv/raop/fake";
import {
  DEVICE_INFO_SERVICE,
  type Logger,
  type ServiceAnnouncement,
  SLEEP_PROXY_SERVICE,
  ZeroconfResponder,
} from "@atv/zeroconf";
import { BUILT_IN_PROTOCOLS } from "../protocols.js";
import { DeviceBuilder } from "../scan/device-builder.js";
import { type FakeIdentity, type FakeProfile, fakeIdentity } from "./profiles.js";

export interface FakeAppleTVOptions {
  /** Address to serve and announce on (default 127.0.0.1). */
  address?: string;
  /** mDNS port to answer on (default 5353; 0 picks a free port, see `mdnsPort`). */
  mdnsPort?: number;
  /** Device name (default: the profile's). */
  name?: string;
  /** PIN the device asks for when pairing (default "1111"). */
  pin?: string;
  profile?: FakeProfile;
  /**
   * Also answer multicast queries (default: on any address but loopback, where the fake
   * answers unicast queries only and joins no group).
   */
  multicast?: boolean;
  logger?: Logger;
}

export interface FakeServiceInfo {
  readonly protocol: Protocol;
  readonly port: number;
  /** What it is announced with over mDNS. */
  readonly announcement: ServiceAnnouncement;
}

/** Which protocol each fake announcement belongs to, and how to make it. */
const PROTOCOL_ANNOUNCERS: ReadonlyArray<{
  protocol: Protocol;
  announce(identity: FakeIdentity, port: number): ServiceAnnouncement[];
}> = [
  { protocol: Protocol.MRP, announce: (id, port) => listOf(mrpAnnouncement(id, port)) },
  { protocol: Protocol.DMAP, announce: (id, port) => dmapAnnouncements(id, port) },
  { protocol: Protocol.AirPlay, announce: (id, port) => [airplayAnnouncement(id, port)] },
  { protocol: Protocol.Companion, announce: (id, port) => listOf(companionAnnouncement(id, port)) },
  { protocol: Protocol.RAOP, announce: (id, port) => [raopAnnouncement(id, port)] },
];

/**
 * A simulated Apple TV: a TCP listener per protocol the profile's device offers, each
 * announced over mDNS as such a device announces it, plus its _device-info record.
 * The listeners accept connections (so a scan's wake-up knock and connection attempts
 * find a live port); the protocol servers behind them come with each protocol's client.
 */
export class FakeAppleTV {
  readonly identity: FakeIdentity;
  readonly address: string;
  readonly profile: FakeProfile;
  readonly pin: string;
  readonly #responder: ZeroconfResponder;
  readonly #servers: Server[];
  readonly #services: FakeServiceInfo[];
  #closed = false;

  private constructor(
    init: { identity: FakeIdentity; address: string; profile: FakeProfile; pin: string },
    responder: ZeroconfResponder,
    servers: Server[],
    services: FakeServiceInfo[],
  ) {
    this.identity = init.identity;
    this.address = init.address;
    this.profile = init.profile;
    this.pin = init.pin;
    this.#responder = responder;
    this.#servers = servers;
    this.#services = services;
  }

  static async start(options: FakeAppleTVOptions = {}): Promise<FakeAppleTV> {
    const address = options.address ?? "127.0.0.1";
    const profile = options.profile ?? "tvos14";
    const identity = fakeIdentity(profile, address, options.name);
    const isLoopback = address.startsWith("127.");
    const responder = await ZeroconfResponder.start({
      address: isLoopback ? address : "0.0.0.0",
      port: options.mdnsPort ?? 5353,
      multicast: options.multicast ?? !isLoopback,
      ...(isLoopback ? {} : { interfaceAddress: address }),
      ...(options.logger ? { logger: options.logger } : {}),
    });

    const servers: Server[] = [];
    const services: FakeServiceInfo[] = [];
    try {
      for (const announcer of PROTOCOL_ANNOUNCERS) {
        // Ask with port 0 first: does this device offer the protocol at all?
        if (announcer.announce(identity, 0).length === 0) continue;
        const server = await listen(address);
        servers.push(server);
        const port = portOf(server);
        for (const announcement of announcer.announce(identity, port)) {
          responder.publish({ ...announcement, address });
          services.push({ protocol: announcer.protocol, port, announcement });
        }
      }
      responder.publish({
        type: DEVICE_INFO_SERVICE,
        name: identity.name,
        properties: { model: identity.internalName },
      });
      // Apple TVs are Bonjour Sleep Proxies and announce it; pyatv puts this type in every
      // query packet, so every packet gets an answer and a scan can end on the last one.
      // Real instance names read "70-35-60-63.1 Name"; ours leaves out the dot, which our
      // name encoder would split into two labels.
      responder.publish({
        type: SLEEP_PROXY_SERVICE,
        name: `70-35-60-63 ${identity.name}`,
        port: responder.port,
        address,
      });
    } catch (error) {
      await Promise.all([responder.close(), ...servers.map(closeServer)]);
      throw error;
    }
    return new FakeAppleTV(
      { identity, address, profile, pin: options.pin ?? "1111" },
      responder,
      servers,
      services,
    );
  }

  get name(): string {
    return this.identity.name;
  }

  /** The port the fake answers mDNS queries on. */
  get mdnsPort(): number {
    return this.#responder.port;
  }

  /** The services it offers, one per announced service type. */
  get services(): readonly FakeServiceInfo[] {
    return this.#services;
  }

  /**
   * The device as a scan sees it: its announcements read by the scan's own device builder,
   * so the fake never restates how identifiers are found.
   */
  #asScanned(): AppleTV | undefined {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    builder.add({
      address: this.address,
      deepSleep: false,
      model: this.identity.internalName,
      services: this.#services.map(({ announcement }) => ({
        ...announcement,
        address: this.address,
        properties: new PlainProperties(announcement.properties),
      })),
    });
    return builder.build()[0];
  }

  /** The identifier of each protocol's service, as a scan reports it. */
  get identifiers(): Partial<Record<Protocol, string>> {
    const out: Partial<Record<Protocol, string>> = {};
    for (const service of this.#asScanned()?.services ?? []) {
      if (service.identifier !== undefined) out[service.protocol] = service.identifier;
    }
    return out;
  }

  /** The device's main identifier, as a scan reports it. */
  get identifier(): string | undefined {
    return this.#asScanned()?.identifier;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#responder.close(), ...this.#servers.map(closeServer)]);
  }
}

function listOf<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function listen(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(0, address, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function portOf(server: Server): number {
  const info = server.address();
  if (info === null || typeof info === "string") throw new Error("server has no port");
  return info.port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
