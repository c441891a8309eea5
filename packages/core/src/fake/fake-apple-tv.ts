import { createServer } from "node:net";
import { airplayAnnouncement, FakeAirPlayDevice, type FakeAirPlayEvent } from "@atv/airplay/fake";
import {
  companionAnnouncement,
  FakeCompanionDevice,
  type FakeCompanionEvent,
} from "@atv/companion/fake";
import { dmapAnnouncements } from "@atv/dmap/fake";
import { type AppleTV, PlainProperties, Protocol, tcpListen } from "@atv/interface";
import {
  FakeMrpDevice,
  type FakeMrpEvent,
  mrpAnnouncement,
  solidPng,
  TINY_JPEG,
} from "@atv/mrp/fake";
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
import { ProtocolLink } from "./protocol-link.js";

// The demo video's artwork, a small blue frame, made when first shown.
let videoArtwork: Uint8Array | undefined;
function demoVideoArtwork(): Uint8Array {
  videoArtwork ??= solidPng(64, 36, [40, 80, 200]);
  return videoArtwork;
}

export interface FakeAppleTVOptions {
  /** Address to serve and announce on (default 127.0.0.1). */
  address?: string;
  /** mDNS port to answer on (default 5353; 0 picks a free port, see `mdnsPort`). */
  mdnsPort?: number;
  /** Device name (default: the profile's). */
  name?: string;
  /** PIN the device asks for when pairing (default "1111"). */
  pin?: string;
  /** Refuse unencrypted (unpaired) sessions (default false: most devices allow them). */
  requirePairing?: boolean;
  /** Seconds a played URL lasts on the fake's AirPlay receiver (default 10). */
  playDuration?: number;
  profile?: FakeProfile;
  /**
   * Also answer multicast queries (default: on any address but loopback, where the fake
   * answers unicast queries only and joins no group).
   */
  multicast?: boolean;
  logger?: Logger;
}

/** What a client asked the fake's AirPlay receiver to play, and what came of it. */
export type FakePlayEvent =
  | { kind: "play_url"; url: string; position: number }
  | { kind: "play_fetched"; url: string; bytes: number; sha256: string }
  | { kind: "play_failed"; url: string; reason: string }
  | { kind: "play_stopped" }
  | { kind: "play_finished"; url: string };

/**
 * Something a client did to the fake: a command, a button press, a play request, an app
 * launch... A power change is told once, by the protocol it was asked over, though every
 * protocol of the fake follows it.
 */
export type FakeDeviceEvent = { protocol: Protocol } & (
  | FakeMrpEvent
  | FakePlayEvent
  | FakeCompanionEvent
);

export interface FakeServiceInfo {
  readonly protocol: Protocol;
  readonly port: number;
  /** What it is announced with over mDNS. */
  readonly announcement: ServiceAnnouncement;
}

/** A protocol's server inside the fake: its port, and what clients do to it. */
interface ProtocolServer {
  readonly port: number;
  onEvent?(
    listener: (event: FakeMrpEvent | FakePlayEvent | FakeCompanionEvent) => void,
  ): () => void;
  close(): Promise<void>;
}

interface RunningServer {
  readonly protocol: Protocol;
  readonly server: ProtocolServer;
}

interface ServeContext {
  readonly identity: FakeIdentity;
  readonly address: string;
  readonly pin: string;
  readonly requirePairing: boolean;
  readonly logger: Logger | undefined;
  /** The MRP device: served on its own port, through AirPlay's tunnel, or both. */
  readonly mrp: FakeMrpDevice | undefined;
  readonly playDuration: number | undefined;
}

