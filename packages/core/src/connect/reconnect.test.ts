import {
  AppleTV,
  ConnectionFailedError,
  ConnectionLostError,
  createPlaying,
  type DeviceListener,
  FeatureName,
  FeatureState,
  InvalidConfigError,
  PlainProperties,
  type Playing,
  type PowerListener,
  PowerState,
  Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  type PushListener,
  type PushUpdater,
  Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { connect } from "./connect.js";
import { backoffDelay, reconnectPolicy } from "./reconnect-policy.js";

/** A push updater driven by the test; its iterators throw the loss like a real session's. */
class ScriptedPushUpdater implements PushUpdater {
  listener: PushListener | undefined;
  active = false;
  readonly #iterators = new Set<{ push(p: Playing): void; end(e: Error): void }>();

  start(): void {
    this.active = true;
  }

  stop(): void {
    this.active = false;
  }

  get iterators(): number {
    return this.#iterators.size;
  }

  publish(playing: Playing): void {
    if (this.active) this.listener?.playstatusUpdate(this, playing);
    for (const iterator of this.#iterators) iterator.push(playing);
  }

  fail(error: Error): void {
    this.active = false;
    for (const iterator of this.#iterators) iterator.end(error);
  }

  updates(): AsyncIterable<Playing> {
    const queue: Playing[] = [];
    let failure: Error | undefined;
    let wake = () => {};
    const entry = {
      push: (p: Playing) => {
        queue.push(p);
        wake();
      },
      end: (e: Error) => {
        failure = e;
        wake();
      },
    };
    this.#iterators.add(entry);
    const iterators = this.#iterators;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const next = queue.shift();
            if (next !== undefined) yield next;
            else if (failure !== undefined) throw failure;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        } finally {
          iterators.delete(entry);
        }
      },
    };
  }
}

interface FakeSession extends ProtocolSession {
  readonly generation: number;
  readonly pushUpdater: ScriptedPushUpdater;
  readonly power: { listener: PowerListener | undefined; readonly powerState: PowerState };
  /** The connection drops: the session tells core, as a protocol client does. */
  lose(error: Error): void;
  closed: boolean;
}

/** An MRP-like protocol whose device can go away and come back. */
function restartablePlugin() {
  const plugin = {
    protocol: Protocol.MRP,
    serviceTypes: {},
    deviceInfo: () => ({}),
    serviceInfo: () => {},
    /** While false, connecting fails as to a device that is not there. */
    up: true,
    attempts: 0,
    sessions: [] as FakeSession[],
    calls: [] as string[],
    async connect(_d: AppleTV, _s: Service, options?: { listener?: DeviceListener }) {
      plugin.attempts += 1;
      if (!plugin.up) throw new ConnectionFailedError("connection refused");
      const generation = plugin.sessions.length;
      const listener = options?.listener;
      const pushUpdater = new ScriptedPushUpdater();
      const session: FakeSession = {
        protocol: Protocol.MRP,
        generation,
        pushUpdater,
        closed: false,
        remoteControl: {
          play: async () => void plugin.calls.push(`play@${generation}`),
        },
        power: { listener: undefined, powerState: PowerState.On },
        features: {
          getFeature: (name) =>
            name === FeatureName.Play
              ? { state: FeatureState.Available }
              : { state: FeatureState.Unsupported },
        },
        lose(error: Error) {
          pushUpdater.fail(error);
          listener?.connectionLost(error);
        },
        close: async () => {
          session.closed = true;
        },
      };
      plugin.sessions.push(session);
      return session;
    },
  };
  return plugin satisfies ProtocolPlugin;
}

function device(): AppleTV {
  const atv = new AppleTV({ address: "127.0.0.1", name: "Test" });
  atv.addService(
    new Service({
      protocol: Protocol.MRP,
      port: 1000,
      identifier: "id",
      properties: new PlainProperties(),
    }),
  );
  return atv;
}

/** A promise and what settles it, for waiting on a listener without sleeping. */
function signalled<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A device listener recording what it hears, with a promise per kind of event. */
function recordingListener() {
  const events: string[] = [];
  const reconnected = signalled();
  const lost = signalled<Error>();
  const closed = signalled();
  const listener: DeviceListener = {
    connectionLost: (error) => {
      events.push("lost");
      lost.resolve(error);
    },
    connectionClosed: () => {
      events.push("closed");
      closed.resolve();
    },
    reconnecting: (attempt) => events.push(`reconnecting:${attempt}`),
    reconnected: () => {
      events.push("reconnected");
      reconnected.resolve();
    },
  };
  return { events, listener, reconnected: reconnected.promise, lost: lost.promise, closed };
}

const FAST = { initialDelay: 1, maxDelay: 4 };

