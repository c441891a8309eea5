import {
  CredentialsType,
  ed25519KeyPairFromSeed,
  ed25519Verify,
  HapCredentials,
  parseCredentials,
  SrpClientSession,
  x25519KeyPairFromPrivate,
  x25519SharedSecret,
} from "@atv/hap";
import { AuthenticationError, InvalidCredentialsError, PairingError } from "@atv/interface";
import { decodePlist, encodePlist, plistDict } from "@atv/plist";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../scripts/byte-mutations.js";
import { inMemoryExchange } from "../play/test-exchange.js";
import {
  gcmOpen,
  legacySrpGroup,
  setupCipherParams,
  setupIv,
  verifyCipher,
} from "./legacy-crypto.js";
import { AirPlayLegacyPairSetup, newLegacyCredentials } from "./legacy-pairing.js";
import { LegacyPairVerifyClient, legacyPairVerify } from "./legacy-verify.js";
import { connectTo, DEVICE_PIN, newPairingServer } from "./test-fixtures.js";
import { LEGACY } from "./test-vectors.js";
import { verifyConnection } from "./verify.js";

const RECORDED_CREDENTIALS = new HapCredentials({
  ltsk: fromHex(LEGACY.seed),
  clientId: fromHex(LEGACY.clientId),
});

/** Pairs a fresh legacy client with the device and returns its credentials. */
async function pairLegacy(server = newPairingServer()): Promise<HapCredentials> {
  const setup = new AirPlayLegacyPairSetup(connectTo(server).exchange);
  await setup.start();
  return setup.finish(DEVICE_PIN);
}

describe("legacy pair-setup", () => {
  it("reproduces the exchange pyatv recorded with a real device", async () => {
    // The device is replayed: each request's fields must be those pyatv sent (compared
    // as plist values: another plist writer may lay the bytes out differently).
    const fields = [
      { method: "pin", user: LEGACY.clientId },
      { pk: LEGACY.step2.pk, proof: LEGACY.step2.proof },
      { epk: LEGACY.step3.epk, authTag: LEGACY.step3.authTag },
    ];
    let step = 0;
    const { exchange } = inMemoryExchange(async (_method, path, _headers, body) => {
      if (path === "/pair-pin-start") return { status: 200 };
      const sent = Object.fromEntries(
        Object.entries(plistDict(decodePlist(body), "request")).map(([key, value]) => [
          key,
          value instanceof Uint8Array ? toHex(value) : value,
        ]),
      );
      expect(sent).toEqual(fields[step]);
      return { status: 200, body: fromHex(LEGACY.answers[step++] as string) };
    });
    const setup = new AirPlayLegacyPairSetup(exchange, RECORDED_CREDENTIALS);
    await setup.start();
    const credentials = await setup.finish(LEGACY.pin);
    expect(step).toBe(3);
    // pyatv writes legacy credentials in the four-part form with two empty parts, and
    // its fake device names them in the older two-part form; both parse to these.
    expect(credentials.toString()).toBe(`:${LEGACY.seed}::${LEGACY.clientId.toLowerCase()}`);
    expect(parseCredentials(credentials.toString()).equals(credentials)).toBe(true);
    expect(
      parseCredentials(`${LEGACY.clientId}:${LEGACY.seed.toUpperCase()}`).equals(credentials),
    ).toBe(true);
  });

  it("pairs with the fake device and the credentials then verify", async () => {
    const server = newPairingServer();
    const link = connectTo(server);
    const setup = new AirPlayLegacyPairSetup(link.exchange);
    await setup.start();
    const credentials = await setup.finish(DEVICE_PIN);
    expect(credentials.type).toBe(CredentialsType.Legacy);
    expect(credentials.clientId).toHaveLength(8);
    expect(server.pairings.hasLegacy(ed25519KeyPairFromSeed(credentials.ltsk).publicKey)).toBe(
      true,
    );

    expect(link.requests.map((r) => `${r.uri} ${r.headers?.["Content-Type"] ?? "-"}`)).toEqual([
      "/pair-pin-start -",
      "/pair-setup-pin application/x-apple-binary-plist",
      "/pair-setup-pin application/x-apple-binary-plist",
      "/pair-setup-pin application/x-apple-binary-plist",
    ]);
    for (const request of link.requests) {
      expect(request.headers?.["User-Agent"]).toBe("AirPlay/320.20");
      expect(request.headers).not.toHaveProperty("X-Apple-HKP");
    }

    const verify = connectTo(server);
    await expect(verifyConnection(credentials, verify.exchange)).resolves.toBeUndefined();
    expect(verify.requests.map((r) => r.uri)).toEqual(["/pair-verify", "/pair-verify"]);
    expect(verify.answers.map((a) => a.status)).toEqual([200, 200]);
    expect(verify.verified()).toBeUndefined();
  });

  it("says a wrong PIN is a wrong PIN", async () => {
    const setup = new AirPlayLegacyPairSetup(connectTo(newPairingServer({ pin: 1111 })).exchange);
    await setup.start();
    const failure = setup.finish(2222);
    await expect(failure).rejects.toThrow(PairingError);
    await expect(failure).rejects.toThrow(/wrong PIN/);
  });

  it("rejects a device that cannot prove it knows the PIN", async () => {
    const link = connectTo(newPairingServer(), (answer, index) =>
      index === 2 ? { ...answer, body: encodePlist({ proof: new Uint8Array(20) }) } : answer,
    );
    const setup = new AirPlayLegacyPairSetup(link.exchange);
    await setup.start();
    await expect(setup.finish(DEVICE_PIN)).rejects.toThrow(AuthenticationError);
  });

  it("rejects a device key that does not open, and accepts no key at all (as pyatv)", async () => {
    const tampered = connectTo(newPairingServer(), (answer, index) => {
      if (index !== 3) return answer;
      const dict = plistDict(decodePlist(answer.body), "answer");
      return { ...answer, body: encodePlist({ ...dict, authTag: new Uint8Array(16) }) };
    });
    const setup = new AirPlayLegacyPairSetup(tampered.exchange);
    await setup.start();
    await expect(setup.finish(DEVICE_PIN)).rejects.toThrow(AuthenticationError);

    const silent = connectTo(newPairingServer(), (answer, index) =>
      index === 3 ? { status: 200, body: new Uint8Array() } : answer,
    );
    const quiet = new AirPlayLegacyPairSetup(silent.exchange);
    await quiet.start();
    await expect(quiet.finish(DEVICE_PIN)).resolves.toBeDefined();
  });

  it("makes fresh credentials of legacy type", () => {
    const credentials = newLegacyCredentials();
    expect(credentials.type).toBe(CredentialsType.Legacy);
    expect(credentials.ltsk).toHaveLength(32);
    expect(credentials.ltsk[0]).not.toBe(0);
    expect(credentials.clientId).toHaveLength(8);
    expect(newLegacyCredentials().equals(credentials)).toBe(false);
    expect(
      () =>
        new AirPlayLegacyPairSetup(connectTo(newPairingServer()).exchange, new HapCredentials()),
    ).toThrow(InvalidCredentialsError);
  });
});

