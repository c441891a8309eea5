// A fake started again with the ports it had comes back where its clients last found it:
// a configuration from an earlier scan still connects, without scanning again.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppleTV, Protocol } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../connect/connect.js";
import { pair } from "../connect/pair.js";
import { scan } from "../scan/scan.js";
import { FakeAppleTV } from "./fake-apple-tv.js";

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

function portsOf(fake: FakeAppleTV): Partial<Record<Protocol, number>> {
  return Object.fromEntries(fake.services.map((s) => [s.protocol, s.port]));
}

describe("FakeAppleTV ports", () => {
  it("serves each protocol on the port asked for", async () => {
    const first = await started({ profile: "tvos14", mdnsPort: 0 });
    const ports = portsOf(first);
    await first.close();
    running.delete(first);

    const again = await started({ profile: "tvos14", mdnsPort: 0, ports });
    expect(portsOf(again)).toEqual(ports);
    expect(Object.keys(ports).map(Number).sort()).toEqual(
      [Protocol.MRP, Protocol.AirPlay, Protocol.Companion, Protocol.RAOP].sort(),
    );
  });

  it("is found again by a client after a restart on the same ports", async () => {
    const first = await started({ profile: "tvos14", mdnsPort: 0 });
    first.mrp?.useCases.exampleVideo();
    const [config] = await scan({ hosts: ["127.0.0.1"], mdnsPort: first.mdnsPort, timeout: 5000 });
    if (config === undefined) throw new Error("the fake was not found");
    const atv = await connect(config, { protocols: [Protocol.MRP], timeout: 5000 });
    await atv.remoteControl.play();
    expect(first.mrp?.state.lastCommand?.name).toBe("play");
    // The device goes away under a connected client.
    const ports = portsOf(first);
    const mdnsPort = first.mdnsPort;
    await first.close();
    running.delete(first);
    await atv.close();

    const again = await started({ profile: "tvos14", mdnsPort, ports });
    const reconnected = await connect(config, { protocols: [Protocol.MRP], timeout: 5000 });
    try {
      await reconnected.remoteControl.pause();
      expect(again.mrp?.state.lastCommand?.name).toBe("pause");
    } finally {
      await reconnected.close();
    }
  });
});

async function found(fake: FakeAppleTV): Promise<AppleTV> {
  const [config] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
  if (config === undefined) throw new Error("the fake was not found");
  return config;
}

async function paired(config: AppleTV, protocol: Protocol): Promise<void> {
  const handler = pair(config, protocol);
  await handler.begin();
  handler.pin(1111);
  await handler.finish();
  await handler.close();
}

describe("FakeAppleTV state file", () => {
  it("keeps its paired clients across a restart, over every protocol that pairs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "atv-fake-state-"));
    const stateFile = join(dir, "nested", "device.json");
    try {
      const options = { profile: "tvos14", mdnsPort: 0, stateFile } as const;
      const first = await started(options);
      const config = await found(first);
      for (const protocol of [Protocol.MRP, Protocol.Companion, Protocol.AirPlay]) {
        await paired(config, protocol);
      }
      await first.close();
      running.delete(first);
      const kept = JSON.parse(await readFile(stateFile, "utf8"));
      expect([kept.mrp.length, kept.companion.length, kept.airplay.length]).toEqual([1, 1, 1]);

      // The credentials saved on `config` verify with the fake started again.
      const again = await started(options);
      again.mrp?.useCases.exampleVideo();
      const ports = portsOf(again);
      for (const service of config.services) {
        const port = ports[service.protocol];
        if (port !== undefined) service.port = port;
      }
      for (const protocols of [[Protocol.MRP], [Protocol.Companion], [Protocol.AirPlay]]) {
        const atv = await connect(config, { protocols, timeout: 5000 });
        try {
          expect(atv.protocols).toContain(protocols[0]);
        } finally {
          await atv.close();
        }
      }
      expect(again.mrp?.state.verifiedClientIds).toHaveLength(1);

      // Without the file, the same device knows nobody: the credentials are refused.
      await again.close();
      running.delete(again);
      const forgetful = await started({ ...options, stateFile: undefined, ports });
      await expect(connect(config, { protocols: [Protocol.MRP], timeout: 5000 })).rejects.toThrow();
      expect(forgetful.mrp?.state.pairedClientIds).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
