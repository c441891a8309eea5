import {
  CredentialsType,
  decodeTlv,
  encodeTlv,
  HapCredentials,
  NO_CREDENTIALS,
  parseCredentials,
  TlvErrorCode,
  TlvState,
  TlvType,
  TRANSIENT_CREDENTIALS,
} from "@atv/hap";
import { PairVerifyServer } from "@atv/hap/server";
import {
  AuthenticationError,
  InvalidCredentialsError,
  PlainProperties,
  Protocol,
  Service,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../scripts/byte-mutations.js";
import { inMemoryExchange } from "../play/test-exchange.js";
import { AirPlayHapPairSetup } from "./hap-pairing.js";
import { controlKeys, KeySide } from "./keys.js";
import { connectTo, DEVICE_ID, DEVICE_PIN, newPairingServer } from "./test-fixtures.js";
import { HAP_SETUP, HAP_VERIFY } from "./test-vectors.js";
import { extractCredentials, hapPairVerify, verifyConnection } from "./verify.js";

async function pairHap(server = newPairingServer()): Promise<HapCredentials> {
  const setup = new AirPlayHapPairSetup(connectTo(server).exchange);
  await setup.start();
  return setup.finish(DEVICE_PIN);
}

describe("HAP pair-verify over AirPlay", () => {
  it("sends pyatv's exact messages and agrees on pyatv's secret (vector)", async () => {
    const credentials = parseCredentials(HAP_SETUP.credentials);
    const device = new PairVerifyServer({
      identifier: DEVICE_ID,
      seed: fromHex(HAP_VERIFY.deviceSeed),
      // pyatv's fake uses its long-term seed as its X25519 key too.
      ephemeralKey: fromHex(HAP_VERIFY.deviceSeed),
      clientPublicKey: () =>
        fromHex("d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737"),
    });
    const link = inMemoryExchange(async (_method, _path, _headers, body) => ({
      status: 200,
      body:
        decodeTlv(body).getInteger(TlvType.State) === TlvState.M1
          ? device.m2(body)
          : device.m4(body),
    }));
    const secret = await hapPairVerify(credentials, link.exchange, {
      client: { ephemeralKey: fromHex(HAP_VERIFY.clientEphemeral) },
    });
    const [m1, , m3] = HAP_VERIFY.messages;
    expect(link.requests.map((r) => toHex(r.body ?? new Uint8Array()))).toEqual([m1, m3]);
    expect(toHex(secret.secret)).toBe(HAP_VERIFY.sharedSecret);
    expect(link.requests.every((r) => r.uri === "/pair-verify")).toBe(true);
    expect(link.requests[0]?.headers?.["X-Apple-HKP"]).toBe(3);
  });

  it("gives both sides the same secret, so their control keys mirror each other", async () => {
    const server = newPairingServer();
    const credentials = await pairHap(server);
    const link = connectTo(server);
    const secret = await verifyConnection(credentials, link.exchange);
    const device = link.verified();
    expect(secret).toBeDefined();
    expect(device?.secret.secret).toEqual(secret?.secret);
    const ours = controlKeys(secret ?? fail());
    const theirs = controlKeys(device?.secret ?? fail(), KeySide.Device);
    expect(ours.outputKey).toEqual(theirs.inputKey);
    expect(ours.inputKey).toEqual(theirs.outputKey);
  });

  it("is refused for credentials the device does not know", async () => {
    const credentials = await pairHap(newPairingServer());
    await expect(
      verifyConnection(credentials, connectTo(newPairingServer()).exchange),
    ).rejects.toThrow(AuthenticationError);
  });

  it("rejects a device that is not the one paired with", async () => {
    const credentials = await pairHap(newPairingServer());
    const other = new HapCredentials({
      ltpk: new Uint8Array(32).fill(7),
      ltsk: credentials.ltsk,
      atvId: credentials.atvId,
      clientId: credentials.clientId,
    });
    await expect(verifyConnection(other, connectTo(newPairingServer()).exchange)).rejects.toThrow(
      AuthenticationError,
    );
  });
});

describe("transient pairing as a verify", () => {
  it("pairs with PIN 3939 and the transient flag, and shares the SRP key", async () => {
    const link = connectTo(newPairingServer({ pin: 1234 }));
    const secret = await verifyConnection(TRANSIENT_CREDENTIALS, link.exchange);
    expect(link.verified()?.transient).toBe(true);
    expect(link.verified()?.secret.secret).toEqual(secret?.secret);
    expect(secret?.secret).toHaveLength(64);
    expect(link.requests.map((r) => r.uri)).toEqual([
      "/pair-pin-start",
      "/pair-setup",
      "/pair-setup",
    ]);
    expect(link.requests.every((r) => r.headers?.["X-Apple-HKP"] === 4)).toBe(true);
    // pyatv's M1: Method 0, State 1, Flags 0x10.
    expect(toHex(link.requests[1]?.body ?? new Uint8Array())).toBe("000100060101130110");
  });

  it("turns a refusal into an AuthenticationError", async () => {
    const refusal = encodeTlv([
      [TlvType.State, TlvState.M4],
      [TlvType.Error, TlvErrorCode.Authentication],
    ]);
    const link = connectTo(newPairingServer(), (answer, index) =>
      index === 2 ? { ...answer, body: refusal } : answer,
    );
    await expect(verifyConnection(TRANSIENT_CREDENTIALS, link.exchange)).rejects.toThrow(
      AuthenticationError,
    );
  });
});

describe("verifyConnection", () => {
  it("does nothing without credentials", async () => {
    const link = connectTo(newPairingServer());
    await expect(verifyConnection(NO_CREDENTIALS, link.exchange)).resolves.toBeUndefined();
    expect(link.requests).toEqual([]);
  });

  it("stops at once when aborted", async () => {
    const signal = AbortSignal.abort();
    for (const credentials of [NO_CREDENTIALS, TRANSIENT_CREDENTIALS]) {
      const link = connectTo(newPairingServer());
      await expect(verifyConnection(credentials, link.exchange, { signal })).rejects.toThrow();
      expect(link.requests).toEqual([]);
    }
  });
});

describe("extractCredentials", () => {
  const service = (properties: Record<string, string>, credentials?: string): Service =>
    new Service({
      protocol: Protocol.AirPlay,
      port: 7000,
      properties: new PlainProperties(properties),
      credentials,
    });

  it("uses the service's own credentials first", () => {
    const credentials = extractCredentials(
      service({ features: "0x0,0x10000" }, HAP_SETUP.credentials),
    );
    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(credentials.toString()).toBe(HAP_SETUP.credentials);
  });

  it("picks transient pairing for system or CoreUtils pairing", () => {
    // SupportsSystemPairing is bit 43, SupportsCoreUtilsPairingAndEncryption bit 48.
    expect(extractCredentials(service({ features: "0x0,0x800" }))).toBe(TRANSIENT_CREDENTIALS);
    expect(extractCredentials(service({ features: "0x0,0x10000" }))).toBe(TRANSIENT_CREDENTIALS);
    expect(extractCredentials(service({ ft: "0x5A7FFFF7,0x10000" }))).toBe(TRANSIENT_CREDENTIALS);
  });

  it("reads features before ft, as pyatv does here", () => {
    expect(extractCredentials(service({ features: "0x1", ft: "0x0,0x10000" }))).toBe(
      NO_CREDENTIALS,
    );
  });

  it("falls back to no credentials", () => {
    expect(extractCredentials(service({}))).toBe(NO_CREDENTIALS);
    expect(extractCredentials(service({ features: "0x5A7FFFF7,0xE" }))).toBe(NO_CREDENTIALS);
    expect(extractCredentials(service({ features: "garbage" }))).toBe(NO_CREDENTIALS);
  });

  it("refuses credentials that do not parse", () => {
    expect(() => extractCredentials(service({}, "nonsense"))).toThrow(InvalidCredentialsError);
  });
});

function fail(): never {
  throw new Error("missing value");
}
