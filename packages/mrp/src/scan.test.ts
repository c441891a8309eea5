import {
  DeviceInfo,
  OperatingSystem,
  PairingRequirement,
  PlainProperties,
  Protocol,
  Service,
  type ZeroconfResponse,
  type ZeroconfService,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMrpSupportedBuild, MRP_SERVICE_TYPE, mrpScanPlugin } from "./scan.js";

// As pyatv's scripts/atvproxy.py publishes it (recorded from an Apple TV on tvOS 13).
const TVOS13_TXT = {
  ModelName: "Apple TV",
  AllowPairing: "YES",
  macAddress: "40:cb:c0:12:34:56",
  BluetoothAddress: "False",
  Name: "Living Room",
  UniqueIdentifier: "E91A5E49-4D3C-4E0B-8A4B-1D0F5E4D1E2B",
  SystemBuildVersion: "17K499",
  LocalAirPlayReceiverPairingIdentity: "4EE5AF58-7E5D-465A-935E-82E4DB74385D",
};

function zeroconf(name: string, properties: Record<string, string>): ZeroconfService {
  return {
    type: MRP_SERVICE_TYPE,
    name,
    address: "10.0.0.1",
    port: 49152,
    properties: new PlainProperties(properties),
  };
}

function response(service: ZeroconfService): ZeroconfResponse {
  return { address: "10.0.0.1", services: [service], deepSleep: false, model: undefined };
}

const handler = mrpScanPlugin.serviceTypes[MRP_SERVICE_TYPE]!;

function handle(properties: Record<string, string>, name = "MRP Service") {
  const found = zeroconf(name, properties);
  return handler.handle(found, response(found))!;
}

describe("MRP scan handler", () => {
  it("handles only _mediaremotetv._tcp", () => {
    expect(mrpScanPlugin.protocol).toBe(Protocol.MRP);
    expect(Object.keys(mrpScanPlugin.serviceTypes)).toEqual(["_mediaremotetv._tcp.local"]);
  });

  it("takes the Name property as name and UniqueIdentifier as identifier", () => {
    const { name, service } = handle(TVOS13_TXT);
    expect(name).toBe("Living Room");
    expect(service.identifier).toBe("E91A5E49-4D3C-4E0B-8A4B-1D0F5E4D1E2B");
    expect(service.protocol).toBe(Protocol.MRP);
    expect(service.port).toBe(49152);
    expect(service.credentials).toBeUndefined();
    expect(service.enabled).toBe(true);
    expect(service.properties.toObject()).toEqual(TVOS13_TXT);
  });

  it("names a device without Name Unknown", () => {
    const { name, service } = handle({});
    expect(name).toBe("Unknown");
    expect(service.identifier).toBeUndefined();
  });

  it.each([
    ["17K499", true],
    ["18M60", true],
    ["18K57", true],
    ["19J346", false], // tvOS 15
    ["20K71", false],
    ["21L569", false],
    ["unknown", true],
    ["", true],
    ["19", true],
    ["19j346", true], // the letter must be upper case, as in pyatv's pattern
  ])("build %j leaves MRP enabled: %s", (build, enabled) => {
    expect(isMrpSupportedBuild(build)).toBe(enabled);
    expect(handle({ SystemBuildVersion: build }).service.enabled).toBe(enabled);
  });

  it("is enabled without a build", () => {
    expect(handle({ Name: "x" }).service.enabled).toBe(true);
  });

  it("names _device-info answers by the instance name", () => {
    expect(handler.deviceInfoName("Ohana")).toBe("Ohana");
  });
});