/** Each protocol of the fake: how a real device announces it, and what serves it. */
const PROTOCOL_FAKES: ReadonlyArray<{
  protocol: Protocol;
  announce(identity: FakeIdentity, port: number): ServiceAnnouncement[];
  serve(context: ServeContext): Promise<ProtocolServer>;
}> = [
  {
    protocol: Protocol.MRP,
    announce: (id, port) => listOf(mrpAnnouncement(id, port)),
    serve: async ({ mrp }) => {
      if (mrp === undefined) throw new Error("this profile has no MRP device");
      return mrp;
    },
  },
  {
    protocol: Protocol.DMAP,
    announce: (id, port) => dmapAnnouncements(id, port),
    serve: ({ address }) => acceptingListener(address),
  },
  {
    protocol: Protocol.AirPlay,
    announce: (id, port) => [airplayAnnouncement(id, port)],
    serve: ({ identity, address, pin, mrp, logger, playDuration }) =>
      airplayServer(
        FakeAirPlayDevice.start({
          address,
          ...(playDuration ? { playback: { duration: playDuration } } : {}),
          identifier: identity.airplayPairingIdentity,
          seed: Buffer.from(identity.seed, "hex"),
          pin,
          ...(mrp ? { mrp } : {}),
          ...(logger ? { logger } : {}),
        }),
      ),
  },
  {
    protocol: Protocol.Companion,
    announce: (id, port) => listOf(companionAnnouncement(id, port)),
    serve: ({ identity, address, pin, logger }) =>
      companionServer(
        FakeCompanionDevice.start({
          address,
          identifier: identity.systemPairingIdentity,
          seed: Buffer.from(identity.seed, "hex"),
          pin,
          name: identity.name,
          model: identity.model,
          ...(logger ? { logger } : {}),
        }),
      ),
  },
  {
    protocol: Protocol.RAOP,
    announce: (id, port) => [raopAnnouncement(id, port)],
    serve: ({ address }) => acceptingListener(address),
  },
];

/**
 * A simulated Apple TV: a server per protocol the profile's device offers, each announced
 * over mDNS as such a device announces it, plus its _device-info record. MRP is served by
 * @atv/mrp's fake device; protocols whose clients are still to come get a listener that
 * accepts connections (so wake-up knocks and connection attempts find a live port).
 */
export class FakeAppleTV {
  readonly identity: FakeIdentity;
  readonly address: string;
  readonly profile: FakeProfile;
  readonly pin: string;
  readonly #responder: ZeroconfResponder;
  readonly #servers: RunningServer[];
  readonly #services: FakeServiceInfo[];
  readonly #link: ProtocolLink;
  readonly #cycles = new Set<() => void>();
  #closed = false;

