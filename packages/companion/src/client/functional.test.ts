// The client against the fake device (../fake/device.ts) over loopback TCP.

import { PairingError, PlainProperties, Protocol, Service } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { FakeCompanionDevice } from "../fake/device.js";
import { connectCompanion } from "./client.js";
import { CompanionConnection } from "./connection.js";
import { CompanionPairingHandler } from "./pairing-handler.js";

let device: FakeCompanionDevice | undefined;

afterEach(async () => {
  await device?.close();
  device = undefined;
});

function pairing(fake: FakeCompanionDevice) {
  const service = new Service({
    identifier: "FAKE",
    protocol: Protocol.Companion,
    port: fake.port,
    properties: new PlainProperties(),
  });
  const handler = new CompanionPairingHandler({
    service,
    name: "Functional test",
    connect: (opts) => CompanionConnection.connect("127.0.0.1", fake.port, opts),
  });
  return { service, handler };
}

describe("against FakeCompanionDevice", () => {
  it("pairs, connects, lists and launches apps", async () => {
    const fake = await FakeCompanionDevice.start({ identifier: "FAKE-COMPANION", pin: "2468" });
    device = fake;
    const { service, handler } = pairing(fake);
    await handler.begin();
    handler.pin(2468);
    await handler.finish();
    await handler.close();
    expect(handler.hasPaired).toBe(true);

    const client = await connectCompanion({
      host: "127.0.0.1",
      port: fake.port,
      credentials: service.credentials ?? "",
    });
    const apps = await client.appList();
    expect(apps).toContainEqual({ name: "Music", identifier: "com.apple.TVMusic" });
    await client.launchApp("com.apple.TVMusic");
    await client.launchApp("https://example.com");
    expect(fake.state.launched).toContain("com.apple.TVMusic");
    expect(fake.state.openedUrls).toContain("https://example.com");
    await client.close();
  });

  it("refuses a wrong PIN with a PairingError", async () => {
    const fake = await FakeCompanionDevice.start({ identifier: "FAKE-COMPANION", pin: "2468" });
    device = fake;
    const { handler } = pairing(fake);
    await handler.begin();
    handler.pin(1111);
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
    await handler.close();
  });
});