describe("MRP device info", () => {
  // Vectors from pyatv's tests/protocols/mrp/test_mrp.py.
  it.each([
    [
      { systembuildversion: "unknown" },
      { buildNumber: "unknown", operatingSystem: OperatingSystem.TvOS },
    ],
    [
      { systembuildversion: "18M60" },
      { buildNumber: "18M60", version: "14.7", operatingSystem: OperatingSystem.TvOS },
    ],
    [
      { macaddress: "aa:bb:cc:dd:ee:ff" },
      { mac: "aa:bb:cc:dd:ee:ff", operatingSystem: OperatingSystem.TvOS },
    ],
    [{}, { operatingSystem: OperatingSystem.TvOS }],
  ])("%j gives %j", (properties, expected) => {
    expect(mrpScanPlugin.deviceInfo("_dummy._tcp.local", new PlainProperties(properties))).toEqual(
      expected,
    );
  });

  it("guesses the version of an unknown build", () => {
    expect(
      mrpScanPlugin.deviceInfo(
        MRP_SERVICE_TYPE,
        new PlainProperties({ SystemBuildVersion: "19Z999" }),
      ),
    ).toMatchObject({ buildNumber: "19Z999", version: "15.x" });
  });
});

describe("MRP service info", () => {
  const run = (
    mrpProps: Record<string, string>,
    airplayProps: Record<string, string> = {},
    enabled = true,
  ) => {
    const mrp = new Service({
      identifier: "mrp",
      protocol: Protocol.MRP,
      port: 0,
      properties: mrpProps,
      enabled,
    });
    const airplay = new Service({
      identifier: "id",
      protocol: Protocol.AirPlay,
      port: 0,
      properties: airplayProps,
    });
    mrpScanPlugin.serviceInfo(
      mrp,
      new DeviceInfo({}),
      new Map<Protocol, Service>([
        [Protocol.MRP, mrp],
        [Protocol.AirPlay, airplay],
      ]),
    );
    expect(airplay.pairing).toBe(PairingRequirement.Unsupported);
    return mrp;
  };

  // Vectors from pyatv's tests/protocols/mrp/test_mrp.py.
  it.each([
    [{}, {}, PairingRequirement.Disabled],
    [{}, { allowpairing: "YES" }, PairingRequirement.Disabled],
    [{ allowpairing: "yes" }, {}, PairingRequirement.Optional],
    [{ allowpairing: "YES" }, {}, PairingRequirement.Optional],
    [{ allowpairing: "no" }, {}, PairingRequirement.Disabled],
    [TVOS13_TXT, {}, PairingRequirement.Optional],
  ])("MRP %j with AirPlay %j gives %i", (mrpProps, airplayProps, expected) => {
    expect(run(mrpProps, airplayProps).pairing).toBe(expected);
  });

  it("needs no pairing once disabled", () => {
    expect(run({ AllowPairing: "YES" }, { allowpairing: "no" }, false).pairing).toBe(
      PairingRequirement.NotNeeded,
    );
  });

  it("sees a tvOS 15 device as disabled and needing no pairing", () => {
    const { service } = handle({ ...TVOS13_TXT, SystemBuildVersion: "19J346" });
    mrpScanPlugin.serviceInfo(service, new DeviceInfo({}), new Map([[Protocol.MRP, service]]));
    expect(service.enabled).toBe(false);
    expect(service.pairing).toBe(PairingRequirement.NotNeeded);
    expect(service.requiresPassword).toBe(false);
  });
});

describe("MRP scan on random TXT records", () => {
  const keys = fc.constantFrom(
    "Name",
    "UniqueIdentifier",
    "SystemBuildVersion",
    "macAddress",
    "AllowPairing",
  );
  const txt = fc.dictionary(
    fc.oneof(keys, fc.string()),
    fc.oneof(fc.string(), fc.stringMatching(/^\d{1,4}[A-Z]\d{0,4}$/)),
    {
      maxKeys: 8,
    },
  );

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string(), txt, (name, properties) => {
        const { service } = handle(properties, name);
        const fields = mrpScanPlugin.deviceInfo(MRP_SERVICE_TYPE, service.properties);
        mrpScanPlugin.serviceInfo(
          service,
          new DeviceInfo(fields),
          new Map([[Protocol.MRP, service]]),
        );
        expect(Object.values(PairingRequirement)).toContain(service.pairing);
        expect(fields.operatingSystem).toBe(OperatingSystem.TvOS);
      }),
    );
  });
});
