// scan() without hosts browses by multicast. These tests run in a private network
// namespace with a veth pair (10.99.0.1 <-> 10.99.0.2) and loopback, never on the
// machine's real interfaces.
import { Protocol } from "@atv/interface";
import { afterEach, expect, it } from "vitest";
import { inPrivateNetwork } from "../../../../scripts/netns-test-support.js";
import { FakeAppleTV } from "../fake/index.js";
import { scan } from "./scan.js";

inPrivateNetwork(
  "multicast scan()",
  {
    fileUrl: import.meta.url,
    // Both ends of the pair are local addresses, so the kernel must be told to accept
    // packets from a local source arriving on the other end (accept_local, no rp_filter).
    setup:
      "ip link add v0 type veth peer name v1 && ip addr add 10.99.0.1/24 dev v0 && " +
      "ip addr add 10.99.0.2/24 dev v1 && ip link set v0 up && ip link set v1 up && " +
      "for i in all v0 v1; do echo 1 > /proc/sys/net/ipv4/conf/$i/accept_local && " +
      "echo 0 > /proc/sys/net/ipv4/conf/$i/rp_filter; done",
    interfaces: ["lo", "v0", "v1"],
    expectedTests: 3,
  },
  () => {
    const fakes: FakeAppleTV[] = [];
    afterEach(async () => {
      await Promise.all(fakes.splice(0).map((f) => f.close()));
    });

    it("finds a fake on a non-loopback address through the multicast group", async () => {
      const fake = await FakeAppleTV.start({ address: "10.99.0.1", name: "Namespace TV" });
      fakes.push(fake);
      const devices = await scan({ interfaceAddress: "10.99.0.2", timeout: 1500 });
      expect(devices.map((d) => d.name)).toEqual(["Namespace TV"]);
      expect(devices[0]?.address).toBe("10.99.0.1");
      expect(devices[0]?.identifier).toBe(fake.identifier);
      expect(devices[0]?.getService(Protocol.MRP)?.port).toBe(
        fake.services.find((s) => s.protocol === Protocol.MRP)?.port,
      );
    });

    it("ends the browse early once the identifier asked for has answered", async () => {
      const fake = await FakeAppleTV.start({ address: "10.99.0.1" });
      fakes.push(fake);
      // A 60 s browse inside a 20 s test: only an early end passes.
      const devices = await scan({
        interfaceAddress: "10.99.0.2",
        timeout: 60_000,
        identifier: fake.identity.mac,
      });
      expect(devices.map((d) => d.identifier)).toEqual([fake.identifier]);
    });

    it("keeps a fake on loopback out of multicast: it answers unicast queries only", async () => {
      const fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 5353 });
      fakes.push(fake);
      expect(await scan({ interfaceAddress: "127.0.0.1", timeout: 1200 })).toEqual([]);
      const unicast = await scan({ hosts: ["127.0.0.1"], timeout: 5000 });
      expect(unicast.map((d) => d.identifier)).toEqual([fake.identifier]);
    });
  },
);
