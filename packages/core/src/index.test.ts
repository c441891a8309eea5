import * as vocabulary from "@atv/interface";
import { describe, expect, it } from "vitest";
import * as core from "./index.js";

describe("@atv/core's public surface", () => {
  it("re-exports every value of @atv/interface, so one import is enough", () => {
    const missing = Object.keys(vocabulary).filter((name) => !(name in core));
    expect(missing).toEqual([]);
  });

  it("exports scan and the protocol list", () => {
    expect(typeof core.scan).toBe("function");
    expect(core.BUILT_IN_PROTOCOLS.map((p) => p.protocol).sort()).toEqual(
      [
        core.Protocol.DMAP,
        core.Protocol.MRP,
        core.Protocol.AirPlay,
        core.Protocol.Companion,
        core.Protocol.RAOP,
      ].sort(),
    );
  });
});
