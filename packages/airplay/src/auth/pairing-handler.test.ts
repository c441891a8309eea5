import { CredentialsType, decodeTlv, parseCredentials, TlvType } from "@atv/hap";
import { PairSetupServer } from "@atv/hap/server";
import {
  AirPlayVersion,
  ConnectionFailedError,
  PairingError,
  PlainProperties,
  Protocol,
  Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { inMemoryExchange } from "../play/test-exchange.js";
import { encodeDisplayName } from "./name-item.js";
import { AirPlayPairingHandler, type PairingConnectionFactory } from "./pairing-handler.js";
import type { AirPlayPairingServer } from "./server.js";
import { connectTo, DEVICE_ID, DEVICE_SEED, newPairingServer } from "./test-fixtures.js";
import { extractCredentials, verifyConnection } from "./verify.js";

// An AirPlay 2 receiver announces CoreUtils pairing (bit 48: "0x0,0x10000"); an old one
// does not.

function airplayService(properties: Record<string, string> = {}): Service {
  return new Service({
    protocol: Protocol.AirPlay,
    port: 7000,
    properties: new PlainProperties(properties),
  });
}

/** A factory that connects to the fake and counts open connections. */
function connector(server: AirPlayPairingServer): {
  connect: PairingConnectionFactory;
  open(): number;
} {
  let open = 0;
  return {
    connect: async () => {
      open += 1;
      let closed = false;
      return {
        exchange: connectTo(server).exchange,
        close: () => {
          if (!closed) open -= 1;
          closed = true;
        },
      };
    },
    open: () => open,
  };
}

describe("AirPlayPairingHandler", () => {
  it("pairs an AirPlay 2 receiver with HAP and stores pyatv's credentials string", async () => {
    const server = newPairingServer({ pin: 1111 });
    const service = airplayService({ features: "0x0,0x10000" });
    const link = connector(server);
    const handler = new AirPlayPairingHandler({ service, connect: link.connect });
    expect(handler.deviceProvidesPin).toBe(true);
    expect(handler.usesHap).toBe(true);

    await handler.begin();
    expect(handler.hasPaired).toBe(false);
    handler.pin(1111);
    await handler.finish();
    expect(handler.hasPaired).toBe(true);
    const credentials = parseCredentials(service.credentials ?? "");
    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(credentials.ltpk).toEqual(server.publicKey);

    // What scan-and-connect would do next: the credentials verify.
    const secret = await verifyConnection(extractCredentials(service), connectTo(server).exchange);
    expect(secret).toBeDefined();
    await handler.close();
    expect(link.open()).toBe(0);
  });

  it("pairs an older receiver with the legacy scheme", async () => {
    const server = newPairingServer({ pin: 1111 });
    const service = airplayService({ features: "0x5A7FFFF7,0x1E" });
    const handler = new AirPlayPairingHandler({ service, connect: connector(server).connect });
    expect(handler.usesHap).toBe(false);
    await handler.begin();
    handler.pin("1111");
    await handler.finish();
    expect(parseCredentials(service.credentials ?? "").type).toBe(CredentialsType.Legacy);
    await expect(
      verifyConnection(extractCredentials(service), connectTo(server).exchange),
    ).resolves.toBeUndefined();
    await handler.close();
  });

  it("follows a forced AirPlay version over the features", () => {
    const v2 = new AirPlayPairingHandler({
      service: airplayService(),
      connect: connector(newPairingServer()).connect,
      airplayVersion: AirPlayVersion.V2,
    });
    const v1 = new AirPlayPairingHandler({
      service: airplayService({ features: "0x0,0x10000" }),
      connect: connector(newPairingServer()).connect,
      airplayVersion: AirPlayVersion.V1,
    });
    expect([v2.usesHap, v1.usesHap]).toEqual([true, false]);
  });

  it("pads the PIN to four digits, as pyatv does", async () => {
    for (const features of ["0x0,0x10000", "0x0"]) {
      const service = airplayService({ features });
      const handler = new AirPlayPairingHandler({
        service,
        connect: connector(newPairingServer({ pin: "0042" })).connect,
      });
      await handler.begin();
      handler.pin(42);
      await handler.finish();
      expect(handler.hasPaired).toBe(true);
    }
  });

  it("says a wrong PIN is a wrong PIN and stores nothing", async () => {
    for (const features of ["0x0,0x10000", "0x0"]) {
      const service = airplayService({ features });
      const handler = new AirPlayPairingHandler({
        service,
        connect: connector(newPairingServer({ pin: 1111 })).connect,
      });
      await handler.begin();
      handler.pin(2222);
      const failure = handler.finish();
      await expect(failure).rejects.toThrow(PairingError);
      await expect(failure).rejects.toThrow(/wrong PIN/);
      expect(handler.hasPaired).toBe(false);
      expect(service.credentials).toBeUndefined();
      // A second try needs a new begin().
      handler.pin(1111);
      await expect(handler.finish()).rejects.toThrow(PairingError);
      await handler.begin();
      await handler.finish();
      expect(handler.hasPaired).toBe(true);
      await handler.close();
    }
  });

  it("needs begin() and a PIN before finish()", async () => {
    const handler = new AirPlayPairingHandler({
      service: airplayService(),
      connect: connector(newPairingServer()).connect,
    });
    await expect(handler.finish()).rejects.toThrow(PairingError);
    await handler.begin();
    await expect(handler.finish()).rejects.toThrow(/no PIN/);
  });

  it("opens one connection at a time and closes it", async () => {
    const link = connector(newPairingServer());
    const handler = new AirPlayPairingHandler({ service: airplayService(), connect: link.connect });
    await handler.begin();
    await handler.begin();
    expect(link.open()).toBe(1);
    await handler.close();
    expect(link.open()).toBe(0);
  });

  it("passes typed connection errors on and wraps others in a PairingError", async () => {
    const failing = (error: Error): AirPlayPairingHandler =>
      new AirPlayPairingHandler({
        service: airplayService(),
        connect: async () => {
          throw error;
        },
      });
    await expect(failing(new ConnectionFailedError("refused")).begin()).rejects.toThrow(
      ConnectionFailedError,
    );
    await expect(failing(new Error("odd")).begin()).rejects.toThrow(PairingError);
  });

  it("stops when aborted", async () => {
    const link = connector(newPairingServer());
    const handler = new AirPlayPairingHandler({ service: airplayService(), connect: link.connect });
    await expect(handler.begin({ signal: AbortSignal.abort() })).rejects.toThrow();
    expect(handler.hasPaired).toBe(false);
  });

  it("gives the device pyatv's default name, or the one asked for", async () => {
    for (const name of [undefined, "Kitchen"]) {
      const device = new PairSetupServer({ identifier: DEVICE_ID, seed: DEVICE_SEED, pin: 1111 });
      const handler = new AirPlayPairingHandler({
        service: airplayService({ features: "0x0,0x10000" }),
        ...(name === undefined ? {} : { name }),
        connect: async () => ({
          exchange: inMemoryExchange(async (_method, path, _headers, body) => {
            if (path === "/pair-pin-start") return { status: 200 };
            const state = decodeTlv(body).getInteger(TlvType.State);
            const answer =
              state === 1 ? device.m2(body) : state === 3 ? device.m4(body) : device.m6(body);
            return { status: 200, body: answer };
          }).exchange,
          close: () => undefined,
        }),
      });
      await handler.begin();
      handler.pin(1111);
      await handler.finish();
      expect(device.pairedClient?.extraItems).toEqual([
        [TlvType.Name, encodeDisplayName(name ?? "pyatv")],
      ]);
    }
  });
});
