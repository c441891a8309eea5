import {
  DeviceModel,
  OperatingSystem,
  PairingRequirement,
  PlainProperties,
  Protocol,
  type ZeroconfResponse,
  type ZeroconfService,
} from "@atv/interface";
import { DEVICE_INFO_SERVICE, SLEEP_PROXY_SERVICE } from "@atv/zeroconf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUILT_IN_PROTOCOLS, selectProtocols } from "../protocols.js";
import { DeviceBuilder } from "./device-builder.js";

function service(
  type: string,
  name: string,
  port: number,
  properties: Record<string, string>,
  address = "10.0.0.10",
): ZeroconfService {
  return { type, name, address, port, properties: new PlainProperties(properties) };
}

function response(
  services: ZeroconfService[],
  extra: Partial<ZeroconfResponse> = {},
): ZeroconfResponse {
  return { address: "10.0.0.10", services, deepSleep: false, model: undefined, ...extra };
}

// TXT values as an Apple TV 4K on tvOS 14 announces them (key sets per pyatv's docs).
const MRP = service("_mediaremotetv._tcp.local", "Living Room", 49152, {
  UniqueIdentifier: "1F2B3C4D-0000-1111-2222-333344445555",
  Name: "Living Room",
  SystemBuildVersion: "18M60",
  AllowPairing: "YES",
  macAddress: "aa:bb:cc:dd:ee:ff",
});
const AIRPLAY = service("_airplay._tcp.local", "Living Room", 7000, {
  deviceid: "AA:BB:CC:DD:EE:FF",
  model: "AppleTV6,2",
  osvers: "14.7",
  features: "0x4A7FDFD5,0x3C155FDE",
  flags: "0x244",
});
const RAOP = service("_raop._tcp.local", "AABBCCDDEEFF@Living Room", 7000, {
  am: "AppleTV6,2",
  ov: "14.7",
  sf: "0x244",
});

describe("DeviceBuilder", () => {
  it("asks for every plugin's service types plus device info and sleep proxy", () => {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    expect(builder.serviceTypes).toEqual(
      expect.arrayContaining([
        "_mediaremotetv._tcp.local",
        "_airplay._tcp.local",
        "_raop._tcp.local",
        "_companion-link._tcp.local",
        "_touch-able._tcp.local",
        DEVICE_INFO_SERVICE,
        SLEEP_PROXY_SERVICE,
      ]),
    );
  });

  it("merges the services of one address into one device with all identifiers", () => {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    builder.add(response([MRP, AIRPLAY, RAOP], { model: "J105aAP" }));
    const [device, ...rest] = builder.build();
    expect(rest).toHaveLength(0);
    expect(device?.name).toBe("Living Room");
    expect(device?.address).toBe("10.0.0.10");
    expect(device?.identifier).toBe("1F2B3C4D-0000-1111-2222-333344445555");
    expect(device?.allIdentifiers).toEqual([
      "1F2B3C4D-0000-1111-2222-333344445555",
      "AA:BB:CC:DD:EE:FF",
      "AABBCCDDEEFF",
    ]);
    expect(device?.deviceInfo.model).toBe(DeviceModel.Gen4K);
    expect(device?.deviceInfo.operatingSystem).toBe(OperatingSystem.TvOS);
    expect(device?.deviceInfo.version).toBe("14.7");
    // MRP's service came first, and the first service to tell a fact wins (as in pyatv).
    expect(device?.deviceInfo.mac).toBe("aa:bb:cc:dd:ee:ff");
    expect(device?.getService(Protocol.MRP)?.pairing).toBe(PairingRequirement.Optional);
    expect(device?.getService(Protocol.MRP)?.port).toBe(49152);
    expect(device?.properties.get("_raop._tcp.local")?.am).toBe("AppleTV6,2");
  });

  it("takes the model from _device-info over the TXT model identifiers", () => {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    builder.add(response([AIRPLAY], { model: "J305AP" }));
    expect(builder.build()[0]?.deviceInfo.model).toBe(DeviceModel.AppleTV4KGen2);
  });

  it("disables the MRP service of a tvOS 15+ device", () => {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    const tvos15 = service("_mediaremotetv._tcp.local", "Den", 49152, {
      UniqueIdentifier: "X",
      Name: "Den",
      SystemBuildVersion: "19J346",
    });
    builder.add(response([tvos15]));
    const mrp = builder.build()[0]?.getService(Protocol.MRP);
    expect(mrp?.enabled).toBe(false);
    expect(mrp?.pairing).toBe(PairingRequirement.NotNeeded);
  });

  it("keeps devices at different addresses apart and marks deep sleep", () => {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    builder.add(response([MRP]));
    const other = service(
      "_airplay._tcp.local",
      "Kitchen",
      7000,
      { deviceid: "11:22:33:44:55:66" },
      "10.0.0.11",
    );
    builder.add(response([other], { address: "10.0.0.11", deepSleep: true }));
    const devices = builder.build();
    expect(devices.map((d) => [d.name, d.address, d.deepSleep])).toEqual([
      ["Living Room", "10.0.0.10", false],
      ["Kitchen", "10.0.0.11", true],
    ]);
  });

  it("ignores services without address or port, and types no plugin handles", () => {
    const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
    builder.add(
      response([
        { ...MRP, port: 0 },
        { ...AIRPLAY, address: undefined },
        service("_printer._tcp.local", "Printer", 631, {}),
      ]),
    );
    expect(builder.build()).toEqual([]);
  });

  it("uses only the selected protocols", () => {
    const builder = new DeviceBuilder(selectProtocols([Protocol.AirPlay]));
    builder.add(response([MRP, AIRPLAY]));
    const device = builder.build()[0];
    expect(device?.services.map((s) => s.protocol)).toEqual([Protocol.AirPlay]);
    expect(builder.serviceTypes).not.toContain("_mediaremotetv._tcp.local");
  });

  it("never throws on random TXT properties and names", () => {
    const types = Object.values(BUILT_IN_PROTOCOLS).flatMap((p) => Object.keys(p.serviceTypes));
    const keys = [
      "UniqueIdentifier",
      "Name",
      "SystemBuildVersion",
      "deviceid",
      "model",
      "features",
      "flags",
      "sf",
      "am",
      "rpFl",
      "rpMRtID",
      "hG",
      "osvers",
      "pw",
    ];
    const arbService = fc.record({
      type: fc.constantFrom(...types),
      name: fc.string(),
      address: fc.constantFrom("10.0.0.1", "10.0.0.2", undefined),
      port: fc.integer({ min: 0, max: 65535 }),
      props: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), fc.string()),
    });
    fc.assert(
      fc.property(fc.array(arbService, { maxLength: 8 }), fc.option(fc.string()), (list, model) => {
        const builder = new DeviceBuilder(BUILT_IN_PROTOCOLS);
        builder.add(
          response(
            list.map((s) => ({ ...s, properties: new PlainProperties(s.props) })),
            { model: model ?? undefined },
          ),
        );
        for (const device of builder.build()) {
          expect(typeof device.toString()).toBe("string");
        }
      }),
      { numRuns: 500 },
    );
  });
});
