import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AirPlayMajorVersion } from "@atv/airplay";
import { type AppleTV, MrpTunnel, Protocol } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { FakeAppleTV } from "../fake/fake-apple-tv.js";
import type { FakeProfile } from "../fake/profiles.js";
import { scan } from "../scan/scan.js";
import { connect } from "./connect.js";
import { pair } from "./pair.js";

// The facade over AirPlay on current Apple TVs: pairing, MRP through the tunnel, play URL,
// and the choice between direct MRP and the tunnel.
describe("connect() with AirPlay", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function fakeDevice(
    profile: FakeProfile,
    playDuration?: number,
  ): Promise<{ fake: FakeAppleTV; device: AppleTV }> {
    const fake = await FakeAppleTV.start({
      profile,
      mdnsPort: 0,
      ...(playDuration ? { playDuration } : {}),
    });
    closers.push(() => fake.close());
    fake.mrp?.useCases.exampleVideo();
    const [device] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
    if (!device) throw new Error("the fake was not found");
    return { fake, device };
  }

  async function pairWith(device: AppleTV, protocol: Protocol): Promise<void> {
    const handler = pair(device, protocol);
    await handler.begin();
    handler.pin(1111);
    await handler.finish();
    await handler.close();
  }

  it("controls a tvOS 17 device through the tunnel once AirPlay is paired", async () => {
    const { fake, device } = await fakeDevice("tvos17");
    expect(device.getService(Protocol.MRP)).toBeUndefined();
    await pairWith(device, Protocol.AirPlay);
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    // RAOP too: it needs nothing to connect (each stream makes its own connection).
    expect(atv.protocols).toEqual([Protocol.MRP, Protocol.AirPlay, Protocol.RAOP]);
    expect((await atv.metadata.playing()).title).toBe("dummy");
    await atv.remoteControl.next();
    expect(fake.mrp?.state.commands.map((c) => c.name)).toEqual(["next"]);
    expect([...(fake.airplay?.connections ?? [])].some((c) => c.dataChannel)).toBe(true);
  });

  it("offers AirPlay alone without a pairing, and says MRP commands are not supported", async () => {
    const { device } = await fakeDevice("tvos17");
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    expect(atv.protocols).toEqual([Protocol.AirPlay, Protocol.RAOP]);
    await expect(atv.remoteControl.next()).rejects.toThrow(/not supported/);
  });

  it("uses a working direct MRP service rather than the tunnel", async () => {
    const { fake, device } = await fakeDevice("tvos14");
    await pairWith(device, Protocol.MRP);
    await pairWith(device, Protocol.AirPlay);
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    expect(atv.protocols).toContain(Protocol.MRP);
    await atv.remoteControl.next();
    expect(fake.mrp?.state.commands.map((c) => c.name)).toEqual(["next"]);
    expect([...(fake.airplay?.connections ?? [])].some((c) => c.dataChannel)).toBe(false);
  });

  it("falls back to the tunnel when direct MRP fails", async () => {
    const { fake, device } = await fakeDevice("tvos14");
    await pairWith(device, Protocol.AirPlay);
    // Credentials the MRP service does not know: its pair-verify fails.
    const mrp = device.getService(Protocol.MRP);
    if (mrp) mrp.credentials = device.getService(Protocol.AirPlay)?.credentials;
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    expect(atv.protocols).toContain(Protocol.MRP);
    await atv.remoteControl.next();
    expect(fake.mrp?.state.commands.map((c) => c.name)).toEqual(["next"]);
    expect([...(fake.airplay?.connections ?? [])].some((c) => c.dataChannel)).toBe(true);
  });

  it("opens no tunnel when mrpTunnel is disable", async () => {
    const { device } = await fakeDevice("tvos17");
    await pairWith(device, Protocol.AirPlay);
    const atv = await connect(device, { timeout: 5000, mrpTunnel: MrpTunnel.Disable });
    closers.push(() => atv.close());
    expect(atv.protocols).toEqual([Protocol.AirPlay, Protocol.RAOP]);
  });

  it("plays a local file; pause, play and stop go to AirPlay while it plays", async () => {
    const { fake, device } = await fakeDevice("tvos17", 30);
    await pairWith(device, Protocol.AirPlay);
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    const dir = await mkdtemp(join(tmpdir(), "atv-play-"));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "clip.mp4");
    await writeFile(file, Buffer.alloc(4096, 3));
    const fetched = new Promise<number>((resolve) => {
      fake.onEvent((event) => {
        if (event.kind === "play_fetched") resolve(event.bytes);
      });
    });
    const playing = atv.stream.playUrl(file);
    expect(await fetched).toBe(4096);
    const rates: number[] = [];
    fake.airplay?.onEvent((event) => {
      if (event.kind === "playback" && event.type === "rate") rates.push(event.rate);
    });
    await atv.remoteControl.pause();
    await atv.remoteControl.play();
    expect(rates).toEqual([0, 1]);
    await atv.remoteControl.stop();
    await playing;
    // The MRP device never heard of it: AirPlay took the stop.
    expect(fake.mrp?.state.commands).toEqual([]);
    expect(fake.airplay?.playback?.status).not.toBe("playing");
  });

  it("plays a URL on an Apple TV 3: AirPlay 1, whose answers are XML plists", async () => {
    const { fake, device } = await fakeDevice("atv3", 1);
    const atv = await connect(device, { timeout: 5000 });
    closers.push(() => atv.close());
    // DMAP too: the scan found the device's Home Sharing id, which logs in without pairing.
    expect([...atv.protocols].sort()).toEqual(
      [Protocol.DMAP, Protocol.AirPlay, Protocol.RAOP].sort(),
    );
    const plays: string[] = [];
    fake.onEvent((event) => {
      if (event.kind === "play_url") plays.push(event.url);
    });
    const server = createServer((_request, response) => response.end("media"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/clip.mp4`;
    await atv.stream.playUrl(url);
    expect(plays).toEqual([url]);
    expect(fake.airplay?.playback?.lastPlay?.version).toBe(AirPlayMajorVersion.AirPlayV1);
  });
});
