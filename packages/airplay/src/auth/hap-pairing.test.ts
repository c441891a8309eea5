import { CredentialsType, decodeTlv, parseCredentials, TlvType } from "@atv/hap";
import { PairSetupServer } from "@atv/hap/server";
import { InvalidStateError, PairingError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../scripts/byte-mutations.js";
import { inMemoryExchange } from "../play/test-exchange.js";
import { AirPlayHapPairSetup } from "./hap-pairing.js";
import { controlKeys, KeySide } from "./keys.js";
import { encodeDisplayName } from "./name-item.js";
import {
  connectTo,
  DEVICE_ID,
  DEVICE_PIN,
  DEVICE_SEED,
  newPairingServer,
} from "./test-fixtures.js";
import { HAP_SETUP } from "./test-vectors.js";
import { hapPairVerify } from "./verify.js";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe("HAP pair-setup over AirPlay", () => {
  it("pairs with the right PIN, and the credentials then verify", async () => {
    const server = newPairingServer();
    const setup = new AirPlayHapPairSetup(connectTo(server).exchange);
    await setup.start();
    const credentials = await setup.finish(DEVICE_PIN);

    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(credentials.ltpk).toEqual(server.publicKey);
    expect(text(credentials.atvId)).toBe(DEVICE_ID);
    expect(parseCredentials(credentials.toString()).equals(credentials)).toBe(true);
    expect(server.pairings.hapKey(credentials.clientId)).toBeDefined();

    const link = connectTo(server);
    const secret = await hapPairVerify(credentials, link.exchange);
    const verified = link.verified();
    expect(verified?.transient).toBe(false);
    expect(verified?.clientId).toEqual(credentials.clientId);
    expect(verified?.secret.secret).toEqual(secret.secret);
    const device = controlKeys(verified?.secret ?? secret, KeySide.Device);
    expect(controlKeys(secret)).toEqual({ outputKey: device.inputKey, inputKey: device.outputKey });
  });

  it("sends pyatv's requests: /pair-pin-start, then M1, M3, M5 with X-Apple-HKP 3", async () => {
    const link = connectTo(newPairingServer());
    const setup = new AirPlayHapPairSetup(link.exchange);
    await setup.start();
    await setup.finish(DEVICE_PIN);
    expect(link.requests.map((r) => `${r.method} ${r.uri}`)).toEqual([
      "POST /pair-pin-start",
      "POST /pair-setup",
      "POST /pair-setup",
      "POST /pair-setup",
    ]);
    for (const request of link.requests) {
      expect(request.headers).toEqual({
        "User-Agent": "AirPlay/320.20",
        Connection: "keep-alive",
        "X-Apple-HKP": 3,
        "Content-Type": "application/octet-stream",
      });
    }
    expect(link.requests[0]?.body).toBeUndefined();
    // pyatv's M1: Method 0, State 1.
    expect(toHex(link.requests[1]?.body ?? new Uint8Array())).toBe("000100060101");
  });

  it("says a wrong PIN is a wrong PIN, and a new attempt needs a new start", async () => {
    const server = newPairingServer({ pin: 1111 });
    const setup = new AirPlayHapPairSetup(connectTo(server).exchange);
    await setup.start();
    const failure = setup.finish(9999);
    await expect(failure).rejects.toThrow(PairingError);
    await expect(failure).rejects.toThrow(/wrong PIN/);
    // The attempt is used up; a new one starts with start().
    await expect(setup.finish(1111)).rejects.toThrow(InvalidStateError);
    await setup.start();
    await expect(setup.finish(1111)).resolves.toBeDefined();
  });

  it("takes a wrong PIN answered with an HTTP error as a wrong PIN too", async () => {
    for (const status of [470, 401, 403]) {
      const server = newPairingServer();
      const link = connectTo(server, (answer, index) =>
        index === 2 ? { status, body: new Uint8Array() } : answer,
      );
      const setup = new AirPlayHapPairSetup(link.exchange);
      await setup.start();
      await expect(setup.finish(DEVICE_PIN)).rejects.toThrow(PairingError);
    }
  });

  it("cannot finish before it has started", async () => {
    const setup = new AirPlayHapPairSetup(connectTo(newPairingServer()).exchange);
    await expect(setup.finish(DEVICE_PIN)).rejects.toThrow(InvalidStateError);
  });

  it("gives the device the display name in M5, OPACK-encoded as pyatv does", async () => {
    for (const name of ["Living Room", undefined, ""]) {
      const device = new PairSetupServer({ identifier: DEVICE_ID, seed: DEVICE_SEED, pin: 1234 });
      const { exchange } = inMemoryExchange(async (_method, path, _headers, body) => {
        if (path === "/pair-pin-start") return { status: 200 };
        const state = decodeTlv(body).getInteger(TlvType.State);
        const answer =
          state === 1 ? device.m2(body) : state === 3 ? device.m4(body) : device.m6(body);
        return { status: 200, body: answer };
      });
      const setup = new AirPlayHapPairSetup(exchange, name === undefined ? {} : { name });
      await setup.start();
      await setup.finish(1234);
      expect(device.pairedClient?.extraItems).toEqual(
        name ? [[TlvType.Name, encodeDisplayName(name)]] : [],
      );
    }
  });

  it("sends pyatv's exact messages and makes pyatv's credentials (PIN 1111 vector)", async () => {
    // The device's side is replayed from the recording: each request must be the one
    // pyatv sent, byte for byte, or the replay answers 400.
    const recorded = HAP_SETUP.messages.map(fromHex);
    let next = 0;
    const { exchange } = inMemoryExchange(async (_method, path, _headers, body) => {
      if (path === "/pair-pin-start") return { status: 200 };
      const expected = recorded[next] as Uint8Array;
      const answer = recorded[next + 1] as Uint8Array;
      next += 2;
      return toHex(body) === toHex(expected) ? { status: 200, body: answer } : { status: 400 };
    });
    const setup = new AirPlayHapPairSetup(exchange, {
      client: {
        clientId: HAP_SETUP.clientId,
        seed: fromHex(HAP_SETUP.clientSeed),
        srpSecret: fromHex(HAP_SETUP.clientSeed),
      },
    });
    await setup.start();
    const credentials = await setup.finish(HAP_SETUP.pin);
    expect(next).toBe(6);
    expect(credentials.toString()).toBe(HAP_SETUP.credentials);
  });
});

describe("the display name item", () => {
  it("packs {name: ...} as pyatv's OPACK does", () => {
    // e1: dictionary of one; 44 "name"; 4N: a string of N bytes.
    expect(toHex(encodeDisplayName("pyatv"))).toBe("e1446e616d65457079617476");
    // A value equal to the key is a back reference to object 0 (pyatv's packer).
    expect(toHex(encodeDisplayName("name"))).toBe("e1446e616d65a0");
    expect(toHex(encodeDisplayName(""))).toBe("e1446e616d6540");
    // 32 bytes still fit the short form; 33 take 0x61 and a length byte.
    expect(toHex(encodeDisplayName("a".repeat(32)))).toBe(`e1446e616d6560${"61".repeat(32)}`);
    expect(toHex(encodeDisplayName("a".repeat(33)))).toBe(`e1446e616d656121${"61".repeat(33)}`);
    expect(toHex(encodeDisplayName("a".repeat(256)).subarray(0, 9))).toBe("e1446e616d65620001");
    // UTF-8 bytes are counted, not characters.
    expect(toHex(encodeDisplayName("é"))).toBe("e1446e616d6542c3a9");
  });
});
