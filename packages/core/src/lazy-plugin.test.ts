import { companionScanPlugin } from "@atv/companion/scan";
import {
  type AbortOptions,
  type AppleTV,
  NotSupportedError,
  type PairingHandler,
  Protocol,
  type ProtocolPlugin,
  type ProtocolScanPlugin,
  type ProtocolSession,
  protocolStr,
  type Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { lazyPlugin } from "./lazy-plugin.js";
import { BUILT_IN_PROTOCOLS } from "./protocols.js";
import { device } from "./storage/test-helpers.js";

const scanPart: ProtocolScanPlugin = companionScanPlugin;

/** What the real handler saw, to check that the deferred one passes everything on. */
class RecordingHandler implements PairingHandler {
  readonly calls: string[] = [];
  hasPaired = false;
  readonly deviceProvidesPin: boolean;

  constructor(
    readonly service: Service,
    deviceProvidesPin = true,
  ) {
    this.deviceProvidesPin = deviceProvidesPin;
  }

  async begin(_opts?: AbortOptions): Promise<void> {
    this.calls.push("begin");
  }

  pin(code: number | string): void {
    this.calls.push(`pin ${code}`);
  }

  async finish(_opts?: AbortOptions): Promise<void> {
    this.calls.push("finish");
    this.hasPaired = true;
  }

  async close(_opts?: AbortOptions): Promise<void> {
    this.calls.push("close");
  }
}

/** A lazy plugin over a loader that counts its calls and yields `plugin`. */
function counted(plugin: () => ProtocolPlugin, options = {}) {
  let loads = 0;
  const lazy = lazyPlugin(
    scanPart,
    async () => {
      loads += 1;
      return plugin();
    },
    options,
  );
  return { lazy, loads: () => loads };
}

function tv(credentials?: string): { config: AppleTV; service: Service } {
  const config = device("Living Room", [Protocol.Companion, "id", credentials]);
  const service = config.getService(Protocol.Companion);
  if (!service) throw new Error("no service");
  return { config, service };
}

describe("lazyPlugin", () => {
  it("has the scan part at once and loads nothing for it", () => {
    const { lazy, loads } = counted(() => ({ ...scanPart }));
    expect(lazy.protocol).toBe(Protocol.Companion);
    expect(lazy.serviceTypes).toBe(scanPart.serviceTypes);
    expect(lazy.deviceInfo).toBe(scanPart.deviceInfo);
    expect(lazy.serviceInfo).toBe(scanPart.serviceInfo);
    expect(loads()).toBe(0);
  });

  it("loads the client on the first connect, once, and passes the call on", async () => {
    const seen: unknown[] = [];
    const session: ProtocolSession = { protocol: Protocol.Companion, close: async () => {} };
    const { lazy, loads } = counted(() => ({
      ...scanPart,
      async connect(config, service, options) {
        seen.push([config.name, service.credentials, options?.timeout]);
        return session;
      },
    }));
    const { config, service } = tv("creds");
    expect(await lazy.connect?.(config, service, { timeout: 5 })).toBe(session);
    expect(await lazy.connect?.(config, service, { timeout: 6 })).toBe(session);
    expect(loads()).toBe(1);
    expect(seen).toEqual([
      ["Living Room", "creds", 5],
      ["Living Room", "creds", 6],
    ]);
  });

  it("connects to nothing, loading nothing, without credentials when the protocol needs them", async () => {
    const { lazy, loads } = counted(() => ({ ...scanPart }), { connectsOnlyWithCredentials: true });
    const { config, service } = tv();
    expect(await lazy.connect?.(config, service)).toEqual([]);
    expect(loads()).toBe(0);
  });

  it("rejects connect with the loader's error", async () => {
    const lazy = lazyPlugin(scanPart, async () => {
      throw new Error("no such package");
    });
    const { config, service } = tv("creds");
    await expect(lazy.connect?.(config, service)).rejects.toThrow("no such package");
  });

  it("gives a pairing handler at once that hands everything to the real one", async () => {
    let real: RecordingHandler | undefined;
    const { lazy, loads } = counted(() => ({
      ...scanPart,
      pair(_config, service) {
        real = new RecordingHandler(service, false);
        return real;
      },
    }));
    const { config, service } = tv();
    const handler = lazy.pair?.(config, service);
    if (!handler) throw new Error("no pair()");
    // Before the real handler exists: the declared default, nothing paired yet.
    expect(handler.service).toBe(service);
    expect(handler.deviceProvidesPin).toBe(true);
    expect(handler.hasPaired).toBe(false);
    handler.pin(1234);
    await handler.begin();
    // Now the real handler answers.
    expect(handler.deviceProvidesPin).toBe(false);
    handler.pin("0042");
    await handler.finish();
    expect(handler.hasPaired).toBe(true);
    await handler.close();
    expect(real?.calls).toEqual(["pin 1234", "begin", "pin 0042", "finish", "close"]);
    expect(loads()).toBe(1);
  });

  it("rejects begin and finish when the client cannot load, and closes quietly", async () => {
    const lazy = lazyPlugin(scanPart, async () => {
      throw new Error("no such package");
    });
    const { config, service } = tv();
    const handler = lazy.pair?.(config, service);
    await expect(handler?.begin()).rejects.toThrow("no such package");
    await expect(handler?.finish()).rejects.toThrow("no such package");
    await expect(handler?.close()).resolves.toBeUndefined();
    expect(handler?.hasPaired).toBe(false);
  });

  it("reports a loaded plugin that cannot pair as NotSupportedError", async () => {
    const lazy = lazyPlugin(scanPart, async () => ({ ...scanPart }));
    const { config, service } = tv();
    await expect(lazy.pair?.(config, service).begin()).rejects.toBeInstanceOf(NotSupportedError);
  });

  it("honours an aborted signal before waiting for the client", async () => {
    const { lazy } = counted(() => ({
      ...scanPart,
      pair: (_config, service) => new RecordingHandler(service),
    }));
    const { config, service } = tv();
    const handler = lazy.pair?.(config, service);
    const aborted = AbortSignal.abort(new Error("stopped"));
    await expect(handler?.begin({ signal: aborted })).rejects.toThrow("stopped");
  });
});

describe("BUILT_IN_PROTOCOLS", () => {
  // The real plugins, through their lazy stand-ins: pairing handlers state what the real
  // ones do (DMAP's remote shows the PIN; the others' devices do).
  it.each(BUILT_IN_PROTOCOLS.map((plugin) => [protocolStr(plugin.protocol), plugin] as const))(
    "%s pairs with the real handler's PIN direction",
    async (_name, plugin) => {
      const config = device("Living Room", [plugin.protocol, "id"]);
      const service = config.getService(plugin.protocol);
      if (!service || !plugin.pair) throw new Error("no pairing");
      const handler = plugin.pair(config, service, { pairingGuid: "0x0000000000000001" });
      const before = handler.deviceProvidesPin;
      // close() waits for the real handler, which then answers itself.
      await handler.close();
      expect(handler.deviceProvidesPin).toBe(before);
      expect(before).toBe(plugin.protocol !== Protocol.DMAP);
    },
  );
});
