import { randomBytes } from "node:crypto";
import { CredentialsType, decodeTlv, TlvType } from "@atv/hap";
import {
  AuthenticationError,
  InvalidCredentialsError,
  PairingError,
  PlainProperties,
  Protocol,
  ProtocolError,
  Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { FrameType } from "../frame.js";
import { decodeOpack, encodeOpack } from "../opack.js";
import { pairingData, parseCompanionCredentials, verifyCredentials } from "./auth.js";
import { CompanionConnection } from "./connection.js";
import { CompanionPairingHandler } from "./pairing-handler.js";
import { CompanionProtocol } from "./protocol.js";
import {
  CLIENT_ID,
  DEVICE_ID,
  duplexPair,
  knownCredentials,
  type ScriptedDevice,
  scriptedDevice,
} from "./test-peer.js";

function newService(): Service {
  return new Service({
    identifier: "COMPANION-TEST",
    protocol: Protocol.Companion,
    port: 49153,
    properties: new PlainProperties(),
  });
}

/** A pairing handler whose connections go to fresh scripted devices. */
function pairingWith(pin: string, name?: string) {
  const devices: ScriptedDevice[] = [];
  const service = newService();
  const handler = new CompanionPairingHandler({
    service,
    ...(name ? { name } : {}),
    timeout: 2000,
    connect: async () => {
      const [near, far] = duplexPair();
      devices.push(scriptedDevice(far, { pin }));
      return new CompanionConnection(near);
    },
  });
  return { handler, service, devices };
}

describe("Companion pair-setup", () => {
  it("pairs with the right PIN and stores credentials that parse", async () => {
    const { handler, service, devices } = pairingWith("0042", "Kitchen remote");
    expect(handler.deviceProvidesPin).toBe(true);
    await handler.begin();
    handler.pin(42);
    await handler.finish();
    expect(handler.hasPaired).toBe(true);
    const credentials = parseCompanionCredentials(service.credentials ?? "");
    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(new TextDecoder().decode(credentials.atvId)).toBe(DEVICE_ID);
    // pyatv's frames: PS_Start then PS_Next twice, each `{_pd, _pwTy: 1, _x}`.
    const frames = devices[0]?.authFrames ?? [];
    expect(frames.map((f) => f.type)).toEqual([
      FrameType.PS_Start,
      FrameType.PS_Next,
      FrameType.PS_Next,
    ]);
    for (const frame of frames) expect([...frame.dict.keys()]).toEqual(["_pd", "_pwTy", "_x"]);
    expect(frames[0]?.dict.get("_pwTy")).toBe(1);
    // The name rides in M5 as OPACK {name}.
    const extra = devices[0]?.setup.pairedClient?.extraItems ?? [];
    const name = extra.find(([type]) => type === TlvType.Name)?.[1];
    expect(name && decodeOpack(name)).toEqual(new Map([["name", "Kitchen remote"]]));
    await handler.close();
  });

  it("says so with a PairingError for a wrong PIN", async () => {
    const { handler, service } = pairingWith("1234");
    await handler.begin();
    handler.pin(1111);
    const error = await handler.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PairingError);
    expect((error as Error).message).toMatch(/pin/i);
    expect(handler.hasPaired).toBe(false);
    expect(service.credentials).toBeUndefined();
    await handler.close();
  });

  it("refuses finish() before begin() or without a PIN", async () => {
    const { handler } = pairingWith("1234");
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
    await handler.begin();
    await expect(handler.finish()).rejects.toBeInstanceOf(PairingError);
    await handler.close();
  });
});

describe("Companion pair-verify", () => {
  it("verifies and gives keys that work both ways", async () => {
    const [near, far] = duplexPair();
    const device = scriptedDevice(far, { requests: { ping: () => "pong" } });
    const connection = new CompanionConnection(near);
    const protocol = new CompanionProtocol(connection, { firstXid: 3 });
    const keys = await verifyCredentials(protocol, knownCredentials());
    connection.enableEncryption(keys.outputKey, keys.inputKey);
    expect(await protocol.request("ping")).toBe("pong");
    const frames = device.authFrames;
    expect(frames.map((f) => f.type)).toEqual([FrameType.PV_Start, FrameType.PV_Next]);
    expect([...(frames[0]?.dict.keys() ?? [])]).toEqual(["_pd", "_auTy", "_x"]);
    expect(frames[0]?.dict.get("_auTy")).toBe(4);
    expect([...(frames[1]?.dict.keys() ?? [])]).toEqual(["_pd", "_x"]);
    protocol.close();
  });

  it("is an AuthenticationError for credentials the device does not know", async () => {
    const [near, far] = duplexPair();
    scriptedDevice(far);
    const protocol = new CompanionProtocol(new CompanionConnection(near));
    const known = knownCredentials();
    const stranger = parseCompanionCredentials(
      [
        Buffer.from(known.ltpk).toString("hex"),
        randomBytes(32).toString("hex"),
        Buffer.from(known.atvId).toString("hex"),
        Buffer.from(`${CLIENT_ID}X`).toString("hex"),
      ].join(":"),
    );
    await expect(verifyCredentials(protocol, stranger)).rejects.toBeInstanceOf(AuthenticationError);
    protocol.close();
  });
});

describe("auth helpers", () => {
  it("reads _pd as pyatv does", () => {
    expect(() => pairingData(new Map())).toThrow(AuthenticationError);
    expect(() => pairingData(new Map([["_pd", "text"]]))).toThrow(ProtocolError);
    const tlv = decodeTlv(
      pairingData(decodeOpack(encodeOpack({ _pd: Uint8Array.of(6, 1, 2) })) as Map<never, never>),
    );
    expect(tlv.getInteger(TlvType.State)).toBe(2);
  });

  it("takes only full HAP credentials", () => {
    expect(() => parseCompanionCredentials(knownCredentials().toString())).not.toThrow();
    expect(() => parseCompanionCredentials("")).toThrow(InvalidCredentialsError);
  });
});
