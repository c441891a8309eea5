import { createHash } from "node:crypto";
import { InvalidConfigError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dmapCredentials,
  dmapPairingCode,
  formatPairingGuid,
  formatPin,
  randomPairingGuid,
} from "./pairing-code.js";
import { pairingCodeVectors } from "./test-vectors.js";

describe("dmapPairingCode", () => {
  it("gives pyatv's code for every vector", () => {
    expect(pairingCodeVectors.length).toBeGreaterThan(0);
    for (const vector of pairingCodeVectors) {
      // Every recorded code was accepted by pyatv's _verify_pin for its GUID and PIN.
      expect(vector.accepted_by_verify_pin).toBe(true);
      expect(dmapPairingCode(vector.pairing_guid, vector.pin)).toBe(vector.pairing_code);
      expect(dmapPairingCode(BigInt(vector.pairing_guid), String(vector.pin))).toBe(
        vector.pairing_code,
      );
      const input = Buffer.from(vector.md5_input_hex, "hex");
      expect(createHash("md5").update(input).digest("hex")).toBe(vector.pairing_code);
    }
  });

  it("takes the GUID with or without 0x and the PIN as number or text", () => {
    expect(dmapPairingCode("0x0000000000000001", 1234)).toBe("690e6ff61e0d7c747654a42aed17047d");
    expect(dmapPairingCode("1", "1234")).toBe("690e6ff61e0d7c747654a42aed17047d");
  });

  it("zero-pads the PIN to four digits", () => {
    expect(dmapPairingCode("0x0000000000000001", 7)).toBe(dmapPairingCode(1n, "0007"));
    // pyatv's test: GUID 0x7D1324235F535AE7 with PIN 1 (PAIRING_CODE3).
    expect(dmapPairingCode("0x7D1324235F535AE7", 1)).toBe("a34c3361c7d57d61ca41f62a8042f069");
    expect(dmapPairingCode("0x1234ABCDE56789FF", 5555)).toBe("58ad1d195b6daa58aa2ea29dc25b81c3");
  });

  it("differs for another PIN or GUID", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 9999 }),
        (guid, pin) => {
          const code = dmapPairingCode(guid, pin);
          expect(code).toMatch(/^[0-9a-f]{32}$/);
          expect(dmapPairingCode(guid, (pin + 1) % 10_000)).not.toBe(code);
        },
      ),
    );
  });

  it("rejects what is not a GUID or a PIN with InvalidConfigError", () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.string(), fc.double()), (guid, pin) => {
        try {
          dmapPairingCode(guid, pin);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidConfigError);
        }
      }),
    );
    expect(() => dmapPairingCode("0x12345678901234567", 1234)).toThrow(InvalidConfigError);
    expect(() => dmapPairingCode(-1n, 1234)).toThrow(InvalidConfigError);
    expect(() => dmapPairingCode("zz", 1234)).toThrow(InvalidConfigError);
    expect(() => dmapPairingCode("1", -1)).toThrow(InvalidConfigError);
    expect(() => dmapPairingCode("1", 1.5)).toThrow(InvalidConfigError);
    expect(() => dmapPairingCode("1", "12a4")).toThrow(InvalidConfigError);
  });
});

describe("pairing GUID and credentials", () => {
  it("formats as 16 upper-case hex digits, credentials with 0x", () => {
    expect(formatPairingGuid("0x4d797fd3b0ba4c1e")).toBe("4D797FD3B0BA4C1E");
    expect(formatPairingGuid(1n)).toBe("0000000000000001");
    expect(dmapCredentials("1")).toBe("0x0000000000000001");
    expect(formatPin(7)).toBe("0007");
    expect(formatPin("0123")).toBe("0123");
  });

  it("draws random GUIDs of 16 digits", () => {
    const guids = new Set(Array.from({ length: 20 }, () => randomPairingGuid()));
    expect(guids.size).toBe(20);
    for (const guid of guids) expect(guid).toMatch(/^[0-9A-F]{16}$/);
  });
});
