import {
  AppleTV,
  ConnectionFailedError,
  DeviceIdMissingError,
  type DeviceListener,
  NoServiceError,
  NotSupportedError,
  PlainProperties,
  Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { connect } from "./connect.js";
import { pair } from "./pair.js";

/** A protocol whose sessions record the calls they get. */
function recordingPlugin(
  protocol: Protocol,
  methods: string[],
  calls: string[],
  behaviour: { fail?: Error; onListener?: (l: DeviceListener) => void } = {},
): ProtocolPlugin & { closed: number } {
  const plugin = {
    protocol,
    serviceTypes: {},
    deviceInfo: () => ({}),
    serviceInfo: () => {},
    closed: 0,
    async connect(_device: AppleTV, _service: Service, options?: { listener?: DeviceListener }) {
      if (behaviour.fail) throw behaviour.fail;
      if (options?.listener) behaviour.onListener?.(options.listener);
      const remoteControl = Object.fromEntries(
        methods.map((m) => [
          m,
          async (...args: unknown[]) => void calls.push(`${protocol}:${m}:${args.join(",")}`),
        ]),
      );
      const session: ProtocolSession = {
        protocol,
        remoteControl,
        close: async () => {
          plugin.closed += 1;
        },
      };
      return session;
    },
  };
  return plugin;
}

function device(...protocols: Protocol[]): AppleTV {
  const atv = new AppleTV({ address: "127.0.0.1", name: "Test" });
  for (const protocol of protocols) {
    atv.addService(
      new Service({
        protocol,
        port: 1000 + protocol,
        identifier: `id-${protocol}`,
        properties: new PlainProperties(),
      }),
    );
  }
  return atv;
}

describe("connect()", () => {
  it("relays each call to the highest-priority protocol that has it", async () => {
    const calls: string[] = [];
    const plugins = [
      recordingPlugin(Protocol.AirPlay, ["play", "guide"], calls),
      recordingPlugin(Protocol.MRP, ["play", "pause"], calls),
    ];
    const atv = await connect(device(Protocol.AirPlay, Protocol.MRP), { plugins });
    expect(atv.protocols).toEqual([Protocol.MRP, Protocol.AirPlay]);
    await atv.remoteControl.play();
    await atv.remoteControl.pause();
    await atv.remoteControl.guide();
    expect(calls).toEqual([
      `${Protocol.MRP}:play:`,
      `${Protocol.MRP}:pause:`,
      `${Protocol.AirPlay}:guide:`,
    ]);
    await expect(atv.remoteControl.channelUp()).rejects.toBeInstanceOf(NotSupportedError);
    await atv.close();
  });

  it("passes arguments through", async () => {
    const calls: string[] = [];
    const atv = await connect(device(Protocol.MRP), {
      plugins: [recordingPlugin(Protocol.MRP, ["setPosition"], calls)],
    });
    await atv.remoteControl.setPosition(42);
    expect(calls).toEqual([`${Protocol.MRP}:setPosition:42`]);
  });

  it("skips disabled services and protocols not asked for", async () => {
    const calls: string[] = [];
    const config = device(Protocol.MRP, Protocol.AirPlay);
    const mrp = config.getService(Protocol.MRP);
    if (mrp) mrp.enabled = false;
    const plugins = [
      recordingPlugin(Protocol.MRP, ["play"], calls),
      recordingPlugin(Protocol.AirPlay, ["play"], calls),
    ];
    const atv = await connect(config, { plugins });
    expect(atv.protocols).toEqual([Protocol.AirPlay]);
    await expect(connect(config, { plugins, protocols: [Protocol.MRP] })).rejects.toBeInstanceOf(
      NoServiceError,
    );
  });

  it("closes what connected when another protocol fails, and throws that error", async () => {
    const calls: string[] = [];
    const ok = recordingPlugin(Protocol.MRP, ["play"], calls);
    const failing = recordingPlugin(Protocol.AirPlay, [], calls, {
      fail: new ConnectionFailedError("refused"),
    });
    await expect(
      connect(device(Protocol.MRP, Protocol.AirPlay), { plugins: [ok, failing] }),
    ).rejects.toBeInstanceOf(ConnectionFailedError);
    expect(ok.closed).toBe(1);
  });

  it("sets protocols up at the same time, and tells a carrier whether MRP connected", async () => {
    const calls: string[] = [];
    let companionStarted: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      companionStarted = resolve;
    });
    const seen: boolean[] = [];
    const airplay = recordingPlugin(Protocol.AirPlay, ["stop"], calls);
    const companion = recordingPlugin(Protocol.Companion, ["guide"], calls);
    const plugins: ProtocolPlugin[] = [
      {
        ...airplay,
        // Finishes only once Companion has started: one after the other would never end.
        async connect(d, service, options) {
          seen.push((await options?.connectedDirectly?.(Protocol.MRP)) ?? false);
          await bothStarted;
          return airplay.connect?.(d, service, options) ?? [];
        },
      },
      {
        ...companion,
        async connect(d, service, options) {
          companionStarted();
          return companion.connect?.(d, service, options) ?? [];
        },
      },
      recordingPlugin(Protocol.MRP, ["play"], calls, { fail: new ConnectionFailedError("no") }),
    ];
    const promise = connect(device(Protocol.AirPlay, Protocol.Companion, Protocol.MRP), {
      plugins,
    });
    // MRP failed and nothing carried it: the error stands, and what connected is closed.
    await expect(promise).rejects.toBeInstanceOf(ConnectionFailedError);
    expect(seen).toEqual([false]);
    expect(airplay.closed + companion.closed).toBe(2);
  });

  it("refuses a configuration without services or identifier", async () => {
    await expect(connect(device())).rejects.toBeInstanceOf(NoServiceError);
    const anonymous = new AppleTV({ address: "127.0.0.1", name: "x" });
    anonymous.addService(new Service({ protocol: Protocol.MRP, port: 1 }));
    await expect(connect(anonymous)).rejects.toBeInstanceOf(DeviceIdMissingError);
  });

  it("tells the listener once: lost ends every protocol, close after that is quiet", async () => {
    const events: string[] = [];
    let lose: DeviceListener | undefined;
    const mrp = recordingPlugin(Protocol.MRP, [], [], {
      onListener: (l) => {
        lose = l;
      },
    });
    const airplay = recordingPlugin(Protocol.AirPlay, [], []);
    const atv = await connect(device(Protocol.MRP, Protocol.AirPlay), {
      plugins: [mrp, airplay],
      listener: {
        connectionLost: (e) => events.push(`lost:${e.message}`),
        connectionClosed: () => events.push("closed"),
      },
    });
    lose?.connectionLost(new Error("gone"));
    lose?.connectionLost(new Error("again"));
    await atv.close();
    expect(events).toEqual(["lost:gone"]);
    expect(airplay.closed).toBe(1);
  });

  it("says connectionClosed once on close()", async () => {
    const events: string[] = [];
    const atv = await connect(device(Protocol.MRP), {
      plugins: [recordingPlugin(Protocol.MRP, [], [])],
      listener: {
        connectionLost: () => events.push("lost"),
        connectionClosed: () => events.push("closed"),
      },
    });
    await atv.close();
    await atv.close();
    expect(events).toEqual(["closed"]);
  });
});

describe("pair()", () => {
  it("needs the device to have the protocol's service", () => {
    expect(() => pair(device(Protocol.AirPlay), Protocol.MRP)).toThrow(NoServiceError);
  });

  it("needs the protocol to be able to pair", () => {
    const plugins = [recordingPlugin(Protocol.MRP, [], [])];
    expect(() => pair(device(Protocol.MRP), Protocol.MRP, { plugins })).toThrow(NotSupportedError);
  });
});
