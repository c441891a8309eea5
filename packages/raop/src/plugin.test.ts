import { createHash } from "node:crypto";
import { AirPlayPairingServer } from "@atv/airplay/fake";
import { CredentialsType, parseCredentials } from "@atv/hap";
import {
  AppleTV,
  DeviceState,
  FeatureName,
  FeatureState,
  PairingError,
  type Playing,
  Protocol,
  type ProtocolSession,
  Service,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { encodeWav } from "./audio/index.js";
import { TestReceiver } from "./client/test-receiver.js";
import { memorySource, patternPcm } from "./client/test-source.js";
import { FakeRaopReceiver } from "./fake/index.js";
import { raopPlugin } from "./plugin.js";
import { FRAMES_PER_PACKET, openAudioPacketV2 } from "./wire/index.js";

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

describe("raopPlugin.pair", () => {
  let receiver: TestReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  /** A receiver that pairs with PIN 1234, and the RAOP service it is found as. */
  async function pairingReceiver(properties: Record<string, string>) {
    const pairing = new AirPlayPairingServer({
      identifier: "AA:BB:CC:DD:EE:FF",
      seed: new Uint8Array(32).fill(9),
      pin: 1234,
    });
    receiver = await TestReceiver.start(undefined, { pairing });
    const device = new AppleTV({ address: "127.0.0.1", name: "Speaker" });
    const service = new Service({ protocol: Protocol.RAOP, port: receiver.port, properties });
    return { receiver, device, service, pairing };
  }

  async function pairWith(properties: Record<string, string>) {
    const { receiver, device, service, pairing } = await pairingReceiver(properties);
    const handler = raopPlugin.pair!(device, service, { name: "Kitchen" });
    expect(handler.deviceProvidesPin).toBe(true);
    await handler.begin();
    handler.pin(1234);
    await handler.finish();
    expect(handler.hasPaired).toBe(true);
    await handler.close();
    return { receiver, device, service, pairing };
  }

  it("pairs an AirPlay 2 receiver with HAP on the RAOP port; the credentials stream v2", async () => {
    const { receiver, device, service, pairing } = await pairWith({ ft: "0x0,0x40", md: "0" });
    // On the RAOP service's own port: the requests reached this receiver.
    expect(receiver.requests.map((r) => r.uri)).toEqual([
      "/pair-pin-start",
      "/pair-setup",
      "/pair-setup",
      "/pair-setup",
    ]);
    expect(receiver.requests[1]!.headers["x-apple-hkp"]).toBe("3");
    const credentials = parseCredentials(service.credentials ?? "");
    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(credentials.ltpk).toEqual(pairing.publicKey);

    // Bit 38 alone and no transient pairing: only these credentials make streams AirPlay 2.
    const before = receiver.requests.length;
    session = (await raopPlugin.connect?.(device, service, {})) as ProtocolSession;
    const pcm = patternPcm(FRAMES_PER_PACKET * 3);
    await session.stream!.streamFile!(memorySource(pcm) as never);
    const uris = receiver.requests.slice(before).map((r) => r.uri);
    expect(uris.slice(0, 3)).toEqual(["/info", "/pair-verify", "/pair-verify"]);
    expect(receiver.setups).toHaveLength(2);
    await receiver.waitFor(() => receiver.audio.length >= 3);
    const opened = receiver.audio.map((bytes) => openAudioPacketV2(receiver.audioKey!, bytes));
    expect(opened.map((p) => p.counter)).toEqual([0n, 1n, 2n]);
  });

  it("pairs an AirPlay 1 receiver with the legacy scheme", async () => {
    const { receiver, service } = await pairWith({ ft: "0x5A7FFFF7,0xE" });
    expect(receiver.requests.map((r) => r.uri)).toContain("/pair-setup-pin");
    expect(parseCredentials(service.credentials ?? "").type).toBe(CredentialsType.Legacy);
  });

  it("fails with a wrong PIN and stores nothing", async () => {
    const { device, service } = await pairingReceiver({ ft: "0x0,0x40" });
    const handler = raopPlugin.pair!(device, service);
    await handler.begin();
    handler.pin(1235);
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
    expect(handler.hasPaired).toBe(false);
    expect(service.credentials).toBeUndefined();
    await handler.close();
  });
});
