import { describe, expect, it } from "vitest";
import { ipv4ToNumber, isInLocalSubnet, isLoopback, systemInterfaces } from "./local-network.js";

const lan = [{ address: "192.168.1.20", netmask: "255.255.255.0" }];

describe("isInLocalSubnet", () => {
  it("matches hosts inside an interface's subnet only", () => {
    expect(isInLocalSubnet("192.168.1.200", lan)).toBe(true);
    expect(isInLocalSubnet("192.168.2.1", lan)).toBe(false);
    expect(isInLocalSubnet("10.0.0.1", [{ address: "10.1.2.3", netmask: "255.0.0.0" }])).toBe(true);
  });

  it("counts 127.0.0.0/8 as local only through a loopback interface", () => {
    expect(isInLocalSubnet("127.0.0.5", lan)).toBe(false);
    expect(isInLocalSubnet("127.0.0.5", [{ address: "127.0.0.1", netmask: "255.0.0.0" }])).toBe(
      true,
    );
  });

  it("is false for anything that is not an IPv4 address", () => {
    expect(isInLocalSubnet("example.local", lan)).toBe(false);
    expect(isInLocalSubnet("::1", lan)).toBe(false);
  });
});

describe("helpers", () => {
  it("reads this machine's loopback interface", () => {
    expect(systemInterfaces()).toContainEqual({ address: "127.0.0.1", netmask: "255.0.0.0" });
  });

  it("converts addresses to unsigned numbers", () => {
    expect(ipv4ToNumber("255.255.255.255")).toBe(0xffffffff);
    expect(ipv4ToNumber("1.2.3.4")).toBe(0x01020304);
    expect(ipv4ToNumber("1.2.3")).toBeUndefined();
    expect(isLoopback("127.1.2.3")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
  });
});
