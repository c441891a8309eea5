import { randomBytes } from "node:crypto";
import {
  AtvError,
  AuthenticationError,
  BackOffError,
  InvalidStateError,
  PairingError,
  ProtocolError,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CredentialsType } from "../credentials.js";
import { ed25519KeyPairFromSeed } from "../ed25519.js";
import { HapKdf } from "../hkdf.js";
import { PairSetupClient } from "../pair-setup-client.js";
import { openSubTlv, pairSetupKey, sealSubTlv } from "../pairing-messages.js";
import { TlvErrorCode, TlvFlags, TlvState, TlvType } from "../tlv-types.js";
import { decodeTlv, encodeTlv } from "../tlv8.js";
import { PairSetupServer } from "./pair-setup-server.js";

const DEVICE_ID = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";
const newServer = (pin: string | number = 1111): PairSetupServer =>
  new PairSetupServer({ identifier: DEVICE_ID, seed: randomBytes(32), pin });

/** Runs M1 to M4 and returns the M4 the device answered. */
function upToM4(
  client: PairSetupClient,
  server: PairSetupServer,
  pin: string | number,
): Uint8Array {
  client.receiveM2(server.m2(client.m1()));
  return server.m4(client.m3(pin));
}

/** Replaces one item of a message. */
function replaceItem(message: Uint8Array, type: number, value: Uint8Array): Uint8Array {
  return encodeTlv(
    decodeTlv(message).entries.map(([t, v]) => [t, t === type ? value : v] as const),
  );
}

