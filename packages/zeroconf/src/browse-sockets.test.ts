import { describe, expect, it } from "vitest";
import { browseAddresses } from "./browse-sockets.js";

describe("browseAddresses", () => {
  it("keeps each routable IPv4 address once, without loopback and link-local ones", () => {
    const netmask = "255.255.255.0";
    expect(
      browseAddresses([
        { address: "127.0.0.1", netmask: "255.0.0.0" },
        { address: "192.168.1.20", netmask },
        { address: "169.254.7.7", netmask: "255.255.0.0" },
        { address: "10.0.0.5", netmask },
        { address: "192.168.1.20", netmask },
        { address: "fe80::1", netmask: "ffff:ffff:ffff:ffff::" },
      ]),
    ).toEqual(["192.168.1.20", "10.0.0.5"]);
    expect(browseAddresses([{ address: "127.0.0.1", netmask: "255.0.0.0" }])).toEqual([]);
  });
});
