import {
  decodeTlv,
  encodeTlv,
  TlvErrorCode,
  TlvFlags,
  TlvState,
  TlvType,
  TRANSIENT_CREDENTIALS,
} from "@atv/hap";
import { encodePlist } from "@atv/plist";
import { describe, expect, it } from "vitest";
import { AirPlayHapPairSetup } from "./hap-pairing.js";
import { AirPlayLegacyPairSetup } from "./legacy-pairing.js";
import { connectTo, DEVICE_PIN, newPairingServer } from "./test-fixtures.js";
import { verifyConnection } from "./verify.js";

const HKP = { "x-apple-hkp": "3" };
const tlv = (...entries: [number, number | Uint8Array][]): Uint8Array => encodeTlv(entries);

function tlvError(body: Uint8Array): { state?: number; error?: number } {
  const items = decodeTlv(body);
  return { state: items.getInteger(TlvType.State), error: items.getInteger(TlvType.Error) };
}

async function pairHap(server = newPairingServer()) {
  const setup = new AirPlayHapPairSetup(connectTo(server).exchange);
  await setup.start();
  return setup.finish(DEVICE_PIN);
}

describe("AirPlayPairingServer", () => {
  it("answers /pair-pin-start with an empty 200 and unknown paths with 404", () => {
    const server = newPairingServer();
    expect(server.handle("/pair-pin-start", new Uint8Array())).toEqual({
      status: 200,
      body: new Uint8Array(),
    });
    expect(server.handle("/pair-add", new Uint8Array()).status).toBe(404);
  });

  it("answers a HAP message out of turn with the next state and an error item", () => {
    const session = newPairingServer().session();
    const m3 = tlv([TlvType.State, TlvState.M3], [TlvType.PublicKey, new Uint8Array(384)]);
    const answer = session.handle("/pair-setup", m3, HKP);
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({ "Content-Type": "application/octet-stream" });
    expect(tlvError(answer.body)).toEqual({ state: TlvState.M4, error: TlvErrorCode.Unknown });
    const verifyM3 = tlv([TlvType.State, TlvState.M3], [TlvType.EncryptedData, new Uint8Array(80)]);
    expect(tlvError(session.handle("/pair-verify", verifyM3, HKP).body)).toEqual({
      state: TlvState.M4,
      error: TlvErrorCode.Unknown,
    });
  });

  it("answers an M1 asking for another method with an error item", () => {
    const m1 = tlv([TlvType.Method, 5], [TlvType.State, TlvState.M1]);
    const answer = newPairingServer().handle("/pair-setup", m1, HKP);
    expect(tlvError(answer.body)).toEqual({ state: TlvState.M2, error: TlvErrorCode.Unknown });
  });

  it("answers what is not TLV8 or not a plist with 400", () => {
    const server = newPairingServer();
    expect(server.handle("/pair-setup", Uint8Array.of(6, 5, 1), HKP).status).toBe(400);
    expect(server.handle("/pair-setup-pin", Uint8Array.of(1, 2, 3)).status).toBe(400);
    // A legacy step out of turn.
    const proof = encodePlist({ pk: new Uint8Array(256), proof: new Uint8Array(20) });
    expect(server.handle("/pair-setup-pin", proof).status).toBe(400);
    expect(server.handle("/pair-verify", new Uint8Array(68)).status).toBe(400);
  });

  it("reports a secret only with the answer that completes a verify", async () => {
    const server = newPairingServer();
    const transient = connectTo(server);
    const secret = await verifyConnection(TRANSIENT_CREDENTIALS, transient.exchange);
    expect(transient.answers.map((a) => a.verified?.transient)).toEqual([
      undefined,
      undefined,
      true,
    ]);
    expect(transient.verified()?.secret.secret).toEqual(secret?.secret);

    const credentials = await pairHap(server);
    const verify = connectTo(server);
    await verifyConnection(credentials, verify.exchange);
    expect(verify.answers.map((a) => a.verified?.transient)).toEqual([undefined, false]);

    const stranger = connectTo(newPairingServer());
    await expect(verifyConnection(credentials, stranger.exchange)).rejects.toThrow();
    expect(stranger.verified()).toBeUndefined();
  });

  it("keeps handshakes per connection and pairings across them", async () => {
    const server = newPairingServer();
    const m1 = tlv(
      [TlvType.Method, 0],
      [TlvType.State, TlvState.M1],
      [TlvType.Flags, TlvFlags.TransientPairing],
    );
    const first = server.session();
    expect(tlvError(first.handle("/pair-setup", m1, HKP).body).error).toBeUndefined();
    // Another connection has no handshake going: its M3 is out of turn.
    const m3 = tlv([TlvType.State, TlvState.M3], [TlvType.PublicKey, new Uint8Array(384)]);
    expect(tlvError(server.session().handle("/pair-setup", m3, HKP).body).error).toBe(
      TlvErrorCode.Unknown,
    );
    const credentials = await pairHap(server);
    await expect(verifyConnection(credentials, connectTo(server).exchange)).resolves.toBeDefined();
    await expect(
      verifyConnection(credentials, connectTo(server.session()).exchange),
    ).resolves.toBeDefined();
  });

  it("remembers a bounded number of clients, dropping the least recently used", async () => {
    const server = newPairingServer({ maxPairings: 1 });
    const first = await pairHap(server);
    const second = await pairHap(server);
    await expect(verifyConnection(second, connectTo(server).exchange)).resolves.toBeDefined();
    await expect(verifyConnection(first, connectTo(server).exchange)).rejects.toThrow();
  });

  it("speaks no legacy pairing when told not to", async () => {
    const server = newPairingServer({ legacy: false });
    expect(
      server.handle("/pair-setup-pin", encodePlist({ method: "pin", user: "AB" })).status,
    ).toBe(404);
    expect(server.handle("/pair-verify", new Uint8Array(68)).status).toBe(501);
    const setup = new AirPlayLegacyPairSetup(connectTo(server).exchange);
    await setup.start();
    await expect(setup.finish(DEVICE_PIN)).rejects.toThrow();
  });
});
