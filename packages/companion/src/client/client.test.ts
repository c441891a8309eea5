import { createServer, type Server, type Socket } from "node:net";
import {
  AuthenticationError,
  CommandError,
  ConnectionFailedError,
  type DeviceListener,
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

    const [info, start] = device.requests;
    expect(info?.identifier).toBe("_systemInfo");
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

    await client.close();
    const stop = device.requests.at(-1) as CompanionMessage;
    expect(stop.identifier).toBe("_sessionStop");
    expect(BigInt(opackInteger((stop.content as Map<string, OpackValue>).get("_sid")) ?? -1)).toBe(
      client.sessionId,
    );
    expect(events).toEqual(["closed"]);
    await client.close();
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
