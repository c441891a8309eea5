// The client against FakeDmapDevice on loopback: login, metadata, push updates, commands.

import {
  AppleTV,
  AuthenticationError,
  ConnectionFailedError,
  type DeviceListener,
  DeviceState,
  FeatureName,
  FeatureState,
  InvalidCredentialsError,
  MediaType,
  NotSupportedError,
  OperationTimeoutError,
  type Playing,
  Protocol,
  RepeatState,
  Service,
  ShuffleState,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { tinyPng } from "../fake/artwork.js";
import { FakeDmapDevice, type FakeDmapDeviceOptions } from "../fake/device.js";
import type { FakeDmapItem } from "../fake/player.js";
import { dmapPlugin } from "../plugin.js";
import { connectDmap, type DmapClient } from "./client.js";
import { DMAP_HEADERS } from "./daap-requester.js";
import { DmapHttpClient } from "./http-client.js";
import { TestServer } from "./test-server.js";

const GUID = "0x4D797FD3B0BA4C1E";
const HSGID = "00000000-1111-2222-3333-444444444444";
const SONGS: FakeDmapItem[] = [
  {
    title: "Prélude",
    artist: "Debussy",
    album: "Suite",
    genre: "Classical",
    totalTime: 290,
    mediaKind: 2,
    artwork: tinyPng(),
  },
  { title: "Clair de lune", totalTime: 305, mediaKind: 3 },
];

class Listener implements DeviceListener {
  closed = 0;
  lost: Error[] = [];
  connectionLost(error: Error): void {
    this.lost.push(error);
  }
  connectionClosed(): void {
    this.closed++;
  }
}

let device: FakeDmapDevice | undefined;
let client: DmapClient | undefined;

afterEach(async () => {
  await client?.close();
  await device?.close();
  client = undefined;
  device = undefined;
});

async function start(options: FakeDmapDeviceOptions = {}): Promise<FakeDmapDevice> {
  device = await FakeDmapDevice.start({
    pairingGuids: [GUID],
    homeSharingId: HSGID,
    items: SONGS,
    static: true,
    ...options,
  });
  return device;
}

async function connect(credentials = GUID, listener?: DeviceListener): Promise<DmapClient> {
  if (!device) throw new Error("no device");
  client = await connectDmap({
    host: "127.0.0.1",
    port: device.port,
    credentials,
    pushRetryDelay: 1,
    ...(listener ? { listener } : {}),
  });
  return client;
}

describe("DMAP client against the fake device", () => {
  it("logs in with a pairing GUID or a Home Sharing id and reads what plays", async () => {
    await start();
    const byGuid = await connect(GUID);
    const playing = await byGuid.metadata.playing();
    expect(playing.title).toBe("Prélude");
    expect(playing.artist).toBe("Debussy");
    expect(playing.mediaType).toBe(MediaType.Music);
    expect(playing.deviceState).toBe(DeviceState.Paused);
    expect(playing.totalTime).toBe(290);
    await byGuid.close();
    const byHsgid = await connect(HSGID);
    expect((await byHsgid.metadata.playing()).title).toBe("Prélude");
  });

  it("refuses credentials the device does not know with AuthenticationError", async () => {
    await start();
    await expect(connect("0x0000000000000002")).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("fails with ConnectionFailedError when the device is gone", async () => {
    const gone = await start();
    const port = gone.port;
    await gone.close();
    device = undefined;
    await expect(
      connectDmap({ host: "127.0.0.1", port, credentials: GUID }),
    ).rejects.toBeInstanceOf(ConnectionFailedError);
  });

  it("gives up with OperationTimeoutError when login takes too long, or on abort", async () => {
    const silent = await TestServer.start(() => ({ hang: true }));
    try {
      const options = { host: "127.0.0.1", port: silent.port, credentials: GUID };
      await expect(connectDmap({ ...options, timeout: 50 })).rejects.toBeInstanceOf(
        OperationTimeoutError,
      );
      const controller = new AbortController();
      const pending = connectDmap({ ...options, signal: controller.signal });
      const reason = new Error("user gave up");
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    } finally {
      await silent.close();
    }
  });

  it("refuses credentials of neither form with InvalidCredentialsError", async () => {
    await start();
    await expect(connect("hello")).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it("controls playback and reads the changes back", async () => {
    await start();
    const atv = await connect();
    await atv.remoteControl.play();
    expect((await atv.metadata.playing()).deviceState).toBe(DeviceState.Playing);
    await atv.remoteControl.next();
    const next = await atv.metadata.playing();
    expect(next.title).toBe("Clair de lune");
    expect(next.mediaType).toBe(MediaType.Video);
    await atv.remoteControl.setPosition(100);
    await atv.remoteControl.setShuffle(ShuffleState.Songs);
    await atv.remoteControl.setRepeat(RepeatState.Track);
    const after = await atv.metadata.playing();
    expect(after.position).toBe(100);
    expect(after.shuffle).toBe(ShuffleState.Songs);
    expect(after.repeat).toBe(RepeatState.Track);
  });

  it("sends keys and swipes the device understands", async () => {
    const fake = await start();
    const atv = await connect();
    await atv.remoteControl.select();
    await atv.remoteControl.menu();
    await atv.remoteControl.topMenu();
    await atv.remoteControl.up();
    await atv.remoteControl.left();
    const buttons = fake.state.events.flatMap((e) => (e.kind === "button" ? [e.name] : []));
    expect(buttons).toEqual(["select", "menu", "top_menu", "up", "left"]);
  });

  it("fetches artwork, and none for an item without", async () => {
    await start();
    const atv = await connect();
    const art = await atv.metadata.artwork();
    expect(art?.mimetype).toBe("image/png");
    expect(Buffer.from(art?.bytes ?? []).equals(Buffer.from(tinyPng()))).toBe(true);
    await atv.remoteControl.next();
    expect(await atv.metadata.artwork()).toBeUndefined();
  });

  it("reports volume buttons by the device's volume control", async () => {
    await start({ volumeControl: true });
    const atv = await connect();
    expect(atv.features.getFeature(FeatureName.VolumeUp).state).toBe(FeatureState.Available);
    await atv.audio.volumeUp();
  });

  it("pushes changes made by commands", async () => {
    await start();
    const atv = await connect();
    const seen: Playing[] = [];
    for await (const playing of atv.pushUpdater.updates()) {
      seen.push(playing);
      if (seen.length === 1) await atv.remoteControl.play();
      else break;
    }
    expect(seen.map((p) => p.deviceState)).toEqual([DeviceState.Paused, DeviceState.Playing]);
  });

  it("logs in again when the device ended the session", async () => {
    const fake = await start();
    const atv = await connect();
    fake.logoutAll();
    await atv.remoteControl.play();
    expect((await atv.metadata.playing()).deviceState).toBe(DeviceState.Playing);
    expect(fake.state.events.filter((e) => e.kind === "login")).toHaveLength(2);
  });

  it("logs out on close, and the listener hears it once", async () => {
    const fake = await start();
    const listener = new Listener();
    const atv = await connect(GUID, listener);
    const session = atv.requester.sessionId;
    expect(session).not.toBe(0);
    await atv.close();
    await atv.close();
    expect(listener.closed).toBe(1);
    expect(listener.lost).toHaveLength(0);
    // The device ended the session: a request with its id is refused.
    const http = new DmapHttpClient({ host: "127.0.0.1", port: fake.port });
    const answer = await http.request({
      method: "GET",
      path: `ctrl-int/1/playstatusupdate?session-id=${session}&revision-number=0`,
      headers: DMAP_HEADERS,
      timeout: 5000,
    });
    http.close();
    expect(answer.status).toBe(403);
  });

  it("tells the listener once when polling finds the device gone", async () => {
    const fake = await start();
    const listener = new Listener();
    const atv = await connect(GUID, listener);
    atv.pushUpdater.listener = { playstatusUpdate: () => {}, playstatusError: () => {} };
    atv.pushUpdater.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fake.close();
    device = undefined;
    while (listener.lost.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(listener.lost).toHaveLength(1);
    expect(atv.pushUpdater.active).toBe(false);
    await atv.close();
    expect(listener.closed).toBe(0);
  });
});

describe("dmapPlugin", () => {
  const conf = (port: number, credentials?: string) => {
    const service = new Service({
      protocol: Protocol.DMAP,
      port,
      identifier: "dmapid",
      ...(credentials ? { credentials } : {}),
    });
    const atv = new AppleTV({ address: "127.0.0.1", name: "ATV" });
    atv.addService(service);
    return { device: atv, service };
  };

  it("gives no session without credentials", async () => {
    const { device: atv, service } = conf(1);
    expect(await dmapPlugin.connect?.(atv, service)).toEqual([]);
  });

  it("gives a DMAP session with metadata, controls, audio, push updates and features", async () => {
    const fake = await start();
    const { device: atv, service } = conf(fake.port, GUID);
    const listener = new Listener();
    const session = (await dmapPlugin.connect?.(atv, service, { listener })) as Exclude<
      Awaited<ReturnType<NonNullable<typeof dmapPlugin.connect>>>,
      readonly unknown[]
    >;
    expect(session.protocol).toBe(Protocol.DMAP);
    expect(session.metadata?.deviceId).toBe(atv.identifier);
    expect((await session.metadata?.playing?.())?.title).toBe("Prélude");
    expect(session.remoteControl?.home).toBeUndefined();
    expect(session.features?.getFeature(FeatureName.Home).state).toBe(FeatureState.Unsupported);
    // An Apple TV 3 has no volume control: no level to read or set.
    expect(() => session.audio?.volume).toThrow(NotSupportedError);
    expect(session.features?.getFeature(FeatureName.SetVolume).state).toBe(
      FeatureState.Unavailable,
    );
    expect(session.pushUpdater).toBeDefined();
    await session.close();
    expect(listener.closed).toBe(1);
  });

  it("reads and sets the volume of a device with volume control", async () => {
    const fake = await start({ volumeControl: true });
    fake.state.setVolume(30);
    const { device: atv, service } = conf(fake.port, GUID);
    const session = (await dmapPlugin.connect?.(atv, service)) as Exclude<
      Awaited<ReturnType<NonNullable<typeof dmapPlugin.connect>>>,
      readonly unknown[]
    >;
    expect(session.audio?.volume).toBe(30);
    expect(session.features?.getFeature(FeatureName.SetVolume).state).toBe(FeatureState.Available);
    await session.audio?.setVolume?.(75);
    expect(fake.state.volume).toBe(75);
    expect(session.audio?.volume).toBe(75);
    await session.close();
  });
});
