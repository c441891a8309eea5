import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("@atv/interface", () => {
  it("exports its runtime values by name", () => {
    const expected = [
      "AppleTV",
      "PlainProperties",
      "Service",
      "DeviceInfo",
      "Protocol",
      "FeatureName",
      "enumName",
      "lookupModel",
      "lookupInternalName",
      "lookupVersion",
      "lookupOs",
      "modelStr",
      "protocolStr",
      "createPlaying",
      "collectFeatures",
      "AtvError",
      "NoServiceError",
      "HttpError",
      "AirPlayVersion",
      "MrpTunnel",
      "DEFAULT_INFO_SETTINGS",
    ];
    for (const name of expected) expect(api, name).toHaveProperty(name);
  });

  it("exports no default", () => {
    expect(api).not.toHaveProperty("default");
  });

  it("builds a configuration from its parts", () => {
    const conf = new api.AppleTV({
      address: "10.0.0.10",
      name: "Living Room",
      deviceInfo: new api.DeviceInfo({
        model: api.lookupModel("AppleTV6,2"),
        buildNumber: "18K57",
      }),
    });
    conf.addService(new api.Service({ identifier: "id", protocol: api.Protocol.MRP, port: 49152 }));
    expect(conf.identifier).toBe("id");
    expect(String(conf.deviceInfo)).toBe("Apple TV 4K, tvOS 14.2 build 18K57");
    expect(() => conf.mainService(api.Protocol.DMAP)).toThrow(api.NoServiceError);
  });
});
