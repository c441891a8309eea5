// A client with reconnection on, against a fake Apple TV that restarts on the same ports:
// it comes back by itself, with the listeners it had.

import { ConnectionLostError, type DeviceListener, PowerState, Protocol } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { FakeAppleTV } from "../fake/fake-apple-tv.js";
import { scan } from "../scan/scan.js";
import { connect } from "./connect.js";

const running = new Set<FakeAppleTV>();
afterEach(async () => {
  for (const fake of running) await fake.close();
  running.clear();
});

async function started(options: Parameters<typeof FakeAppleTV.start>[0]): Promise<FakeAppleTV> {
  const fake = await FakeAppleTV.start(options);
  running.add(fake);
  return fake;
}

async function stopped(fake: FakeAppleTV): Promise<void> {
  running.delete(fake);
  await fake.close();
}

function portsOf(fake: FakeAppleTV): Partial<Record<Protocol, number>> {
  return Object.fromEntries(fake.services.map((s) => [s.protocol, s.port]));
}

/** A listener whose events come as promises, in order. */
function deviceEvents() {
  const events: string[] = [];
  const waiters: Array<{ event: string; resolve: () => void }> = [];
  const push = (event: string) => {
    events.push(event);
    for (const waiter of waiters.filter((w) => w.event === event)) waiter.resolve();
  };
  const listener: DeviceListener = {
    connectionLost: () => push("lost"),
    connectionClosed: () => push("closed"),
    reconnecting: () => push("reconnecting"),
    reconnected: () => push("reconnected"),
  };
  const next = (event: string) =>
    new Promise<void>((resolve) => {
      waiters.push({ event, resolve });
    });
  return { events, listener, next };
}

describe("reconnect against a restarting fake Apple TV", () => {
  it("reconnects after a restart; push updates and power updates go on", async () => {
    const first = await started({ address: "127.0.0.1", mdnsPort: 0 });
    first.mrp?.useCases.exampleVideo();
    const [config] = await scan({ hosts: ["127.0.0.1"], mdnsPort: first.mdnsPort, timeout: 5000 });
    if (config === undefined) throw new Error("the fake was not found");
    const { events, listener, next } = deviceEvents();
    const atv = await connect(config, {
      listener,
      timeout: 5000,
      reconnect: { initialDelay: 20, maxDelay: 100, maxAttempts: 50 },
    });
    const titles: string[] = [];
    const titleSeen = (title: string) => expect.poll(() => titles.includes(title)).toBe(true);
    atv.pushUpdater.listener = {
      playstatusUpdate: (_, playing) => titles.push(playing.title ?? ""),
      playstatusError: () => {},
    };
    const powerStates: PowerState[] = [];
    atv.power.listener = { powerstateUpdate: (_, state) => powerStates.push(state) };
    atv.pushUpdater.start();
    await titleSeen("dummy");
    const protocols = atv.protocols;

    const reconnected = next("reconnected");
    const ports = portsOf(first);
    await stopped(first);
    const again = await started({ address: "127.0.0.1", mdnsPort: 0, ports });
    again.mrp?.useCases.exampleMusic();
    await reconnected;

    expect(events).toContain("reconnecting");
    expect(events).not.toContain("lost");
    expect(atv.protocols).toEqual(protocols);
    await titleSeen("music");
    again.mrp?.useCases.powerOff();
    await expect.poll(() => powerStates).toContain(PowerState.Off);
    await atv.remoteControl.play();
    expect(again.mrp?.state.lastCommand?.name).toBe("play");
    await atv.close();
    expect(events.at(-1)).toBe("closed");
  });

  it("gives up on a device that never comes back, telling connectionLost once", async () => {
    const fake = await started({ address: "127.0.0.1", mdnsPort: 0 });
    const [config] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
    if (config === undefined) throw new Error("the fake was not found");
    const { events, listener, next } = deviceEvents();
    const atv = await connect(config, {
      protocols: [Protocol.MRP],
      listener,
      timeout: 2000,
      reconnect: { initialDelay: 5, maxDelay: 10, maxAttempts: 3 },
    });
    const lost = next("lost");
    await stopped(fake);
    await lost;

    expect(events).toEqual(["reconnecting", "reconnecting", "reconnecting", "lost"]);
    await expect(atv.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    await atv.close();
    expect(events.filter((e) => e === "lost" || e === "closed")).toEqual(["lost"]);
  });
});