describe("reconnect policy", () => {
  it("doubles the wait per attempt up to maxDelay, half of it random", () => {
    const policy = reconnectPolicy({ initialDelay: 100, maxDelay: 500 });
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 200, 250]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 500]);
  });

  it("refuses unbounded or contradictory limits", () => {
    expect(() => reconnectPolicy({ maxAttempts: Number.POSITIVE_INFINITY })).toThrow(
      InvalidConfigError,
    );
    expect(() => reconnectPolicy({ initialDelay: 10, maxDelay: 5 })).toThrow(InvalidConfigError);
    expect(reconnectPolicy({ maxAttempts: Number.POSITIVE_INFINITY, giveUpAfter: 10 })).toEqual(
      expect.objectContaining({ maxAttempts: Number.POSITIVE_INFINITY, giveUpAfter: 10 }),
    );
  });
});

describe("connect() with reconnect", () => {
  it("reconnects after a loss, keeping the device object and the listeners on its parts", async () => {
    const plugin = restartablePlugin();
    const { events, listener, reconnected } = recordingListener();
    const atv = await connect(device(), { plugins: [plugin], listener, reconnect: FAST });
    const powerChanges: PowerState[] = [];
    atv.power.listener = { powerstateUpdate: (_, state) => powerChanges.push(state) };
    const playing: string[] = [];
    atv.pushUpdater.listener = {
      playstatusUpdate: (_, p) => playing.push(p.title ?? ""),
      playstatusError: () => {},
    };
    atv.pushUpdater.start();

    const [first] = plugin.sessions;
    first?.lose(new ConnectionLostError("device restarted"));
    await reconnected;

    expect(events).toEqual(["reconnecting:1", "reconnected"]);
    expect(first?.closed).toBe(true);
    const second = plugin.sessions[1];
    expect(second?.generation).toBe(1);
    // Listeners set before the loss hear the new connection.
    second?.power.listener?.powerstateUpdate(PowerState.On, PowerState.Off);
    expect(powerChanges).toEqual([PowerState.Off]);
    expect(second?.pushUpdater.active).toBe(true);
    second?.pushUpdater.publish(createPlaying({ title: "after" }));
    expect(playing).toEqual(["after"]);
    await atv.remoteControl.play();
    expect(plugin.calls).toEqual(["play@1"]);
    await atv.close();
    expect(events).toEqual(["reconnecting:1", "reconnected", "closed"]);
  });

  it("waits with growing delays while the device is away, then comes back", async () => {
    const plugin = restartablePlugin();
    const delays: number[] = [];
    const { listener, reconnected } = recordingListener();
    const atv = await connect(device(), {
      plugins: [plugin],
      listener: {
        ...listener,
        reconnecting: (attempt, delay) => {
          delays.push(delay);
          // Back on the third attempt.
          if (attempt === 3) plugin.up = true;
        },
      },
      reconnect: { initialDelay: 2, maxDelay: 8 },
    });
    plugin.up = false;
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    await reconnected;
    expect(plugin.attempts).toBe(4);
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(1);
    expect(delays[0]).toBeLessThanOrEqual(2);
    expect(delays[2]).toBeGreaterThanOrEqual(4);
    expect(delays[2]).toBeLessThanOrEqual(8);
    await atv.close();
  });

  it("gives up after maxAttempts: connectionLost once, then calls reject at once", async () => {
    const plugin = restartablePlugin();
    const { events, listener, lost } = recordingListener();
    const atv = await connect(device(), {
      plugins: [plugin],
      listener,
      reconnect: { ...FAST, maxAttempts: 3 },
    });
    plugin.up = false;
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    const error = await lost;

    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.cause).toBeInstanceOf(ConnectionFailedError);
    expect(events).toEqual(["reconnecting:1", "reconnecting:2", "reconnecting:3", "lost"]);
    expect(plugin.attempts).toBe(4);
    await expect(atv.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    await atv.close();
    expect(events.at(-1)).toBe("lost");
  });

  it("gives up after giveUpAfter even with attempts left", async () => {
    const plugin = restartablePlugin();
    const { listener, lost } = recordingListener();
    await connect(device(), {
      plugins: [plugin],
      listener,
      reconnect: {
        initialDelay: 1,
        maxDelay: 1,
        maxAttempts: Number.POSITIVE_INFINITY,
        giveUpAfter: 20,
      },
    });
    plugin.up = false;
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    expect((await lost).message).toMatch(/after 20 ms/);
  });

  it("has calls made in the gap wait for the new connection, within their own limits", async () => {
    const plugin = restartablePlugin();
    const stay = signalled();
    const { listener, reconnected } = recordingListener();
    const atv = await connect(device(), {
      plugins: [plugin],
      listener: {
        ...listener,
        reconnecting: () => void stay.promise.then(() => (plugin.up = true)),
      },
      reconnect: { ...FAST, maxAttempts: 1000, callTimeout: 60_000 },
    });
    plugin.up = false;
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));

    const waiting = atv.remoteControl.play();
    const outcome = (call: Promise<void>) =>
      call.then(
        () => undefined,
        (e: unknown) => e,
      );
    const impatient = outcome(atv.remoteControl.play({ timeout: 1 } as never));
    const aborter = new AbortController();
    const cancelled = outcome(atv.remoteControl.play({ signal: aborter.signal } as never));
    aborter.abort(new Error("no longer wanted"));
    // What cannot wait fails at once; a lost protocol's features are unavailable meanwhile.
    expect(() => atv.power.powerState).toThrow(ConnectionLostError);
    expect(atv.features.getFeature(FeatureName.Play).state).toBe(FeatureState.Unavailable);
    expect(atv.features.getFeature(FeatureName.Pause).state).toBe(FeatureState.Unsupported);

    expect(await impatient).toBeInstanceOf(ConnectionLostError);
    expect(await cancelled).toEqual(new Error("no longer wanted"));
    stay.resolve();
    await reconnected;
    await waiting;
    expect(plugin.calls).toEqual([`play@${plugin.sessions.length - 1}`]);
    expect(atv.power.powerState).toBe(PowerState.On);
    await atv.close();
  });

  it("rejects calls in the gap at once when callTimeout is 0", async () => {
    const plugin = restartablePlugin();
    const { listener } = recordingListener();
    const atv = await connect(device(), {
      plugins: [plugin],
      listener,
      reconnect: { initialDelay: 50, maxDelay: 50, callTimeout: 0 },
    });
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    await expect(atv.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    expect(plugin.calls).toEqual([]);
    await atv.close();
  });

  it("stops reconnecting on close(): closed once, never lost, waiting calls rejected", async () => {
    const plugin = restartablePlugin();
    const { events, listener } = recordingListener();
    const firstWait = signalled();
    const atv = await connect(device(), {
      plugins: [plugin],
      listener: {
        ...listener,
        reconnecting: (attempt) => {
          events.push(`reconnecting:${attempt}`);
          firstWait.resolve();
        },
      },
      reconnect: { initialDelay: 5, maxDelay: 5, maxAttempts: 1000, callTimeout: 60_000 },
    });
    plugin.up = false;
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    await firstWait.promise;
    const waiting = atv.remoteControl.play();
    await atv.close();
    const attemptsAtClose = plugin.attempts;

    await expect(waiting).rejects.toBeInstanceOf(ConnectionLostError);
    expect(events.filter((e) => !e.startsWith("reconnecting"))).toEqual(["closed"]);
    plugin.up = true;
    // Another loss report, as from a late session, starts nothing.
    plugin.sessions[0]?.lose(new ConnectionLostError("late"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(plugin.attempts).toBe(attemptsAtClose);
  });

  it("ignores a loss told by a session it already replaced", async () => {
    const plugin = restartablePlugin();
    const { events, listener, reconnected } = recordingListener();
    const atv = await connect(device(), { plugins: [plugin], listener, reconnect: FAST });
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    await reconnected;
    plugin.sessions[0]?.lose(new ConnectionLostError("stale"));
    await atv.remoteControl.play();
    expect(events).toEqual(["reconnecting:1", "reconnected"]);
    expect(plugin.sessions).toHaveLength(2);
    await atv.close();
  });

  it("keeps a push-update iterator going across a reconnection", async () => {
    const plugin = restartablePlugin();
    const { listener } = recordingListener();
    const atv = await connect(device(), { plugins: [plugin], listener, reconnect: FAST });
    const titles: string[] = [];
    const iterating = (async () => {
      for await (const playing of atv.pushUpdates()) {
        titles.push(playing.title ?? "");
        if (titles.length === 2) break;
      }
    })();
    await expect.poll(() => plugin.sessions[0]?.pushUpdater.iterators).toBe(1);
    plugin.sessions[0]?.pushUpdater.publish(createPlaying({ title: "before" }));
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    await expect.poll(() => plugin.sessions[1]?.pushUpdater.iterators).toBe(1);
    plugin.sessions[1]?.pushUpdater.publish(createPlaying({ title: "after" }));
    await iterating;
    expect(titles).toEqual(["before", "after"]);
    await atv.close();
  });

  it("keeps pyatv's behaviour without reconnect: connectionLost at once", async () => {
    const plugin = restartablePlugin();
    const { events, listener, lost } = recordingListener();
    const atv = await connect(device(), { plugins: [plugin], listener });
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    expect((await lost).message).toBe("gone");
    expect(events).toEqual(["lost"]);
    expect(plugin.attempts).toBe(1);
    await atv.close();
  });

  it("can be turned on after connect()", async () => {
    const plugin = restartablePlugin();
    const { events, listener, reconnected } = recordingListener();
    const atv = await connect(device(), { plugins: [plugin], listener });
    atv.reconnect = FAST;
    plugin.sessions[0]?.lose(new ConnectionLostError("gone"));
    await reconnected;
    expect(events).toEqual(["reconnecting:1", "reconnected"]);
    await atv.close();
  });
});
