import { parseCredentials } from "@atv/hap";
import {
  AuthenticationError,
  ConnectionLostError,
  DeviceState,
  InvalidCredentialsError,
  PairingError,
  PlainProperties,
  Protocol,
  Service,
} from "@atv/interface";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { afterEach, describe, expect, it } from "vitest";
import { AirPlayPairingHandler } from "../auth/pairing-handler.js";
import { FakeAirPlayDevice } from "../fake/device.js";
import { HttpConnection } from "../http/connection.js";
import { connectMrpTunnel, type MrpTunnelClient } from "./mrp-tunnel.js";

// tvOS 15+'s way: no MRP port, MRP through AirPlay 2. A fake AirPlay receiver bridged to
// a fake MRP device, and the whole MRP client over the tunnel.
describe("MRP through the AirPlay 2 tunnel", () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function device(): Promise<{ mrp: FakeMrpDevice; airplay: FakeAirPlayDevice }> {
    const mrp = await FakeMrpDevice.start({ name: "Bedroom", uniqueIdentifier: "mrp-id" });
    closers.push(() => mrp.close());
    const airplay = await FakeAirPlayDevice.start({ mrp, pin: "1234" });
    closers.push(() => airplay.close());
    mrp.useCases.exampleVideo();
    return { mrp, airplay };
  }

  async function pair(port: number, pin: number): Promise<string> {
    const service = new Service({
      protocol: Protocol.AirPlay,
      port,
      properties: new PlainProperties({
        features: "0x4A7FDFD5,0xBC177FDE",
        model: "AppleTV11,1",
        osvers: "17.4",
      }),
    });
    const handler = new AirPlayPairingHandler({
      service,
      connect: (opts) => HttpConnection.connect("127.0.0.1", port, opts),
    });
    await handler.begin();
    handler.pin(pin);
    try {
      await handler.finish();
    } finally {
      await handler.close();
    }
    return service.credentials as string;
  }

  async function tunnel(port: number, credentials: string): Promise<MrpTunnelClient> {
    const client = await connectMrpTunnel({
      host: "127.0.0.1",
      port,
      credentials: parseCredentials(credentials),
      timeout: 3000,
    });
    closers.push(() => client.close());
    return client;
  }

  it("pairs with the PIN, then controls and watches MRP through the tunnel", async () => {
    const { mrp, airplay } = await device();
    const activity: string[] = [];
    airplay.onEvent((event) => {
      if (event.kind === "session")
        activity.push(event.event === "setup" ? `setup:${event.channel}` : event.event);
    });
    const credentials = await pair(airplay.port, 1234);
    expect(credentials.split(":")).toHaveLength(4);

    const client = await tunnel(airplay.port, credentials);
    expect(activity).toEqual(["verified", "setup:event", "record", "setup:data"]);
    const playing = await client.metadata.playing();
    expect(playing.title).toBe("dummy");
    expect(playing.deviceState).toBe(DeviceState.Paused);
    await client.remoteControl.play();
    expect(mrp.state.commands.map((c) => c.name)).toEqual(["play"]);

    // A change on the device reaches us through the tunnel.
    const next = client.pushUpdater.updates();
    const iterator = next[Symbol.asyncIterator]();
    await iterator.next();
    mrp.useCases.exampleMusic();
    const update = await iterator.next();
    expect(update.value?.title).toBe("music");
    await iterator.return?.();

    // The event channel's request was answered 200.
    const connection = [...airplay.connections][0];
    expect(connection?.eventChannel?.answers).toEqual([200]);
  });

  it("refuses a wrong PIN with a PairingError", async () => {
    const { airplay } = await device();
    await expect(pair(airplay.port, 9999)).rejects.toBeInstanceOf(PairingError);
  });

  it("is refused the tunnel with credentials the device does not know", async () => {
    const { airplay } = await device();
    const other = await FakeAirPlayDevice.start({ pin: "1111" });
    closers.push(() => other.close());
    const foreign = await pair(other.port, 1111);
    await expect(tunnel(airplay.port, foreign)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("reports a device that closes the data stream as a lost connection", async () => {
    const { airplay } = await device();
    const credentials = await pair(airplay.port, 1234);
    const client = await tunnel(airplay.port, credentials);
    const lost = new Promise<Error>((resolve) => client.session.onLost(resolve));
    [...airplay.connections][0]?.dataChannel?.close();
    await expect(client.remoteControl.play()).rejects.toBeInstanceOf(ConnectionLostError);
    void lost;
  });

  it("answers 470 to SETUP without a verify: InvalidCredentialsError", async () => {
    const { airplay } = await device();
    const connection = await HttpConnection.connect("127.0.0.1", airplay.port);
    closers.push(() => connection.close());
    await expect(
      connection.exchange({ method: "SETUP", uri: "rtsp://127.0.0.1/1", protocol: "RTSP/1.0" }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });
});