describe("pair-setup, client against device", () => {
  it("pairs and both sides learn each other's long-term keys", () => {
    const client = new PairSetupClient();
    const server = newServer();
    const m4 = upToM4(client, server, "1111");
    const credentials = client.finish(server.m6(client.m5(m4)));

    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(credentials.ltpk).toEqual(server.publicKey);
    expect(new TextDecoder().decode(credentials.atvId)).toBe(DEVICE_ID);
    expect(credentials.clientId).toEqual(client.clientId);
    expect(server.pairedClient?.identifier).toEqual(client.clientId);
    expect(server.pairedClient?.publicKey).toEqual(
      ed25519KeyPairFromSeed(credentials.ltsk).publicKey,
    );
  });

  it("sends pyatv's M1 and identifies itself with a random UUID string", () => {
    const client = new PairSetupClient();
    // pyatv's MRP M1: {Method: 0x00, SeqNo: 0x01}.
    expect(Buffer.from(client.m1()).toString("hex")).toBe("000100060101");
    expect(new TextDecoder().decode(client.clientId)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("says a wrong PIN is a wrong PIN", () => {
    const client = new PairSetupClient();
    const server = newServer(1111);
    const m4 = upToM4(client, server, 1234);
    expect(decodeTlv(m4).getInteger(TlvType.Error)).toBe(TlvErrorCode.Authentication);
    expect(() => client.m5(m4)).toThrow(PairingError);
    expect(() => client.m5(m4)).toThrow(/wrong PIN/);
  });

  it("rejects a device whose M4 proof is wrong", () => {
    const client = new PairSetupClient();
    const m4 = upToM4(client, newServer(), 1111);
    const proof = decodeTlv(m4).get(TlvType.Proof) as Uint8Array;
    proof[0] = (proof[0] as number) ^ 1;
    expect(() => client.m5(replaceItem(m4, TlvType.Proof, proof))).toThrow(AuthenticationError);
  });

  it("rejects a device whose M6 signature is wrong", () => {
    const client = new PairSetupClient();
    const server = newServer();
    const m6 = server.m6(client.m5(upToM4(client, server, 1111)));
    // Re-seal M6 with a bad signature, as an impostor knowing the PIN could.
    const key = pairSetupKey(server.sharedSecret?.secret as Uint8Array, HapKdf.PairSetupEncrypt);
    const sealed = decodeTlv(m6).get(TlvType.EncryptedData) as Uint8Array;
    const entries = openSubTlv(key, "PS-Msg06", sealed).entries.map(([type, value]) => {
      if (type !== TlvType.Signature) return [type, value] as const;
      const bad = value.slice();
      bad[10] = (bad[10] as number) ^ 1;
      return [type, bad] as const;
    });
    const forged = replaceItem(m6, TlvType.EncryptedData, sealSubTlv(key, "PS-Msg06", entries));
    expect(() => client.finish(forged)).toThrow(/signature in M6 is invalid/);
  });

  it("rejects an M6 that does not decrypt", () => {
    const client = new PairSetupClient();
    const server = newServer();
    const m6 = server.m6(client.m5(upToM4(client, server, 1111)));
    const sealed = decodeTlv(m6).get(TlvType.EncryptedData) as Uint8Array;
    sealed[0] = (sealed[0] as number) ^ 1;
    expect(() => client.finish(replaceItem(m6, TlvType.EncryptedData, sealed))).toThrow(
      AuthenticationError,
    );
  });

  it("answers a forged M5 signature with an error and pairs nobody", () => {
    const client = new PairSetupClient();
    const server = newServer();
    const m4 = upToM4(client, server, 1111);
    const m5 = client.m5(m4);
    const key = pairSetupKey(server.sharedSecret?.secret as Uint8Array, HapKdf.PairSetupEncrypt);
    const sealed = decodeTlv(m5).get(TlvType.EncryptedData) as Uint8Array;
    const entries = openSubTlv(key, "PS-Msg05", sealed).entries.map(([type, value]) =>
      type === TlvType.Signature ? ([type, new Uint8Array(64)] as const) : ([type, value] as const),
    );
    const m6 = server.m6(
      replaceItem(m5, TlvType.EncryptedData, sealSubTlv(key, "PS-Msg05", entries)),
    );
    expect(decodeTlv(m6).getInteger(TlvType.Error)).toBe(TlvErrorCode.Authentication);
    expect(server.pairedClient).toBeUndefined();
    expect(() => client.finish(m6)).toThrow(PairingError);
  });

  it("carries extra M5 items, such as a name, to the device", () => {
    const client = new PairSetupClient({ clientId: "my-id", seed: new Uint8Array(32).fill(3) });
    const server = newServer();
    const name = new TextEncoder().encode("opack name");
    client.finish(server.m6(client.m5(upToM4(client, server, 1111), [[TlvType.Name, name]])));
    expect(server.pairedClient?.extraItems).toEqual([[TlvType.Name, name]]);
    expect(new TextDecoder().decode(server.pairedClient?.identifier)).toBe("my-id");
  });

  it("ends a transient pairing at M4 with a secret both sides share", () => {
    const client = new PairSetupClient({ flags: TlvFlags.TransientPairing });
    const server = newServer(3939);
    expect(decodeTlv(client.m1()).getInteger(TlvType.Flags)).toBe(TlvFlags.TransientPairing);
    const fresh = new PairSetupClient({ flags: TlvFlags.TransientPairing });
    const m4 = upToM4(fresh, server, 3939);
    expect(server.transient).toBe(true);
    const secret = fresh.finishTransient(m4);
    expect(secret.secret).toEqual(server.sharedSecret?.secret);
    expect(() => server.m6(new Uint8Array(0))).toThrow(ProtocolError);
  });

  it("lets a client start over after a wrong PIN", () => {
    const server = newServer();
    upToM4(new PairSetupClient(), server, 9999);
    const client = new PairSetupClient();
    expect(() => client.finish(server.m6(client.m5(upToM4(client, server, 1111))))).not.toThrow();
  });
});

describe("pair-setup errors", () => {
  const deviceError = (code: number, extra: [number, number][] = []): Uint8Array =>
    encodeTlv([[TlvType.State, TlvState.M2], [TlvType.Error, code], ...extra]);

  it.each([
    [TlvErrorCode.MaxPeers, /cannot pair with more controllers.*MaxPeers/],
    [TlvErrorCode.MaxTries, /too many failed attempts.*MaxTries/],
    [TlvErrorCode.Unavailable, /does not accept pairing.*Unavailable/],
    [TlvErrorCode.Busy, /another controller.*Busy/],
    [TlvErrorCode.Unknown, /refused.*Unknown/],
  ])("maps device error %i to a PairingError naming it", (code, message) => {
    const client = new PairSetupClient();
    client.m1();
    expect(() => client.receiveM2(deviceError(code))).toThrow(PairingError);
    expect(() => client.receiveM2(deviceError(code))).toThrow(message);
  });

  it("maps BackOff to a BackOffError with the wait", () => {
    const client = new PairSetupClient();
    client.m1();
    const m2 = deviceError(TlvErrorCode.BackOff, [[TlvType.BackOff, 30]]);
    expect(() => client.receiveM2(m2)).toThrow(BackOffError);
    expect(() => client.receiveM2(m2)).toThrow(/wait 30 s/);
  });

  it("refuses steps out of order", () => {
    const client = new PairSetupClient();
    expect(() => client.m3(1111)).toThrow(InvalidStateError);
    client.m1();
    expect(() => client.m1()).toThrow(InvalidStateError);
    expect(() => newServer().m4(encodeTlv([[TlvType.State, 3]]))).toThrow(ProtocolError);
  });

  it("rejects messages with the wrong state or missing items", () => {
    const client = new PairSetupClient();
    client.m1();
    expect(() => client.receiveM2(encodeTlv([[TlvType.State, 4]]))).toThrow(/expected M2, got M4/);
    expect(() => client.receiveM2(encodeTlv([[TlvType.State, 2]]))).toThrow(/lacks the salt/);
    expect(() => newServer().m2(encodeTlv([[TlvType.State, 1]]))).toThrow(ProtocolError);
  });

  it("never throws anything but typed errors on random device messages", () => {
    const server = newServer();
    const m2 = server.m2(new PairSetupClient().m1());
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        fc.nat({ max: 255 }),
        (noise, at, byte) => {
          const mutated = m2.slice();
          mutated[at % mutated.length] = byte;
          for (const message of [noise, mutated]) {
            const client = new PairSetupClient({ seed: new Uint8Array(32) });
            client.m1();
            try {
              client.receiveM2(message);
              client.m3(1111);
            } catch (error) {
              expect(error).toBeInstanceOf(AtvError);
            }
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it("never throws anything but ProtocolError on random controller messages", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (noise) => {
        const server = newServer();
        try {
          server.m2(noise);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
