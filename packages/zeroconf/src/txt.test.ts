import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTxt, decodeTxtValue, encodeTxt } from "./txt.js";

const utf8 = new TextEncoder();
const strings = (...values: (string | number[])[]) =>
  values.map((v) => (typeof v === "string" ? utf8.encode(v) : Uint8Array.from(v)));

describe("decodeTxt", () => {
  it("reads key=value strings with case-insensitive keys, keeping the device's spelling", () => {
    const props = decodeTxt(strings("deviceid=AA:BB:CC:DD:EE:FF", "Name=Living Room"));
    expect(props.get("deviceId")).toBe("AA:BB:CC:DD:EE:FF");
    expect(props.get("name")).toBe("Living Room");
    expect(props.keys()).toEqual(["deviceid", "Name"]);
  });

  it("splits at the first '=' only", () => {
    expect(decodeTxt(strings("pk=a=b==")).get("pk")).toBe("a=b==");
  });

  it("treats a string without '=' as a boolean key with an empty value", () => {
    const props = decodeTxt(strings("PairingRequired", "a="));
    expect(props.has("pairingrequired")).toBe(true);
    expect(props.get("PairingRequired")).toBe("");
    expect(props.get("a")).toBe("");
  });

  it("skips empty and non-ASCII keys, and the empty string of an empty record", () => {
    const props = decodeTxt(strings("=value", [0xc3, 0xa9, 0x3d, 0x31], [], "ok=1"));
    expect(props.keys()).toEqual(["ok"]);
  });

  it("keeps the first of repeated keys (RFC 6763 §6.4)", () => {
    expect(decodeTxt(strings("Model=first", "model=second")).get("model")).toBe("first");
  });

  it("turns non-breaking spaces into spaces, as pyatv does", () => {
    // Issue #919 of pyatv: "Apple\u00a0TV" in names.
    expect(decodeTxtValue(Uint8Array.from([0x41, 0xc2, 0xa0, 0x42, 0x00, 0xa0, 0x43]))).toBe(
      "A B C",
    );
  });

  it("keeps raw bytes, and still gives text for values that are not UTF-8", () => {
    const raw = [0x70, 0x6b, 0x3d, 0xff, 0xfe, 0x00, 0x41];
    const props = decodeTxt(strings(raw));
    expect([...(props.raw("PK") ?? [])]).toEqual([0xff, 0xfe, 0x00, 0x41]);
    expect(props.get("pk")).toBe("\ufffd\ufffd\u0000A");
  });
});

describe("encodeTxt", () => {
  it("round-trips text and binary values", () => {
    const encoded = encodeTxt({ model: "J305AP", bin: Uint8Array.from([0, 1, 255]) });
    const props = decodeTxt(encoded);
    expect(props.get("model")).toBe("J305AP");
    expect([...(props.raw("bin") ?? [])]).toEqual([0, 1, 255]);
  });

  it("gives the single empty string of an empty TXT record", () => {
    expect(encodeTxt({})).toEqual([new Uint8Array(0)]);
  });

  it("refuses an entry over 255 bytes", () => {
    expect(() => encodeTxt({ k: "x".repeat(254) })).toThrow(RangeError);
    expect(encodeTxt({ k: "x".repeat(253) })[0]?.length).toBe(255);
  });

  it("decodes any strings without throwing", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 255 }), { maxLength: 30 }), (input) => {
        const props = decodeTxt(input);
        for (const key of props.keys()) expect(props.get(key)).toBeTypeOf("string");
      }),
      { numRuns: 2000 },
    );
  });
});