  private constructor(
    init: { identity: FakeIdentity; address: string; profile: FakeProfile; pin: string },
    responder: ZeroconfResponder,
    servers: RunningServer[],
    services: FakeServiceInfo[],
  ) {
    this.identity = init.identity;
    this.address = init.address;
    this.profile = init.profile;
    this.pin = init.pin;
    this.#responder = responder;
    this.#servers = servers;
    this.#services = services;
    this.#link = new ProtocolLink({ companion: this.companion?.state, mrp: this.mrp });
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

    const pin = options.pin ?? "1111";
    // tvOS devices have MRP: on a port of its own up to tvOS 14, only through AirPlay's
    // tunnel later. The same MRP device serves both ways.
    const mrp =
      profile === "atv3"
        ? undefined
        : await FakeMrpDevice.start({
            address,
            name: identity.name,
            uniqueIdentifier: identity.mrpIdentifier,
            buildNumber: identity.buildNumber,
            model: identity.model,
            seed: Buffer.from(identity.seed, "hex"),
            pin,
            requirePairing: options.requirePairing ?? false,
            ...(options.logger ? { logger: options.logger } : {}),
          });
    const context: ServeContext = {
      identity,
      address,
      pin,
      requirePairing: options.requirePairing ?? false,
      logger: options.logger,
      mrp,
      playDuration: options.playDuration,
    };
    const servers: RunningServer[] = [];
    const services: FakeServiceInfo[] = [];
    try {
      if (mrp) servers.push({ protocol: Protocol.MRP, server: mrp });
      for (const fake of PROTOCOL_FAKES) {
        // Ask with port 0 first: does this device offer the protocol at all?
        if (fake.announce(identity, 0).length === 0) continue;
        if (fake.protocol === Protocol.MRP && mrp) {
          for (const announcement of fake.announce(identity, mrp.port)) {
            responder.publish({ ...announcement, address });
            services.push({ protocol: fake.protocol, port: mrp.port, announcement });
          }
          continue;
        }
        const server = await fake.serve(context);
        servers.push({ protocol: fake.protocol, server });
        for (const announcement of fake.announce(identity, server.port)) {
          responder.publish({ ...announcement, address });
          services.push({ protocol: fake.protocol, port: server.port, announcement });
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
      await Promise.all([responder.close(), ...servers.map((s) => s.server.close())]);
      throw error;
    }
    return new FakeAppleTV({ identity, address, profile, pin }, responder, servers, services);
  }

  get name(): string {
    return this.identity.name;
  }

  /** Calls `listener` with everything clients do to the fake; returns an unsubscribe. */
  onEvent(listener: (event: FakeDeviceEvent) => void): () => void {
    const unsubscribes = this.#servers.flatMap(({ protocol, server }) =>
      server.onEvent
        ? [
            server.onEvent((event) => {
              if (event.kind === "power" && this.#link.following) return;
              listener({ protocol, ...event });
            }),
          ]
        : [],
    );
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }

  /**
   * The MRP device inside the fake, when the profile has MRP: tests script what is
   * playing with `fake.mrp.useCases` (exampleVideo(), exampleMusic(), nothingPlaying()...).
   */
  get mrp(): FakeMrpDevice | undefined {
    const server = this.#servers.find((s) => s.protocol === Protocol.MRP)?.server;
    return server instanceof FakeMrpDevice ? server : undefined;
  }

  /** The AirPlay receiver inside the fake (its play requests, its paired clients). */
  get airplay(): FakeAirPlayDevice | undefined {
    const server = this.#servers.find((s) => s.protocol === Protocol.AirPlay)?.server;
    return server !== undefined && "device" in server && server.device instanceof FakeAirPlayDevice
      ? server.device
      : undefined;
  }

  /** The Companion side of the fake (its apps, accounts, power), when the profile has one. */
  get companion(): FakeCompanionDevice | undefined {
    const server = this.#servers.find((s) => s.protocol === Protocol.Companion)?.server;
    return server !== undefined &&
      "device" in server &&
      server.device instanceof FakeCompanionDevice
      ? server.device
      : undefined;
  }

  /**
   * Plays pyatv's demo loop (its fake_device.py): the example video now, then every
   * `intervalMs` the next of example music, nothing playing, the video again. The video
   * comes with PNG artwork and the song with JPEG artwork, so clients can save either.
   * With `static`, the video stays. Returns a stop function; `close()` stops it too. The
   * timer never keeps the process alive.
   */
  startNowPlayingCycle(intervalMs = 3000, options: { static?: boolean } = {}): () => void {
    const useCases = this.mrp?.useCases;
    if (useCases === undefined) return () => {};
    const steps = [
      () =>
        useCases.exampleVideo({
          artwork: demoVideoArtwork(),
          artworkMimeType: "image/png",
          artworkIdentifier: "atvfake-video",
        }),
      () =>
        useCases.exampleMusic({
          artwork: TINY_JPEG,
          artworkMimeType: "image/jpeg",
          artworkIdentifier: "atvfake-music",
        }),
      () => useCases.nothingPlaying(),
    ];
    let next = 0;
    const step = () => {
      steps[next]?.();
      next = (next + 1) % steps.length;
    };
    step();
    if (options.static) return () => {};
    const timer = setInterval(step, intervalMs);
    timer.unref();
    const stop = () => {
      clearInterval(timer);
      this.#cycles.delete(stop);
    };
    this.#cycles.add(stop);
    return stop;
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
    for (const stop of [...this.#cycles]) stop();
    this.#link.close();
    await Promise.all([this.#responder.close(), ...this.#servers.map((s) => s.server.close())]);
  }
}

function listOf<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

/** The fake AirPlay receiver as one of the fake's servers, its events named for the log. */
async function airplayServer(
  starting: Promise<FakeAirPlayDevice>,
): Promise<ProtocolServer & { device: FakeAirPlayDevice }> {
  const device = await starting;
  return {
    device,
    get port() {
      return device.port;
    },
    onEvent(listener) {
      return device.onEvent((event: FakeAirPlayEvent) => {
        if (event.kind !== "playback") return;
        switch (event.type) {
          case "play":
            listener({ kind: "play_url", url: event.url, position: event.position });
            return;
          case "fetched":
            listener({
              kind: "play_fetched",
              url: event.url,
              bytes: event.bytes,
              sha256: event.sha256,
            });
            return;
          case "fetch-failed":
            listener({ kind: "play_failed", url: event.url, reason: event.reason });
            return;
          case "stop":
            listener({ kind: "play_stopped" });
            return;
          case "finished":
            listener({ kind: "play_finished", url: event.url });
            return;
          default:
            return;
        }
      });
    },
    close: () => device.close(),
  };
}

/** The fake Companion device as one of the fake's servers. */
async function companionServer(
  starting: Promise<FakeCompanionDevice>,
): Promise<ProtocolServer & { device: FakeCompanionDevice }> {
  const device = await starting;
  return {
    device,
    get port() {
      return device.port;
    },
    onEvent: (listener) => device.onEvent(listener),
    close: () => device.close(),
  };
}

/** A listener that accepts connections and closes them, for protocols not served yet. */
async function acceptingListener(address: string): Promise<ProtocolServer> {
  const server = createServer((socket) => socket.destroy());
  const port = await tcpListen(server, address);
  return {
    port,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
