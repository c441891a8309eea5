import { ConnectionLostError, DeviceState } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { type MrpClient, startMrpClient } from "./client.js";
import { MrpConnection } from "./connection.js";
import { FakeMrpDevice } from "./fake/device.js";
import { memoryTransportPair } from "./testing/memory-transport.js";

// Everything above the transport is the same whatever carries the messages: a client over
// an in-memory transport, served by the fake device's own connection logic.
describe("an MRP client over a transport other than TCP", () => {
  let device: FakeMrpDevice | undefined;
  let client: MrpClient | undefined;

  afterEach(async () => {
    await client?.close();
    await device?.close();
  });

  async function start(): Promise<{
    device: FakeMrpDevice;
    client: MrpClient;
    pair: ReturnType<typeof memoryTransportPair>;
  }> {
    device = await FakeMrpDevice.start({ name: "Tunnel", uniqueIdentifier: "tunnel-id" });
    device.useCases.exampleVideo();
    const pair = memoryTransportPair();
    device.serve(pair.device);
    client = await startMrpClient(new MrpConnection(pair.client), { heartbeat: false });
    return { device, client, pair };
  }

  it("sets the session up, reads what is playing and sends commands", async () => {
    const { device, client, pair } = await start();
    const playing = await client.metadata.playing();
    expect(playing.deviceState).toBe(DeviceState.Paused);
    expect(playing.title).toBe("dummy");
    await client.remoteControl.pause();
    expect(device.state.commands.map((c) => c.name)).toContain("pause");
    // No credentials in the tunnel: nothing asked the transport to encrypt.
    expect(pair.client.encryptionRequests).toBe(0);
  });

  it("reports the device's end of the transport to later calls and push updates", async () => {
    const { client, pair } = await start();
    const updates = client.pushUpdater.updates();
    pair.device.close();
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(
      (async () => {
        for await (const _ of updates) {
          // the current state first, then the end
        }
      })(),
    ).rejects.toBeInstanceOf(ConnectionLostError);
  });
});
