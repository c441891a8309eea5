import { describe, expect, it } from "vitest";
import { PairingRequirement, Protocol } from "./const.js";
import { PlainProperties, Service } from "./service.js";

describe("PlainProperties", () => {
  it("looks keys up case-insensitively and keeps the device's spelling", () => {
    const props = new PlainProperties({ deviceId: "AA:BB", Model: "AppleTV6,2" });
    expect(props.get("deviceid")).toBe("AA:BB");
    expect(props.get("DEVICEID")).toBe("AA:BB");
    expect(props.has("model")).toBe(true);
    expect(props.get("missing")).toBeUndefined();
    expect(props.keys()).toEqual(["deviceId", "Model"]);
    expect(props.toObject()).toEqual({ deviceId: "AA:BB", Model: "AppleTV6,2" });
    expect(props.size).toBe(2);
  });

  it("keeps raw bytes next to the text value", () => {
    const raw = new Uint8Array([0xff, 0x00, 0x41]);
    const props = PlainProperties.fromEntries([{ key: "pk", value: "\ufffd\u0000A", raw }]);
    expect(props.raw("PK")).toEqual(raw);
    expect(new PlainProperties({ a: "é" }).raw("a")).toEqual(new TextEncoder().encode("é"));
  });

  it("merges another set, overwriting equal keys whatever their case", () => {
    const props = new PlainProperties({ Name: "Old", keep: "1" });
    props.merge(new PlainProperties({ name: "New" }));
    expect(props.get("Name")).toBe("New");
    expect(props.get("keep")).toBe("1");
    expect(props.size).toBe(2);
  });
});

describe("Service", () => {
  const base = { protocol: Protocol.MRP, port: 49152 };

  it("has pyatv's defaults", () => {
    const service = new Service(base);
    expect(service.pairing).toBe(PairingRequirement.Unsupported);
    expect(service.enabled).toBe(true);
    expect(service.requiresPassword).toBe(false);
    expect(service.credentials).toBeUndefined();
  });

  it("merges credentials, password and properties; empty values never replace set ones", () => {
    const service = new Service({
      ...base,
      credentials: "creds",
      password: "pw",
      properties: { a: "1" },
    });
    service.merge(new Service({ ...base, credentials: "", properties: { b: "2" } }));
    expect(service.credentials).toBe("creds");
    expect(service.password).toBe("pw");
    expect(service.properties.toObject()).toEqual({ a: "1", b: "2" });
    service.merge(new Service({ ...base, credentials: "new" }));
    expect(service.credentials).toBe("new");
  });

  it("prints pyatv's one-line layout", () => {
    const service = new Service({ ...base, pairing: PairingRequirement.Optional });
    expect(String(service)).toBe(
      "Protocol: MRP, Port: 49152, Credentials: None, Requires Password: False, Password: None, Pairing: Optional",
    );
    service.enabled = false;
    service.credentials = "abc";
    expect(String(service)).toBe(
      "Protocol: MRP, Port: 49152, Credentials: abc, Requires Password: False, Password: None, Pairing: Optional (Disabled)",
    );
  });

  it("clones into an independent copy", () => {
    const service = new Service({ ...base, identifier: "id", properties: { a: "1" } });
    const copy = service.clone();
    copy.properties.set("a", "2");
    copy.credentials = "x";
    expect(service.properties.get("a")).toBe("1");
    expect(service.credentials).toBeUndefined();
    expect(copy.identifier).toBe("id");
  });
});
