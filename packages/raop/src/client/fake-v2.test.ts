// The client against the fake receiver's AirPlay 2 side: pair with the PIN on the RAOP
// port, then stream a WAV the AirPlay 2 way; the fake must hear exactly the source.

import { CredentialsType, parseCredentials } from "@atv/hap";
import { AppleTV, Protocol, type ProtocolSession, Service } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { encodeWav } from "../audio/index.js";
import { FakeRaopReceiver } from "../fake/index.js";
import { raopPlugin } from "../plugin.js";
import { FRAMES_PER_PACKET } from "../wire/index.js";
import { patternPcm, sha256Hex } from "./test-source.js";

let fake: FakeRaopReceiver | undefined;
let session: ProtocolSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = undefined;
  fake = undefined;
});

describe("RaopClient against FakeRaopReceiver v2", () => {
  it("pairs with the PIN, then streams a WAV the AirPlay 2 way, bit for bit", async () => {
    fake = await FakeRaopReceiver.start({ version: "v2", pin: "2468" });
    const device = new AppleTV({ address: "127.0.0.1", name: "Speaker" });
    // Bit 38 only: no transient pairing, so only the paired credentials give AirPlay 2.
    const service = new Service({
      protocol: Protocol.RAOP,
      port: fake.port,
      properties: { ft: "0x0,0x40", md: "0,1,2", et: "0" },
    });
    const handler = raopPlugin.pair!(device, service);
    await handler.begin();
    handler.pin(2468);
    await handler.finish();
    await handler.close();
    expect(parseCredentials(service.credentials ?? "").type).toBe(CredentialsType.Hap);

    session = (await raopPlugin.connect?.(device, service, {})) as ProtocolSession;
    const pcm = patternPcm(FRAMES_PER_PACKET * 20);
    await session.stream!.streamFile!(encodeWav(pcm) as never);
    await fake.waitForStreams(1);
    const stream = fake.streams[0]!;
    expect(stream.version).toBe("v2");
    expect(stream.badPackets).toBe(0);
    expect(stream.unpaddedSha256).toBe(sha256Hex(pcm));
  }, 15_000);

  it("streams with transient pairing when the receiver announces it (bit 48)", async () => {
    fake = await FakeRaopReceiver.start({ version: "v2" });
    const device = new AppleTV({ address: "127.0.0.1", name: "Speaker" });
    const service = new Service({
      protocol: Protocol.RAOP,
      port: fake.port,
      properties: { ft: "0x0,0x10000", md: "0", et: "0" },
    });
    session = (await raopPlugin.connect?.(device, service, {})) as ProtocolSession;
    const pcm = patternPcm(FRAMES_PER_PACKET * 5 + 7);
    await session.stream!.streamFile!(encodeWav(pcm) as never);
    await fake.waitForStreams(1);
    const stream = fake.streams[0]!;
    expect(stream.version).toBe("v2");
    expect(stream.unpaddedSha256).toBe(sha256Hex(pcm));
  }, 15_000);
});
