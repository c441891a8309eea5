import { SharedSecret } from "@atv/hap";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../../scripts/byte-mutations.js";
import { controlKeys, dataStreamKeys, eventsKeys, KeySide } from "./keys.js";

// Known answers from pyatv 0.18.0's hkdf_expand (the shared vectors' hap-keys.json):
// a 32-byte X25519-style secret and a 64-byte SRP session key.
const SHARED_32 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
const SRP_64 =
  "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f";
const DATASTREAM_SEED = 81985529216486895n;

const VECTORS = [
  {
    secret: SHARED_32,
    control: [
      "8453f83e25e485a05d392934a15185b46c2063123840ec886d5b787ce8a51812",
      "d6cc91e808b4afaee4207d7ee7bcddf5541a5f9bd7ca4364df9b8a4db46a314e",
    ],
    events: [
      "dfd45b9c22152ecf72317919575acf330d4b8a7b83efa6c575f0358c927ceee5",
      "798ba242d78b01bf51111ef45d2a2936cd6aa65177dd09ddbb6e89272c6118f9",
    ],
    dataStream: [
      "1d5d8baa5e65340b31559f539b477bb04b3b74e6529b58ac94c5281eb13a8602",
      "d1e080f7be953130549c5fa1f5bc7137a46e98965f1268d9a3c9bff0c1ccf051",
    ],
  },
  {
    secret: SRP_64,
    control: [
      "9487607a2a0e7136be6898edddd161e0ed5cea021f61ddaa05259de457863f2a",
      "f8b126eb5023591018fd05cd4b332ff918f598d72afea5278bf89fe92841e46a",
    ],
    events: [
      "15f76fb64f6a2c396bba52939e77994bdecf55a7692ee6251f5306ef598a1d57",
      "912e14c1ebcb21a40671df403eafa82d096c49248b42c591fd9fa2f8a00a58b8",
    ],
    dataStream: [
      "0f9b754a95d1a874c2b3ecd9ecee91df47f6c5b8a4ebfdd7c3e578e38f58a747",
      "0e64007a86d34c31251f96da5c29ef20d0e686bf6fd3d2ef9e58936d8a7edd28",
    ],
  },
];

const pair = (keys: { outputKey: Uint8Array; inputKey: Uint8Array }): string[] => [
  toHex(keys.outputKey),
  toHex(keys.inputKey),
];

describe("AirPlay channel keys", () => {
  for (const vector of VECTORS) {
    const secret = new SharedSecret(fromHex(vector.secret));
    const size = vector.secret.length / 2;

    it(`derives pyatv's control keys from a ${size}-byte secret`, () => {
      expect(pair(controlKeys(secret))).toEqual(vector.control);
    });

    it(`derives pyatv's event keys (Read info out, Write info in), ${size}-byte secret`, () => {
      expect(pair(eventsKeys(secret))).toEqual(vector.events);
    });

    it(`derives pyatv's data stream keys with the seed in the salt, ${size}-byte secret`, () => {
      expect(pair(dataStreamKeys(secret, DATASTREAM_SEED))).toEqual(vector.dataStream);
    });

    it(`gives the device the client's keys swapped, ${size}-byte secret`, () => {
      expect(pair(controlKeys(secret, KeySide.Device))).toEqual([...vector.control].reverse());
      expect(pair(eventsKeys(secret, KeySide.Device))).toEqual([...vector.events].reverse());
      expect(pair(dataStreamKeys(secret, DATASTREAM_SEED, KeySide.Device))).toEqual(
        [...vector.dataStream].reverse(),
      );
    });
  }

  it("derives the AirPlay keys pyatv lists for its pair-verify vector's secret", () => {
    // pair-verify.json: other_session_keys_from_this_shared_secret, airplay_control.
    const secret = new SharedSecret(
      fromHex("6424216080020b6599dec64149eda4d8eacd37a2bc76912e2e33890957733944"),
    );
    expect(pair(controlKeys(secret))).toEqual([
      "38decd57b4ffb1dfd6648a360aea99d088d0fe477a0a52d67cc89420518702ea",
      "5919b6e74c107522270a06fc9092546996a474ce02d974294e7ee1b7571b4cde",
    ]);
  });

  it("takes a data stream seed as a number or a bigint, and refuses negative ones", () => {
    const secret = new SharedSecret(fromHex(SHARED_32));
    expect(dataStreamKeys(secret, 1234)).toEqual(dataStreamKeys(secret, 1234n));
    expect(dataStreamKeys(secret, 1234)).not.toEqual(dataStreamKeys(secret, 1235));
    expect(() => dataStreamKeys(secret, -1)).toThrow(RangeError);
    expect(() => dataStreamKeys(secret, -1n)).toThrow(RangeError);
    expect(() => dataStreamKeys(secret, 1.5)).toThrow(RangeError);
  });
});
