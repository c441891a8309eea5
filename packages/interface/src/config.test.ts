import { describe, expect, it } from "vitest";
import { AppleTV } from "./config.js";
import { DeviceModel, Protocol } from "./const.js";
import { DeviceInfo } from "./device-info.js";
import { NoServiceError } from "./errors.js";
import { Service } from "./service.js";

function device(...services: Service[]): AppleTV {
  const atv = new AppleTV({
    address: "10.0.0.10",
    name: "Living Room",
    deviceInfo: new DeviceInfo({
      model: DeviceModel.Gen4K,
      mac: "AA:BB:CC:DD:EE:FF",
      buildNumber: "18M60",
    }),
  });
  for (const s of services) atv.addService(s);
  return atv;
}

describe("AppleTV", () => {
  it("takes the main identifier in pyatv's order: MRP, DMAP, AirPlay, RAOP, Companion", () => {
    const atv = device(
      new Service({ protocol: Protocol.Companion, port: 1, identifier: "companion" }),
      new Service({ protocol: Protocol.RAOP, port: 2, identifier: "raop" }),
      new Service({ protocol: Protocol.AirPlay, port: 3, identifier: "airplay" }),
    );
    expect(atv.identifier).toBe("airplay");
    atv.addService(new Service({ protocol: Protocol.MRP, port: 4, identifier: "mrp" }));
    expect(atv.identifier).toBe("mrp");
    expect(atv.allIdentifiers).toEqual(["companion", "raop", "airplay", "mrp"]);
  });

  it("is ready only with a non-empty identifier", () => {
    expect(device().ready).toBe(false);
    expect(device(new Service({ protocol: Protocol.MRP, port: 1, identifier: "" })).ready).toBe(
      false,
    );
    expect(device(new Service({ protocol: Protocol.MRP, port: 1, identifier: "x" })).ready).toBe(
      true,
    );
  });

  it("merges a second service of the same protocol into the first", () => {
    const atv = device(
      new Service({ protocol: Protocol.DMAP, port: 3689, identifier: "a", properties: { x: "1" } }),
    );
    atv.addService(
      new Service({ protocol: Protocol.DMAP, port: 3689, identifier: "b", credentials: "c" }),
    );
    expect(atv.services).toHaveLength(1);
    expect(atv.getService(Protocol.DMAP)?.credentials).toBe("c");
    expect(atv.getService(Protocol.DMAP)?.identifier).toBe("a");
  });

  it("picks the service to connect with, or raises NoServiceError", () => {
    const atv = device(
      new Service({ protocol: Protocol.Companion, port: 1 }),
      new Service({ protocol: Protocol.AirPlay, port: 2 }),
    );
    expect(atv.mainService().protocol).toBe(Protocol.AirPlay);
    expect(atv.mainService(Protocol.Companion).protocol).toBe(Protocol.Companion);
    expect(() => atv.mainService(Protocol.MRP)).toThrow(NoServiceError);
    expect(() =>
      device(new Service({ protocol: Protocol.Companion, port: 1 })).mainService(),
    ).toThrow(NoServiceError);
  });

  it("sets credentials only on services it has", () => {
    const atv = device(new Service({ protocol: Protocol.MRP, port: 1 }));
    expect(atv.setCredentials(Protocol.MRP, "creds")).toBe(true);
    expect(atv.getService(Protocol.MRP)?.credentials).toBe("creds");
    expect(atv.setCredentials(Protocol.AirPlay, "creds")).toBe(false);
  });

  it("prints pyatv's scan layout", () => {
    const atv = device(new Service({ protocol: Protocol.MRP, port: 49152, identifier: "mrp-id" }));
    expect(String(atv)).toBe(
      [
        "       Name: Living Room",
        "   Model/SW: Apple TV 4K, tvOS 14.7 build 18M60",
        "    Address: 10.0.0.10",
        "        MAC: AA:BB:CC:DD:EE:FF",
        " Deep Sleep: False",
        "Identifiers:",
        " - mrp-id",
        "Services:",
        " - Protocol: MRP, Port: 49152, Credentials: None, Requires Password: False, Password: None, Pairing: Unsupported",
      ].join("\n"),
    );
  });

  it("clones deeply", () => {
    const atv = device(new Service({ protocol: Protocol.MRP, port: 1, identifier: "x" }));
    const copy = atv.clone();
    copy.setCredentials(Protocol.MRP, "secret");
    expect(atv.getService(Protocol.MRP)?.credentials).toBeUndefined();
    expect(copy.identifier).toBe("x");
  });
});
