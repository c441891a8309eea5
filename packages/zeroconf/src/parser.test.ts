import { describe, expect, it } from "vitest";
import { type DnsMessage, type DnsRecord, decodeMessage } from "./codec.js";
import { buildResponse, isSleepProxyAnswer, modelOf, parseServices } from "./parser.js";
import {
  AIRPLAY_PROPERTIES,
  AIRPLAY_TYPE,
  appleTvResponse,
  DEVICE_INFO_TYPE,
  MRP_PROPERTIES,
  MRP_TYPE,
  sleepProxyResponse,
} from "./test-fixtures.js";
import { encodeTxt } from "./txt.js";

function decoded(bytes: Uint8Array): DnsMessage {
  const result = decodeMessage(bytes);
  if (!result.ok) throw result.error;
  return result.message;
}

function message(answers: DnsRecord[], additionals: DnsRecord[] = []): DnsMessage {
  return {
    id: 0,
    flags: 0x8400,
    isResponse: true,
    questions: [],
    answers,
    authorities: [],
    additionals,
  };
}

const ptr = (type: string, instance: string): DnsRecord => ({
  name: type,
  type: "PTR",
  ttl: 10,
  target: `${instance}.${type}`,
});
const srv = (name: string, port: number, target: string): DnsRecord => ({
  name,
  type: "SRV",
  ttl: 10,
  priority: 0,
  weight: 0,
  port,
  target,
});
const a = (name: string, address: string): DnsRecord => ({ name, type: "A", ttl: 10, address });
const txt = (name: string, props: Record<string, string>): DnsRecord => ({
  name,
  type: "TXT",
  ttl: 10,
  strings: encodeTxt(props),
});

describe("parseServices", () => {
  it("reads an Apple TV's MRP, AirPlay and _device-info services", () => {
    const services = parseServices([decoded(appleTvResponse())]);
    expect(services.map((s) => [s.type, s.name, s.address, s.port])).toEqual([
      [MRP_TYPE, "Living Room", "10.0.0.10", 49152],
      [AIRPLAY_TYPE, "Living Room", "10.0.0.10", 7000],
      [DEVICE_INFO_TYPE, "Living Room", undefined, 0],
    ]);
    const [mrp, airplay, info] = services;
    expect(mrp?.properties.toObject()).toEqual(MRP_PROPERTIES);
    expect(mrp?.properties.get("uniqueidentifier")).toBe(MRP_PROPERTIES.UniqueIdentifier);
    expect(mrp?.properties.get("SystemBuildVersion")).toBe("18M60");
    expect(airplay?.properties.toObject()).toEqual(AIRPLAY_PROPERTIES);
    expect(airplay?.properties.get("deviceId")).toBe("AA:BB:CC:DD:EE:FF");
    expect(info?.properties.get("model")).toBe("J305AP");
  });

  it("finds records in the answer section as well as the additionals", () => {
    const name = `Kitchen.${AIRPLAY_TYPE}`;
    const services = parseServices([
      message([
        srv(name, 7000, "kitchen.local"),
        txt(name, { a: "1" }),
        a("kitchen.local", "10.0.0.3"),
      ]),
    ]);
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ name: "Kitchen", address: "10.0.0.3", port: 7000 });
  });

  it("collects records spread over several messages", () => {
    const name = `Kitchen.${AIRPLAY_TYPE}`;
    const services = parseServices([
      message([ptr(AIRPLAY_TYPE, "Kitchen")], [srv(name, 7000, "k.local")]),
      message([], [a("k.local", "10.0.0.3"), txt(name, { model: "AppleTV5,3" })]),
    ]);
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ address: "10.0.0.3", port: 7000 });
    expect(services[0]?.properties.get("model")).toBe("AppleTV5,3");
  });

  it("skips link-local addresses and takes the next one", () => {
    const name = `Kitchen.${AIRPLAY_TYPE}`;
    const records = [srv(name, 7000, "k.local"), a("k.local", "169.254.3.4")];
    expect(parseServices([message(records)])[0]?.address).toBeUndefined();
    records.push(a("k.local", "10.0.0.9"));
    expect(parseServices([message(records)])[0]?.address).toBe("10.0.0.9");
  });

  it("gives port 0 and no address without an SRV record", () => {
    const services = parseServices([message([txt(`Kitchen.${MRP_TYPE}`, { Name: "Kitchen" })])]);
    expect(services[0]).toMatchObject({ port: 0, address: undefined, name: "Kitchen" });
  });

  it("makes placeholders for PTRs to instances that sent no records", () => {
    const services = parseServices([decoded(sleepProxyResponse("Den"))]);
    expect(services.map((s) => [s.type, s.name, s.port, s.address, s.properties.size])).toEqual([
      [MRP_TYPE, "Den", 0, undefined, 0],
      [AIRPLAY_TYPE, "Den", 0, undefined, 0],
    ]);
  });

  it("keeps a placeholder for each of several instances of one type", () => {
    const services = parseServices([message([ptr(AIRPLAY_TYPE, "One"), ptr(AIRPLAY_TYPE, "Two")])]);
    expect(services.map((s) => s.name)).toEqual(["One", "Two"]);
  });

  it("keeps dots in instance names and ignores names that are no service", () => {
    const services = parseServices([
      message([
        srv(`Dot.Within.${AIRPLAY_TYPE}`, 1, "x.local"),
        a("x.local", "10.0.0.1"),
        txt("_abc._tcp.local", { a: "b" }),
        ptr("_services._dns-sd._udp.local", "_airplay._tcp.local"),
      ]),
    ]);
    expect(services.map((s) => s.name)).toEqual(["Dot.Within"]);
  });

  it("takes the first SRV and TXT of an instance, and matches names case-insensitively", () => {
    const services = parseServices([
      message([
        srv(`K.${AIRPLAY_TYPE}`, 1, "K.LOCAL"),
        srv(`k.${AIRPLAY_TYPE}`.toUpperCase(), 2, "other.local"),
        a("k.local", "10.0.0.1"),
      ]),
    ]);
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ port: 1, address: "10.0.0.1", type: AIRPLAY_TYPE });
  });

  it("is empty for a message without records", () => {
    expect(parseServices([message([])])).toEqual([]);
  });
});

describe("buildResponse", () => {
  it("reads the model from _device-info and is not in deep sleep", () => {
    const response = buildResponse("10.0.0.10", [decoded(appleTvResponse())]);
    expect(response.address).toBe("10.0.0.10");
    expect(response.model).toBe("J305AP");
    expect(response.deepSleep).toBe(false);
    expect(response.services).toHaveLength(3);
  });

  it("is in deep sleep when a sleep proxy answered, even once", () => {
    const proxy = decoded(sleepProxyResponse());
    expect(buildResponse("10.0.0.1", [proxy]).deepSleep).toBe(true);
    expect(buildResponse("10.0.0.1", [proxy, decoded(appleTvResponse())]).deepSleep).toBe(true);
  });

  it("does not take a lone _device-info answer for a sleep proxy", () => {
    const services = parseServices([message([txt(`X.${DEVICE_INFO_TYPE}`, { model: "J42dAP" })])]);
    expect(isSleepProxyAnswer(services)).toBe(false);
    expect(isSleepProxyAnswer([])).toBe(false);
    expect(modelOf(services)).toBe("J42dAP");
  });
});
