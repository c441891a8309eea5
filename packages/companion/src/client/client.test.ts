import { createServer, type Server, type Socket } from "node:net";
import {
  AuthenticationError,
  CommandError,
  ConnectionFailedError,
  type DeviceListener,
  KeyboardFocusState,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { FrameType } from "../frame.js";
import type { CompanionMessage } from "../message.js";
import { type OpackValue, opackInteger } from "../opack.js";
import { connectCompanion, isUrlOrScheme } from "./client.js";
import {
  CLIENT_ID,
  knownCredentials,
  type ScriptedDevice,
  type ScriptedDeviceOptions,
  scriptedDevice,
} from "./test-peer.js";

const APPS = { "com.apple.TVMusic": "Music", "com.example.app": "Example" };

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A scripted device on loopback; resolves with its port and the devices it serves. */
async function listen(options: ScriptedDeviceOptions = {}) {
  const devices: ScriptedDevice[] = [];
  server = createServer((socket) => {
    sockets.push(socket);
    devices.push(
      scriptedDevice(socket, {
        requests: {
          _systemInfo: () => ({}),
          _sessionStart: () => ({ _sid: 0x11 }),
          _sessionStop: () => ({}),
          FetchLaunchableApplicationsEvent: () => APPS,
          _launchApp: () => ({}),
          ...options.requests,
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { port: address.port, devices };
}

describe("connectCompanion", () => {
  it("verifies, encrypts, sends pyatv's _systemInfo and _sessionStart, and uses the session", async () => {
    const { port, devices } = await listen();
    const events: string[] = [];
    const listener: DeviceListener = {
      connectionLost: () => events.push("lost"),
      connectionClosed: () => events.push("closed"),
    };
    const client = await connectCompanion({
      host: "127.0.0.1",
      port,
      credentials: knownCredentials().toString(),
      listener,
      name: "Test remote",
    });
    const device = devices[0] as ScriptedDevice;
    expect(device.authFrames.map((f) => f.type)).toEqual([FrameType.PV_Start, FrameType.PV_Next]);

    // pyatv's CompanionAPI.connect, then CompanionPower.initialize.
    expect(device.requests.map((r) => r.identifier)).toEqual([
      "_systemInfo",
      "_touchStart",
      "_sessionStart",
      "TVRCSessionStart",
      "_tiStart",
      "FetchAttentionState",
    ]);
    expect(device.requests[3]?.content).toEqual(new Map([["ProtocolVersionKey", "1.2"]]));
    const [info, , start] = device.requests;
    const content = info?.content as Map<string, unknown>;
    expect([...content.keys()]).toEqual([
      "_bf",
      "_cf",
      "_clFl",
      "_i",
      "_idsID",
      "_pubID",
      "_sf",
      "_sv",
      "model",
      "name",
    ]);
    expect(content.get("name")).toBe("Test remote");
    expect(content.get("_i")).toBe("ff7079617476");
    expect(content.get("_idsID")).toEqual(new TextEncoder().encode(CLIENT_ID));
    expect(start?.identifier).toBe("_sessionStart");
    const startContent = start?.content as Map<string, unknown>;
    expect(startContent.get("_srvT")).toBe("com.apple.tvremoteservices");
    const localSid = BigInt(opackInteger(startContent.get("_sid") as OpackValue) ?? -1);
    expect(client.sessionId).toBe((0x11n << 32n) | localSid);

    expect(await client.appList()).toEqual([
      { name: "Music", identifier: "com.apple.TVMusic" },
      { name: "Example", identifier: "com.example.app" },
    ]);
    await client.launchApp("com.example.app");
    await client.launchApp("https://example.com/x");
    const launches = device.requests.filter((r) => r.identifier === "_launchApp");
    expect(launches.map((r) => [...(r.content as Map<string, string>)])).toEqual([
      [["_bundleID", "com.example.app"]],
      [["_urlS", "https://example.com/x"]],
    ]);

    // Each event registered once, `_iMC` before the status events, as pyatv subscribes.
    expect(
      device.events.map((e) => [e.identifier, [...(e.content as Map<string, unknown>)]]),
    ).toEqual([
      ["_interest", [["_regEvents", ["_iMC"]]]],
      ["_interest", [["_regEvents", ["SystemStatus"]]]],
      ["_interest", [["_regEvents", ["TVSystemStatus"]]]],
    ]);
    const before = device.requests.length;
    await client.close();
    // pyatv's disconnect: deregister everything, then stop the session, touch and text input.
    expect(device.events.slice(3).map((e) => [...(e.content as Map<string, unknown>)])).toEqual([
      [["_deregEvents", ["_iMC"]]],
      [["_deregEvents", ["SystemStatus"]]],
      [["_deregEvents", ["TVSystemStatus"]]],
    ]);
    expect(device.requests.slice(before).map((r) => r.identifier)).toEqual([
      "_sessionStop",
      "_touchStop",
      "_tiStop",
    ]);
    const stop = device.requests[before] as CompanionMessage;
    expect(BigInt(opackInteger((stop.content as Map<string, OpackValue>).get("_sid")) ?? -1)).toBe(
      client.sessionId,
    );
    expect(events).toEqual(["closed"]);
    await client.close();
  });

  it("takes the first focus state from _tiStart and survives refused optional starts", async () => {
    const { port } = await listen({ requests: { _tiStart: () => ({ _tiD: new Uint8Array(4) }) } });
    const focused = await connectCompanion({
      host: "127.0.0.1",
      port,
      credentials: knownCredentials().toString(),
    });
    expect(focused.keyboard.textFocusState).toBe(KeyboardFocusState.Focused);
    await focused.close();

    // pyatv only logs a refused TVRCSessionStart; atv also goes on without text input.
    const refused = await listen({
      requests: {
        TVRCSessionStart: () => ({ error: "No request handler" }),
        _tiStart: () => ({ error: "No request handler" }),
      },
    });
    const client = await connectCompanion({
      host: "127.0.0.1",
      port: refused.port,
      credentials: knownCredentials().toString(),
    });
    expect(client.keyboard.textFocusState).toBe(KeyboardFocusState.Unknown);
    expect(refused.devices[0]?.requests.map((r) => r.identifier)).toContain("FetchAttentionState");
    await client.close();
  });

  it("fails to connect when the device refuses the touchpad, as pyatv", async () => {
    const { port } = await listen({ requests: { _touchStart: () => ({ error: "Nope" }) } });
    await expect(
      connectCompanion({ host: "127.0.0.1", port, credentials: knownCredentials().toString() }),
    ).rejects.toBeInstanceOf(CommandError);
  });

  it("tells the listener when the device drops the session", async () => {
    const { port } = await listen();
    let lost: Error | undefined;
    const client = await connectCompanion({
      host: "127.0.0.1",
      port,
      credentials: knownCredentials().toString(),
      listener: { connectionLost: (e) => (lost = e), connectionClosed: () => {} },
    });
    for (const socket of sockets) socket.destroy();
    await expect(client.appList()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lost).toBeInstanceOf(Error);
    await client.close();
  });

  it("passes the device's error text through", async () => {
    const { port } = await listen({ requests: { _launchApp: () => ({ error: "App not found" }) } });
    const client = await connectCompanion({
      host: "127.0.0.1",
      port,
      credentials: knownCredentials().toString(),
    });
    await expect(client.launchApp("com.nope")).rejects.toThrow(CommandError);
    await expect(client.launchApp("com.nope")).rejects.toThrow(/App not found/);
    await client.close();
  });

  it("is an AuthenticationError for unknown credentials and fails fast on a silent device", async () => {
    const { port } = await listen();
    const known = knownCredentials().toString().split(":");
    known[3] = Buffer.from("SOMEONE-ELSE").toString("hex");
    await expect(
      connectCompanion({ host: "127.0.0.1", port, credentials: known.join(":") }),
    ).rejects.toBeInstanceOf(AuthenticationError);

    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as { port: number }).port;
    await expect(
      connectCompanion({
        host: "127.0.0.1",
        port: silentPort,
        credentials: knownCredentials().toString(),
        timeout: 100,
      }),
    ).rejects.toBeInstanceOf(ConnectionFailedError);
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("rejects with the signal's reason on abort", async () => {
    const { port } = await listen();
    await expect(
      connectCompanion({
        host: "127.0.0.1",
        port,
        credentials: knownCredentials().toString(),
        signal: AbortSignal.abort(new Error("stop")),
      }),
    ).rejects.toThrow("stop");
  });
});

describe("isUrlOrScheme", () => {
  it("follows Python's urlparse scheme", () => {
    expect(isUrlOrScheme("https://x")).toBe(true);
    expect(isUrlOrScheme("music:")).toBe(true);
    expect(isUrlOrScheme("com.apple.TVMusic")).toBe(false);
    expect(isUrlOrScheme("1abc:x")).toBe(false);
    expect(isUrlOrScheme("")).toBe(false);
  });
});
