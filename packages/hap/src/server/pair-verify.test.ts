import { randomBytes } from "node:crypto";
import {
  AtvError,
  AuthenticationError,
  BackOffError,
  InvalidCredentialsError,
  InvalidStateError,
  ProtocolError,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesEqual } from "../bytes.js";
import { HapCredentials, parseCredentials } from "../credentials.js";
import { ed25519KeyPairFromSeed } from "../ed25519.js";
import { HapSession } from "../hap-session.js";
import { PairVerifyClient } from "../pair-verify-client.js";
import { TlvErrorCode, TlvState, TlvType } from "../tlv-types.js";
import { decodeTlv, encodeTlv } from "../tlv8.js";
import { PairVerifyServer } from "./pair-verify-server.js";

// pyatv's fake device (auth/server_auth.py): its identifier and key seed, and the
// credentials pyatv's client holds for it.
const PYATV_DEVICE_ID = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";
const PYATV_DEVICE_SEED = new Uint8Array(32).fill(0xaa);
const PYATV_CLIENT_CREDENTIALS =
  "E734EA6C2B6257DE72355E472AA05A4C487E6B463C029ED306DF2F01B5636B58:" +
  "80FD8265B0748DA90BC5C5294DABE394D3D47199994AE96AC73EE45C783537B1:" +
  "35443739374644332D333533382D343237452D413437422D41333246433643463" +
  "3413641:34443739374644332D333533382D343237452D413437422D413332464" +
  "336434633413641";

const credentials = parseCredentials(PYATV_CLIENT_CREDENTIALS);
const clientKey = ed25519KeyPairFromSeed(credentials.ltsk).publicKey;

function device(
  options: { seed?: Uint8Array; identifier?: string; knows?: boolean } = {},
): PairVerifyServer {
  return new PairVerifyServer({
    identifier: options.identifier ?? PYATV_DEVICE_ID,
    seed: options.seed ?? PYATV_DEVICE_SEED,
    clientPublicKey: (id) =>
      options.knows !== false && bytesEqual(id, credentials.clientId) ? clientKey : undefined,
  });
}

describe("pair-verify, client against device", () => {
  it("verifies pyatv's credentials against a device keyed as pyatv's fake", () => {
    const client = new PairVerifyClient(credentials);
    const server = device();
    const m4 = server.m4(client.m3(server.m2(client.m1())));
    const ours = client.finish(m4);
    expect(server.sharedSecret?.secret).toEqual(ours.secret);
    expect(server.clientId).toEqual(credentials.clientId);
  });

  it("derives session keys that talk to each other (MRP's labels)", () => {
    const client = new PairVerifyClient(credentials);
    const server = device();
    const secret = client.finish(server.m4(client.m3(server.m2(client.m1()))));
    const salt = "MediaRemote-Salt";
    const write = "MediaRemote-Write-Encryption-Key";
    const read = "MediaRemote-Read-Encryption-Key";
    const clientKeys = secret.sessionKeys(salt, write, read);
    const deviceKeys = server.sharedSecret?.sessionKeys(salt, read, write);
    expect(deviceKeys?.outputKey).toEqual(clientKeys.inputKey);
    expect(deviceKeys?.inputKey).toEqual(clientKeys.outputKey);
    expect(clientKeys.outputKey).not.toEqual(clientKeys.inputKey);
    expect(secret.deriveKey(salt, write)).toEqual(clientKeys.outputKey);

    const sending = new HapSession(clientKeys.outputKey, clientKeys.inputKey);
    const receiving = new HapSession(
      deviceKeys?.outputKey as Uint8Array,
      deviceKeys?.inputKey as Uint8Array,
    );
    const message = new TextEncoder().encode("play");
    expect(receiving.decrypt(sending.encrypt(message))).toEqual(message);
  });

  it("sends M1 as pyatv does: state and public key only", () => {
    const items = decodeTlv(new PairVerifyClient(credentials).m1());
    expect(items.entries.map(([type]) => type)).toEqual([TlvType.State, TlvType.PublicKey]);
    expect(items.get(TlvType.PublicKey)).toHaveLength(32);
  });

  it("rejects a device that signs with another key", () => {
    const client = new PairVerifyClient(credentials);
    const impostor = device({ seed: randomBytes(32) });
    expect(() => client.m3(impostor.m2(client.m1()))).toThrow(/signature in M2 is invalid/);
  });

  it("rejects a device with another identifier", () => {
    const client = new PairVerifyClient(credentials);
    const other = device({ identifier: "another device" });
    expect(() => client.m3(other.m2(client.m1()))).toThrow(AuthenticationError);
  });

  it("rejects an M2 whose sealed part was tampered with", () => {
    const client = new PairVerifyClient(credentials);
    const m2 = device().m2(client.m1());
    const entries = decodeTlv(m2).entries.map(([type, value]) => {
      if (type !== TlvType.EncryptedData) return [type, value] as const;
      const bad = value.slice();
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
      return [type, bad] as const;
    });
    expect(() => client.m3(encodeTlv(entries))).toThrow(AuthenticationError);
  });

  it("is refused by a device that does not know the client", () => {
    const client = new PairVerifyClient(credentials);
    const server = device({ knows: false });
    const m4 = server.m4(client.m3(server.m2(client.m1())));
    expect(decodeTlv(m4).getInteger(TlvType.Error)).toBe(TlvErrorCode.Authentication);
    expect(server.sharedSecret).toBeUndefined();
    expect(() => client.finish(m4)).toThrow(AuthenticationError);
    expect(() => new PairVerifyClient(credentials).finish(m4)).toThrow(InvalidStateError);
  });

  it("is refused by the device when the client's key is not the paired one", () => {
    const wrongSeed = new HapCredentials({
      ltpk: credentials.ltpk,
      ltsk: randomBytes(32),
      atvId: credentials.atvId,
      clientId: credentials.clientId,
    });
    const client = new PairVerifyClient(wrongSeed);
    const server = device();
    const m4 = server.m4(client.m3(server.m2(client.m1())));
    expect(() => client.finish(m4)).toThrow(
      /rejected the credentials \(device error: Authentication\)/,
    );
  });

  it("maps a BackOff answer to a BackOffError", () => {
    const client = new PairVerifyClient(credentials);
    client.m1();
    const m2 = encodeTlv([
      [TlvType.State, TlvState.M2],
      [TlvType.Error, TlvErrorCode.BackOff],
    ]);
    expect(() => client.m3(m2)).toThrow(BackOffError);
  });

  it("needs HAP credentials", () => {
    expect(() => new PairVerifyClient(parseCredentials(":::"))).toThrow(InvalidCredentialsError);
  });

  it("rejects messages out of order on the device", () => {
    const server = device();
    expect(() => server.m4(encodeTlv([[TlvType.State, 3]]))).toThrow(ProtocolError);
  });

  it("never throws anything but typed errors on random messages", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (noise) => {
        const client = new PairVerifyClient(credentials);
        client.m1();
        expect(() => client.m3(noise)).toThrow(AtvError);
        expect(() => device().m2(noise)).toThrow(ProtocolError);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws anything but typed errors on mutated M2 and M3", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 255 }), (at, byte) => {
        const client = new PairVerifyClient(credentials);
        const server = device();
        const m2 = server.m2(client.m1()).slice();
        m2[at % m2.length] = byte;
        try {
          const m3 = client.m3(m2).slice();
          m3[at % m3.length] = byte;
          server.m4(m3);
        } catch (error) {
          expect(error).toBeInstanceOf(AtvError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
