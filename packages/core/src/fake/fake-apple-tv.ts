import { airplayAnnouncement, FakeAirPlayDevice, type FakeAirPlayEvent } from "@atv/airplay/fake";
import {
  companionAnnouncement,
  FakeCompanionDevice,
  type FakeCompanionEvent,
} from "@atv/companion/fake";
import { dmapAnnouncements, FakeDmapDevice, type FakeDmapEvent } from "@atv/dmap/fake";
import { type AppleTV, PlainProperties, Protocol } from "@atv/interface";
import { FakeMrpDevice, type FakeMrpEvent, mrpAnnouncement } from "@atv/mrp/fake";
import {
  type FakeRaopEvent,
  FakeRaopReceiver,
  raopAnnouncement,
  raopVersionOf,
} from "@atv/raop/fake";
import {
  DEVICE_INFO_SERVICE,
  type Logger,
  type ServiceAnnouncement,
  SLEEP_PROXY_SERVICE,
  ZeroconfResponder,
} from "@atv/zeroconf";
import { BUILT_IN_PROTOCOLS } from "../protocols.js";
import { DeviceBuilder } from "../scan/device-builder.js";
import { demoSteps, dmapDemoSteps } from "./demo-cycle.js";
import { type FakePairings, PairingsFile } from "./pairings-file.js";
import { type FakeIdentity, type FakeProfile, fakeIdentity, profileProtocols } from "./profiles.js";
import { ProtocolLink } from "./protocol-link.js";

