import { DeviceState, FeatureName, FeatureState, NotSupportedError } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { dmapTag } from "../tags/index.js";
import { DmapAudio } from "./audio.js";
import { DmapCommands } from "./commands.js";
import { DaapRequester } from "./daap-requester.js";
import { DMAP_FEATURES, DmapFeatures } from "./features.js";
import { DmapHttpClient } from "./http-client.js";
import { DmapMetadata } from "./metadata.js";
import { type Handler, playstatusAnswer, TestServer, withLogin } from "./test-server.js";

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47);

describe("DmapMetadata, DmapFeatures and DmapAudio", () => {
  let server: TestServer | undefined;
  let http: DmapHttpClient | undefined;

  afterEach(async () => {
    http?.close();
    await server?.close();
  });

  async function setUp(other?: Handler): Promise<{ server: TestServer; commands: DmapCommands }> {
    server = await TestServer.start(withLogin(other));
    http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    return { server, commands: new DmapCommands(new DaapRequester(http, "0x0000000000000001")) };
  }

  let title = "Song";
  let artwork: { status: number; body?: Uint8Array } = { status: 200, body: PNG };
  const device: Handler = (request) => {
    if (request.path === "/ctrl-int/1/playstatusupdate") {
      return {
        body: playstatusAnswer(
          dmapTag.uint32("caps", 4),
          dmapTag.string("cann", title),
          dmapTag.uint32("cast", 10_000),
          dmapTag.bool("cavc", true),
          dmapTag.uint32("cmsr", 7),
        ),
      };
    }
    if (request.path === "/ctrl-int/1/nowplayingartwork") return artwork;
    return {};
  };

  afterEach(() => {
    title = "Song";
    artwork = { status: 200, body: PNG };
  });

  it("reads what plays, keeping the revision and the hash as artwork id", async () => {
    const { commands } = await setUp(device);
    const metadata = new DmapMetadata(commands, "ID");
    expect(metadata.deviceId).toBe("ID");
    expect(metadata.artworkId).toBeUndefined();
    const playing = await metadata.playing();
    expect(playing.deviceState).toBe(DeviceState.Playing);
    expect(playing.title).toBe("Song");
    expect(commands.revision).toBe(7);
    expect(metadata.artworkId).toBe(playing.hash);
  });

  it("fetches artwork with the size asked for (512 wide by default) and caches it by hash", async () => {
    const { server, commands } = await setUp(device);
    const metadata = new DmapMetadata(commands, undefined);
    const art = await metadata.artwork();
    expect(art).toEqual({ bytes: PNG, mimetype: "image/png", width: -1, height: -1 });
    const [request] = server.to("/ctrl-int/1/nowplayingartwork");
    expect(request?.query.get("mw")).toBe("512");
    expect(request?.query.get("mh")).toBe("0");
    expect(request?.query.get("session-id")).toBe("100");
    expect(await metadata.artwork({ width: 100, height: 50 })).toBe(art);
    expect(server.to("/ctrl-int/1/nowplayingartwork")).toHaveLength(1);

    title = "Other";
    await metadata.artwork({ width: null, height: 50 });
    const sizes = server.to("/ctrl-int/1/nowplayingartwork").map((r) => r.query.toString());
    expect(sizes[1]).toBe("mw=0&mh=50&session-id=100");
  });

  it("has no artwork when the device answers 204 or an empty body", async () => {
    const { commands } = await setUp(device);
    const metadata = new DmapMetadata(commands, undefined);
    artwork = { status: 204 };
    expect(await metadata.artwork()).toBeUndefined();
    artwork = { status: 200 };
    expect(await metadata.artwork()).toBeUndefined();
  });

  it("guesses features as pyatv: fixed sets, then fields of the last play status", async () => {
    const { commands } = await setUp(device);
    const features = new DmapFeatures(commands, new DmapAudio(commands));
    expect(features.getFeature(FeatureName.Up).state).toBe(FeatureState.Available);
    expect(features.getFeature(FeatureName.Play).state).toBe(FeatureState.Unknown);
    expect(features.getFeature(FeatureName.Title).state).toBe(FeatureState.Unavailable);
    expect(features.getFeature(FeatureName.VolumeUp).state).toBe(FeatureState.Unavailable);
    expect(features.getFeature(FeatureName.Home).state).toBe(FeatureState.Unsupported);
    expect(features.getFeature(FeatureName.SetVolume).state).toBe(FeatureState.Unavailable);

    await commands.playstatus();
    // Title follows caps, as in pyatv; Artist follows cann (the title's tag), as in pyatv.
    expect(features.getFeature(FeatureName.Title).state).toBe(FeatureState.Available);
    expect(features.getFeature(FeatureName.Artist).state).toBe(FeatureState.Available);
    expect(features.getFeature(FeatureName.Album).state).toBe(FeatureState.Unavailable);
    expect(features.getFeature(FeatureName.TotalTime).state).toBe(FeatureState.Available);
    expect(features.getFeature(FeatureName.Position).state).toBe(FeatureState.Unavailable);
    expect(features.getFeature(FeatureName.VolumeUp).state).toBe(FeatureState.Available);
    expect(features.getFeature(FeatureName.VolumeDown).state).toBe(FeatureState.Available);
    expect(DMAP_FEATURES.has(FeatureName.VolumeDown)).toBe(true);
    expect(DMAP_FEATURES.has(FeatureName.Home)).toBe(false);
  });

  it("has volume buttons unavailable when the device says it has no volume control", async () => {
    const { commands } = await setUp(() => ({
      body: playstatusAnswer(dmapTag.bool("cavc", false)),
    }));
    await commands.playstatus();
    expect(
      new DmapFeatures(commands, new DmapAudio(commands)).getFeature(FeatureName.VolumeUp).state,
    ).toBe(FeatureState.Unavailable);
  });

  it("steps the volume with ctrl-int commands", async () => {
    const { server, commands } = await setUp();
    const audio = new DmapAudio(commands);
    await audio.volumeUp();
    await audio.volumeDown();
    expect(server.to("/ctrl-int/1/volumeup")).toHaveLength(1);
    expect(server.to("/ctrl-int/1/volumedown")).toHaveLength(1);
  });

  it("reads and sets the level through dmcp.volume, where the device answers", async () => {
    let level = 40;
    const { server, commands } = await setUp((request) => {
      if (request.path === "/ctrl-int/1/getproperty") {
        return { body: dmapTag.container("cmgt", dmapTag.uint32("cmvo", level)) };
      }
      if (request.path === "/ctrl-int/1/setproperty") {
        level = Number(request.query.get("dmcp.volume"));
        return { status: 204 };
      }
      return device(request);
    });
    const audio = new DmapAudio(commands);
    const heard: Array<[number, number]> = [];
    audio.listener = {
      volumeUpdate: (from, to) => heard.push([from, to]),
      volumeDeviceUpdate: () => {},
      outputdevicesUpdate: () => {},
    };
    expect(() => audio.volume).toThrow(NotSupportedError);
    expect(await audio.refresh()).toBeUndefined();
    expect(audio.volume).toBe(40);
    await audio.setVolume(62.4);
    expect(level).toBe(62);
    expect(audio.volume).toBe(62);
    expect(heard).toEqual([[40, 62]]);
    await commands.playstatus();
    const features = new DmapFeatures(commands, audio);
    expect(features.getFeature(FeatureName.SetVolume).state).toBe(FeatureState.Available);
    expect(server.to("/ctrl-int/1/getproperty")).toHaveLength(2);
    await expect(audio.setVolume(101)).rejects.toBeInstanceOf(RangeError);
  });

  it("leaves the level unknown when the device refuses the property or answers garbage", async () => {
    let answer: { status: number; body?: Uint8Array } = { status: 400 };
    const { commands } = await setUp((request) =>
      request.path === "/ctrl-int/1/getproperty" ? answer : device(request),
    );
    const audio = new DmapAudio(commands);
    expect(await audio.refresh()).toBeInstanceOf(Error);
    expect(() => audio.volume).toThrow(NotSupportedError);
    answer = { status: 200, body: dmapTag.container("cmgt", dmapTag.uint32("cmvo", 900)) };
    expect(await audio.refresh()).toBeInstanceOf(Error);
    expect(() => audio.volume).toThrow(NotSupportedError);
  });
});
