import { PlainProperties } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { ALL_FEATURES, receiverFeatures } from "./receiver-features.js";

function props(values: Record<string, string>) {
  const properties = new PlainProperties();
  for (const [key, value] of Object.entries(values)) properties.set(key, value);
  return properties;
}

describe("receiverFeatures", () => {
  it("reads md and et as pyatv's parsers", () => {
    expect(receiverFeatures(props({ md: "0,2" }))).toEqual({
      text: true,
      artwork: false,
      progress: true,
      needsAuthSetup: false,
    });
    expect(receiverFeatures(props({ md: "0,x" })).text).toBe(false);
    expect(receiverFeatures(props({ et: "0,4", am: "AirPort10,115" })).needsAuthSetup).toBe(true);
    expect(receiverFeatures(props({ et: "0,4", am: "AudioAccessory5,1" })).needsAuthSetup).toBe(
      false,
    );
    expect(receiverFeatures(undefined)).toBe(ALL_FEATURES);
  });
});
