// Test support: a client paired with and connected to a FakeCompanionDevice over loopback,
// and the clean-up that closes whatever such tests opened (client first, then device).

import { PlainProperties, Protocol, Service } from "@atv/interface";
import { FakeCompanionDevice } from "../fake/device.js";
import { type CompanionClient, type ConnectCompanionOptions, connectCompanion } from "./client.js";
import { CompanionConnection } from "./connection.js";
import { CompanionPairingHandler } from "./pairing-handler.js";

const opened: Array<() => Promise<void>> = [];

/** Closes every client and device fakeSession() opened, newest first. For afterEach. */
export async function closeFakeSessions(): Promise<void> {
  for (const close of opened.splice(0).reverse()) await close();
}

/** A fake device, a pairing with its PIN, and a client connected with the credentials. */
export async function fakeSession(
  options: Partial<Omit<ConnectCompanionOptions, "host" | "port" | "credentials">> = {},
): Promise<{ fake: FakeCompanionDevice; client: CompanionClient }> {
  const fake = await FakeCompanionDevice.start({ identifier: "FAKE-COMPANION", pin: "1234" });
  opened.push(() => fake.close());
  const service = new Service({
    identifier: "FAKE",
    protocol: Protocol.Companion,
    port: fake.port,
    properties: new PlainProperties(),
  });
  const handler = new CompanionPairingHandler({
    service,
    connect: (opts) => CompanionConnection.connect("127.0.0.1", fake.port, opts),
  });
  await handler.begin();
  handler.pin(1234);
  await handler.finish();
  await handler.close();
  const client = await connectCompanion({
    ...options,
    host: "127.0.0.1",
    port: fake.port,
    credentials: service.credentials ?? "",
  });
  opened.push(() => client.close());
  return { fake, client };
}
