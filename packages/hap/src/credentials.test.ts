import { InvalidCredentialsError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CredentialsType,
  HapCredentials,
  NO_CREDENTIALS,
  parseCredentials,
  TRANSIENT_CREDENTIALS,
} from "./credentials.js";

// pyatv's auth/server_auth.py CLIENT_CREDENTIALS: what pyatv's own client stores after
// pairing with its fake device (ltpk is the Ed25519 public key of seed 32 * 0xaa).
const PYATV_CREDENTIALS =
  "E734EA6C2B6257DE72355E472AA05A4C487E6B463C029ED306DF2F01B5636B58:" +
  "80FD8265B0748DA90BC5C5294DABE394D3D47199994AE96AC73EE45C783537B1:" +
  "35443739374644332D333533382D343237452D413437422D41333246433643463" +
  "3413641:34443739374644332D333533382D343237452D413437422D413332464" +
  "336434633413641";

describe("parseCredentials", () => {
  it("reads pyatv's HAP credentials", () => {
    const credentials = parseCredentials(PYATV_CREDENTIALS);
    expect(credentials.type).toBe(CredentialsType.Hap);
    expect(credentials.ltsk).toHaveLength(32);
    expect(new TextDecoder().decode(credentials.atvId)).toBe(
      "5D797FD3-3538-427E-A47B-A32FC6CF3A6A",
    );
    expect(new TextDecoder().decode(credentials.clientId)).toBe(
      "4D797FD3-3538-427E-A47B-A32FC6CF3A6A",
    );
  });

  it("writes them back as pyatv's str() does (lowercase hex)", () => {
    expect(parseCredentials(PYATV_CREDENTIALS).toString()).toBe(PYATV_CREDENTIALS.toLowerCase());
  });

  it("round-trips exactly what it writes", () => {
    const text = PYATV_CREDENTIALS.toLowerCase();
    expect(parseCredentials(text).toString()).toBe(text);
    expect(parseCredentials(` ${text}\n`).equals(parseCredentials(text))).toBe(true);
  });

  it("reads AirPlay's legacy two-part form client_id:ltsk", () => {
    const seed = "aa".repeat(32);
    const credentials = parseCredentials(`0102030405060708:${seed}`);
    expect(credentials.type).toBe(CredentialsType.Legacy);
    expect(Buffer.from(credentials.clientId).toString("hex")).toBe("0102030405060708");
    // pyatv writes every kind in the four-part form.
    expect(credentials.toString()).toBe(`:${seed}::0102030405060708`);
    expect(parseCredentials(credentials.toString()).type).toBe(CredentialsType.Legacy);
  });

  it("reads the transient and empty forms pyatv writes", () => {
    expect(TRANSIENT_CREDENTIALS.toString()).toBe("7472616e7369656e74:::");
    expect(parseCredentials("7472616e7369656e74:::").type).toBe(CredentialsType.Transient);
    expect(parseCredentials(":::").type).toBe(CredentialsType.Null);
    expect(NO_CREDENTIALS.toString()).toBe(":::");
  });

  it.each([
    ["too few parts", "aa:bb:cc"],
    ["too many parts", "aa:bb:cc:dd:ee"],
    ["one part", "abcdef"],
    ["odd hex", `${"aa".repeat(32)}:${"bb".repeat(32)}:abc:dd`],
    ["not hex", `${"aa".repeat(32)}:${"bb".repeat(32)}:zz:dd`],
    ["short ltpk", `${"aa".repeat(31)}:${"bb".repeat(32)}:cc:dd`],
    ["64-byte ltsk", `${"aa".repeat(32)}:${"bb".repeat(64)}:cc:dd`],
    ["missing atv_id", `${"aa".repeat(32)}:${"bb".repeat(32)}::dd`],
    ["missing client_id", `${"aa".repeat(32)}:${"bb".repeat(32)}:cc:`],
    ["legacy with a short seed", "0102:bbbb"],
  ])("rejects %s", (_, text) => {
    expect(() => parseCredentials(text)).toThrow(InvalidCredentialsError);
  });

  it("never throws anything but InvalidCredentialsError", () => {
    const part = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("hex")),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(part, { maxLength: 6 }).map((p) => p.join(":")),
        ),
        (text) => {
          try {
            const credentials = parseCredentials(text);
            expect(parseCredentials(credentials.toString()).equals(credentials)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidCredentialsError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("HapCredentials", () => {
  it("keeps copies of its parts", () => {
    const ltsk = new Uint8Array(32).fill(1);
    const credentials = new HapCredentials({ ltsk, clientId: new Uint8Array([1]) });
    ltsk.fill(2);
    expect(credentials.ltsk[0]).toBe(1);
  });
});