export interface FakeAppleTVOptions {
  /** Address to serve and announce on (default 127.0.0.1). */
  address?: string;
  /** mDNS port to answer on (default 5353; 0 picks a free port, see `mdnsPort`). */
  mdnsPort?: number;
  /**
   * A fixed port for a protocol's server (default 0: any free port), so a fake started
   * again comes back where clients last found it.
   */
  ports?: Partial<Record<Protocol, number>>;
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
  /**
   * A file where the fake keeps the clients paired with it (MRP, Companion, AirPlay), read
   * at start and written on each pairing, so saved credentials work after a restart.
   * Default: none, the pairings last as long as the fake.
   */
  stateFile?: string;
  /** Milliseconds of client silence before a protocol's server hangs up (default 60 s). */
  idleTimeout?: number;
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
  | FakeDmapEvent
  | FakeRaopEvent
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
    listener: (
      event: FakeMrpEvent | FakePlayEvent | FakeCompanionEvent | FakeDmapEvent | FakeRaopEvent,
    ) => void,
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
  readonly idleTimeout: number | undefined;
  /** The port asked for `protocol`'s server (0: any). */
  port(protocol: Protocol): number;
  /** The fake's mDNS responder: a DMAP device hears remotes announce themselves there. */
  readonly responder: ZeroconfResponder;
  /** The servers started so far, in PROTOCOL_FAKES order. */
  readonly started: readonly RunningServer[];
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
    serve: ({ identity, address, port, pin, logger, idleTimeout, responder }) =>
      dmapServer(
        FakeDmapDevice.start({
          address,
          port: port(Protocol.DMAP),
          name: identity.name,
          identifier: identity.dmapIdentifier,
          ...(identity.homeSharingId ? { homeSharingId: identity.homeSharingId } : {}),
          pin,
          ...(idleTimeout ? { idleTimeout } : {}),
          ...(logger ? { logger } : {}),
        }),
        responder,
      ),
  },
  {
    protocol: Protocol.AirPlay,
    announce: (id, port) => [airplayAnnouncement(id, port)],
    serve: ({ identity, address, port, pin, mrp, logger, playDuration, idleTimeout }) =>
      airplayServer(
        FakeAirPlayDevice.start({
          address,
          ...(idleTimeout ? { idleTimeout } : {}),
          port: port(Protocol.AirPlay),
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
    serve: ({ identity, address, port, pin, logger, idleTimeout }) =>
      companionServer(
        FakeCompanionDevice.start({
          address,
          ...(idleTimeout ? { idleTimeout } : {}),
          port: port(Protocol.Companion),
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
    // As the real device: AirPlay 1 on an Apple TV 3, AirPlay 2 on tvOS, announced so.
    announce: (id, port) => [raopAnnouncement(id, port, { version: raopVersionOf(id) })],
    serve: async ({ identity, address, port, pin, logger, idleTimeout, started }) => {
      // One device, one list of paired clients: AirPlay's, where the device has AirPlay
      // (as an Apple TV or a HomePod pairs AirPlay and RAOP alike).
      const airplay = started.find((s) => s.protocol === Protocol.AirPlay)?.server;
      const pairingServer =
        airplay && "device" in airplay ? (airplay.device as FakeAirPlayDevice).pairing : undefined;
      const receiver = await FakeRaopReceiver.start({
        address,
        port: port(Protocol.RAOP),
        version: raopVersionOf(identity),
        ...(pairingServer
          ? { pairingServer }
          : {
              pin,
              identifier: identity.airplayPairingIdentity,
              seed: Buffer.from(identity.seed, "hex"),
            }),
        ...(idleTimeout ? { idleTimeout } : {}),
        ...(logger ? { logger } : {}),
      });
      return {
        receiver,
        get port() {
          return receiver.port;
        },
        onEvent: (listener) => receiver.onEvent(listener),
        close: () => receiver.close(),
      };
    },
  },
];

/**
 * A simulated Apple TV: a server per protocol the profile's device offers, each announced
 * over mDNS as such a device announces it, plus its _device-info record: each protocol
 * package's fake device (MRP, AirPlay, Companion, DMAP, RAOP) serves its protocol.
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
  readonly #unsubscribes: Array<() => void> = [];
  #pairingsFile: PairingsFile | undefined;
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
    const port = (protocol: Protocol): number => options.ports?.[protocol] ?? 0;
    const servers: RunningServer[] = [];
    const services: FakeServiceInfo[] = [];
    try {
      // tvOS devices have MRP: on a port of its own up to tvOS 14, only through AirPlay's
      // tunnel later. The same MRP device serves both ways.
      const offered = profileProtocols(profile);
      const mrp =
        profile === "atv3" || (offered !== undefined && !offered.includes(Protocol.MRP))
          ? undefined
          : await FakeMrpDevice.start({
              address,
              port: port(Protocol.MRP),
              name: identity.name,
              uniqueIdentifier: identity.mrpIdentifier,
              buildNumber: identity.buildNumber,
              model: identity.model,
              seed: Buffer.from(identity.seed, "hex"),
              pin,
              requirePairing: options.requirePairing ?? false,
              ...(options.idleTimeout ? { idleTimeout: options.idleTimeout } : {}),
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
        idleTimeout: options.idleTimeout,
        port,
        responder,
        started: servers,
      };
      if (mrp) servers.push({ protocol: Protocol.MRP, server: mrp });
      for (const fake of PROTOCOL_FAKES) {
        // Ask with port 0 first: does this device offer the protocol at all?
        if (offered !== undefined && !offered.includes(fake.protocol)) continue;
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
    const fake = new FakeAppleTV({ identity, address, profile, pin }, responder, servers, services);
    if (options.stateFile !== undefined) {
      try {
        await fake.#keepPairings(
          new PairingsFile(options.stateFile, (error) =>
            options.logger?.debug("fake: cannot save pairings: %o", error),
          ),
        );
      } catch (error) {
        await fake.close();
        throw error;
      }
    }
    return fake;
  }

  /** Restores the pairings kept in `file`, then writes them there as they change. */
  async #keepPairings(file: PairingsFile): Promise<void> {
    const kept = await file.read();
    const mrp = this.mrp?.state;
    const companion = this.companion?.state;
    const airplay = this.airplay?.pairing.pairings;
    const dmap = this.dmap;
    for (const guid of kept.dmap) dmap?.state.addPairedGuid(guid);
    for (const client of kept.mrp) mrp?.addPairedClient(client);
    for (const client of kept.companion) companion?.addPairedClient(client);
    for (const pairing of kept.airplay) airplay?.restore(pairing);
    const snapshot = (): FakePairings => ({
      // What this profile does not serve is kept as it was read.
      mrp: mrp?.pairings ?? kept.mrp,
      companion: companion?.pairings ?? kept.companion,
      airplay: airplay?.entries ?? kept.airplay,
      dmap: dmap?.state.pairedGuids ?? kept.dmap,
    });
    const save = () => file.save(snapshot);
    this.#unsubscribes.push(
      ...[
        mrp?.onPairingsChanged(save),
        companion?.onPairingsChanged(save),
        airplay?.onChange(save),
        dmap?.onEvent((event) => {
          if (event.kind === "paired") save();
        }),
      ].filter((unsubscribe) => unsubscribe !== undefined),
    );
    this.#pairingsFile = file;
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
              if ((event.kind === "power" || event.kind === "volume") && this.#link.following)
                return;
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

  /** The DMAP device inside the fake (what it plays, the remotes paired with it). */
  get dmap(): FakeDmapDevice | undefined {
    const server = this.#servers.find((s) => s.protocol === Protocol.DMAP)?.server;
    return server !== undefined && "device" in server && server.device instanceof FakeDmapDevice
      ? server.device
      : undefined;
  }

  /** The RAOP receiver inside the fake (the audio streams it received, their checksums). */
  get raop(): FakeRaopReceiver | undefined {
    const server = this.#servers.find((s) => s.protocol === Protocol.RAOP)?.server;
    return server !== undefined &&
      "receiver" in server &&
      server.receiver instanceof FakeRaopReceiver
      ? server.receiver
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
   * Plays the demo loop (as pyatv's fake_device.py loops through its examples): a film
   * in the TV app now, then every `intervalMs` the next of an album in the Music app,
   * nothing playing, the film again. The film comes with PNG artwork and the songs with
   * JPEG artwork, so clients can save either. What plays obeys transport commands. With
   * `static`, the film stays. Returns a stop function; `close()` stops it too. The timer
   * never keeps the process alive.
   */
  startNowPlayingCycle(intervalMs = 3000, options: { static?: boolean } = {}): () => void {
    const useCases = this.mrp?.useCases;
    const dmap = this.dmap?.state;
    const steps = useCases ? demoSteps(useCases) : dmap ? dmapDemoSteps(dmap) : [];
    if (steps.length === 0) return () => {};
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
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    await Promise.all([
      this.#responder.close(),
      ...this.#servers.map((s) => s.server.close()),
      this.#pairingsFile?.flushed(),
    ]);
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

/**
 * The fake DMAP device as one of the fake's servers. Like an Apple TV in Settings >
 * Remotes, it pairs with a remote that announces itself to the fake's mDNS responder.
 */
async function dmapServer(
  starting: Promise<FakeDmapDevice>,
  responder: ZeroconfResponder,
): Promise<ProtocolServer & { device: FakeDmapDevice }> {
  const device = await starting;
  const stopWatching = device.watchForRemotes(responder);
  return {
    device,
    get port() {
      return device.port;
    },
    onEvent: (listener) => device.onEvent(listener),
    close: async () => {
      stopWatching();
      await device.close();
    },
  };
}
