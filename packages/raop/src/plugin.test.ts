import { createHash } from "node:crypto";
import {
  AppleTV,
  DeviceState,
  FeatureName,
  FeatureState,
  type Playing,
  Protocol,
  type ProtocolSession,
  Service,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { encodeWav } from "./audio/index.js";
import { patternPcm } from "./client/test-source.js";
import { FakeRaopReceiver } from "./fake/index.js";
import { raopPlugin } from "./plugin.js";

let fake: FakeRaopReceiver | undefined;
let session: ProtocolSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = undefined;
  fake = undefined;
});

async function connect(): Promise<ProtocolSession> {
  fake = await FakeRaopReceiver.start();
  const device = new AppleTV({ address: "127.0.0.1", name: "Speaker" });
  const service = new Service({
    protocol: Protocol.RAOP,
    port: fake.port,
    properties: { md: "0,1,2", et: "0", ft: "0x0" },
  });
  const result = await raopPlugin.connect?.(device, service, {});
  session = result as ProtocolSession;
  return session;
}

describe("raopPlugin", () => {
  it("streams a WAV given as bytes, and reports it while it plays", async () => {
    const session = await connect();
    expect(session.protocol).toBe(Protocol.RAOP);
    const features = session.features!;
    expect(features.getFeature(FeatureName.StreamFile).state).toBe(FeatureState.Available);
    expect(features.getFeature(FeatureName.Pause).state).toBe(FeatureState.Unavailable);

    const updates: Playing[] = [];
    const controller = new AbortController();
    const collecting = (async () => {
      for await (const playing of session.pushUpdater!.updates({ signal: controller.signal })) {
        updates.push(playing);
      }
    })();

    const pcm = patternPcm(44100);
    const started = new Promise<void>((resolve) =>
      fake?.onEvent((event) => event.kind === "stream_start" && resolve()),
    );
    const streaming = session.stream!.streamFile!(encodeWav(pcm), {
      metadata: { title: "Beep", artist: "Test" },
    });
    await Promise.race([started, streaming]);
    const playing = await session.metadata!.playing!();
    expect(playing).toMatchObject({ title: "Beep", artist: "Test", totalTime: 1 });
    expect(playing.deviceState).toBe(DeviceState.Playing);
    expect(features.getFeature(FeatureName.Stop).state).toBe(FeatureState.Available);
    expect(session.takesOver?.()).toBe(true);
    await session.audio!.setVolume!(50);
    expect(session.audio!.volume).toBe(50);
    await streaming;

    await fake!.waitForStreams(1);
    const padding = (352 - (44100 % 352)) % 352;
    const expected = Buffer.concat([pcm, Buffer.alloc(padding * 4)]);
    expect(fake!.streams[0]?.sha256).toBe(createHash("sha256").update(expected).digest("hex"));
    expect((await session.metadata!.playing!()).deviceState).toBe(DeviceState.Idle);

    controller.abort();
    await collecting;
    expect(updates.map((u) => u.deviceState)).toEqual([
      DeviceState.Idle,
      DeviceState.Playing,
      DeviceState.Idle,
    ]);
  });

  it("stops the stream with remoteControl.stop", async () => {
    const session = await connect();
    const started = new Promise<void>((resolve) =>
      fake?.onEvent((event) => event.kind === "stream_start" && resolve()),
    );
    const streaming = session.stream!.streamFile!(encodeWav(patternPcm(44100 * 30)));
    await Promise.race([started, streaming]);
    await session.remoteControl!.stop!();
    await streaming;
    await fake!.waitForStreams(1);
    expect(fake!.streams[0]?.frames).toBeLessThan(44100 * 30);
  });
});
