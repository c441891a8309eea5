import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { uniqueIdentifier } from "./unique-identifier.js";

describe("uniqueIdentifier", () => {
  it("is an upper-case version 4 UUID", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), () => {
        expect(uniqueIdentifier()).toMatch(
          /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
        );
      }),
    );
  });

  it("does not repeat", () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => uniqueIdentifier()));
    expect(seen.size).toBe(10_000);
  });
});
