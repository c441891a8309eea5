import { PairingRequirement, PlainProperties, Protocol, Service } from "@atv/interface";
import { describe, expect, it } from "vitest";
import {
  getPairingRequirement,
  isPasswordRequired,
  statusFlags,
  updateServiceDetails,
} from "./access.js";

const props = (values: Record<string, string>) => new PlainProperties(values);

describe("statusFlags", () => {
  it("prefers sf, then flags", () => {
    expect(statusFlags(props({ sf: "0x644", flags: "0x4" }))).toBe(0x644n);
    expect(statusFlags(props({ flags: "0x18644" }))).toBe(0x18644n);
    // An empty "sf" falls through to "flags", as in pyatv.
    expect(statusFlags(props({ sf: "", flags: "0x8" }))).toBe(0x8n);
    expect(statusFlags(props({}))).toBe(0n);
  });

  it("accepts what Python's int(x, 16) accepts and ignores the rest", () => {
    expect(statusFlags(props({ sf: "644" }))).toBe(0x644n);
    expect(statusFlags(props({ sf: "0X80" }))).toBe(0x80n);
    expect(statusFlags(props({ sf: " 0x80 " }))).toBe(0x80n);
    expect(statusFlags(props({ sf: "zzz" }))).toBe(0n);
    expect(statusFlags(props({ sf: "0x" }))).toBe(0n);
  });
});

describe("isPasswordRequired", () => {
  // Vectors from pyatv's tests/protocols/airplay/test_utils.py.
  it.each([
    [{}, false],
    [{ pw: "false" }, false],
    [{ pw: "true" }, true],
    [{ pw: "TRUE" }, true],
    [{ sf: "0x1" }, false],
    [{ sf: "0x80" }, true],
    [{ flags: "0x1" }, false],
    [{ flags: "0x80" }, true],
  ])("%j requires a password: %s", (values, expected) => {
    expect(isPasswordRequired(props(values))).toBe(expected);
  });
});

describe("getPairingRequirement", () => {
  it.each([
    [{ sf: "0x1" }, PairingRequirement.NotNeeded],
    [{ sf: "0x200" }, PairingRequirement.Mandatory],
    [{ ft: "0x1" }, PairingRequirement.NotNeeded],
    [{ flags: "0x1" }, PairingRequirement.NotNeeded],
    [{ flags: "0x200" }, PairingRequirement.Mandatory],
    [{ features: "0x1" }, PairingRequirement.NotNeeded],
    [{ sf: "0x8" }, PairingRequirement.Mandatory],
    [{ flags: "0x8" }, PairingRequirement.Mandatory],
    [{ flags: "0x0" }, PairingRequirement.NotNeeded],
    [{ act: "2" }, PairingRequirement.Unsupported],
    // Real receivers: Apple TV 4K on tvOS 17.4 and 14.7, Apple TV 3.
    [{ flags: "0x644" }, PairingRequirement.Mandatory],
    [{ flags: "0x244" }, PairingRequirement.Mandatory],
    [{ flags: "0x44" }, PairingRequirement.NotNeeded],
  ])("%j gives %i", (values, expected) => {
    expect(getPairingRequirement(props(values))).toBe(expected);
  });
});

describe("updateServiceDetails", () => {
  const run = (values: Record<string, string>) => {
    const service = new Service({ protocol: Protocol.AirPlay, port: 7000, properties: values });
    updateServiceDetails(service);
    return service;
  };

  it("sets the password requirement", () => {
    expect(run({ pw: "true" }).requiresPassword).toBe(true);
    expect(run({ flags: "0xC4" }).requiresPassword).toBe(true);
    expect(run({ flags: "0x44" }).requiresPassword).toBe(false);
  });

  it("disables pairing when access control says so, before any flag", () => {
    expect(run({ acl: "1" }).pairing).toBe(PairingRequirement.Disabled);
    expect(run({ acl: "1", sf: "0x200" }).pairing).toBe(PairingRequirement.Disabled);
    expect(run({ acl: "0", sf: "0x200" }).pairing).toBe(PairingRequirement.Mandatory);
  });

  it("marks Macs as unsupported", () => {
    expect(run({ model: "Mac10,1" }).pairing).toBe(PairingRequirement.Unsupported);
    expect(run({ model: "Mac10,1", flags: "0x200" }).pairing).toBe(PairingRequirement.Unsupported);
    expect(run({ model: "MacBookAir10,1" }).pairing).toBe(PairingRequirement.NotNeeded);
  });
});