describe("legacy pair-verify", () => {
  it("sends exactly what pyatv sent to a real device", async () => {
    const [m1, answer, m3] = LEGACY.verify.map(fromHex) as [Uint8Array, Uint8Array, Uint8Array];
    const client = new LegacyPairVerifyClient(RECORDED_CREDENTIALS);
    expect(toHex(client.m1())).toBe(toHex(m1));
    expect(toHex(client.m3(answer))).toBe(toHex(m3));
  });

  it("sends no HKP header, so the device knows it is the legacy verify", async () => {
    const link = connectTo(newPairingServer());
    await expect(legacyPairVerify(newLegacyCredentials(), link.exchange)).rejects.toThrow(
      AuthenticationError,
    );
    expect(link.requests[0]?.uri).toBe("/pair-verify");
    expect(link.requests[0]?.headers).toEqual({
      "User-Agent": "AirPlay/320.20",
      Connection: "keep-alive",
      "Content-Type": "application/octet-stream",
    });
  });

  it("is refused for a client the device never paired", async () => {
    const server = newPairingServer();
    await pairLegacy(server);
    const stranger = newLegacyCredentials();
    await expect(legacyPairVerify(stranger, connectTo(server).exchange)).rejects.toThrow(
      AuthenticationError,
    );
  });

  it("is refused when the signature is not the paired client's", async () => {
    const server = newPairingServer();
    const credentials = await pairLegacy(server);
    // The right keys in the first message, then a signature made with another seed.
    const impostor = new LegacyPairVerifyClient(newLegacyCredentials());
    const link = connectTo(server);
    const honest = new LegacyPairVerifyClient(credentials);
    const answer = await link.exchange({ method: "POST", uri: "/pair-verify", body: honest.m1() });
    impostor.m1();
    await expect(
      link.exchange({ method: "POST", uri: "/pair-verify", body: impostor.m3(answer.body) }),
    ).rejects.toThrow(AuthenticationError);
  });

  it("gets the device's signature checkable with the device's key from pair-setup", async () => {
    // Neither pyatv nor this client checks it (legacy credentials have no room for the
    // device's key), but a device signs both X25519 keys; the fake does as the recorded
    // device does.
    const server = newPairingServer();
    const credentials = await pairLegacy(server);
    const client = new LegacyPairVerifyClient(credentials);
    const link = connectTo(server);
    const answer = await link.exchange({ method: "POST", uri: "/pair-verify", body: client.m1() });
    expect(deviceSignatureValid(credentials.ltsk, answer.body, server.publicKey)).toBe(true);
  });

  it("finds the recorded device's signature made with the key it sealed in pair-setup", () => {
    // The recorded device's last pair-setup answer opens with IV step 2, giving its key...
    const challenge = plistDict(decodePlist(fromHex(LEGACY.answers[0])), "challenge");
    const srp = new SrpClientSession(
      challenge.salt as Uint8Array,
      challenge.pk as Uint8Array,
      String(LEGACY.pin),
      { group: legacySrpGroup(), username: LEGACY.clientId, secret: fromHex(LEGACY.seed) },
    );
    const sealed = plistDict(decodePlist(fromHex(LEGACY.answers[2])), "sealed key");
    const { key, iv } = setupCipherParams(srp.sessionKey);
    const deviceKey = gcmOpen(
      key,
      setupIv(iv, 2),
      sealed.epk as Uint8Array,
      sealed.authTag as Uint8Array,
    );
    expect(toHex(deviceKey)).toBe(LEGACY.deviceKey);
    // ...and its pair-verify answer is signed with it.
    expect(deviceSignatureValid(fromHex(LEGACY.seed), fromHex(LEGACY.verify[1]), deviceKey)).toBe(
      true,
    );
  });
});

/** Whether a legacy pair-verify answer holds the device's signature of both X25519 keys. */
function deviceSignatureValid(
  seed: Uint8Array,
  answer: Uint8Array,
  deviceKey: Uint8Array,
): boolean {
  const ours = x25519KeyPairFromPrivate(seed);
  const deviceX25519 = answer.subarray(0, 32);
  const cipher = verifyCipher(x25519SharedSecret(ours.privateKey, deviceX25519));
  const signature = cipher.update(answer.subarray(32));
  return ed25519Verify(deviceKey, Uint8Array.from([...deviceX25519, ...ours.publicKey]), signature);
}
