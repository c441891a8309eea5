// A browse without a named interface must ask on every interface. Two separate links,
// each a veth pair in a private network namespace (10.97.0.1 <-> 10.97.0.2 and
// 10.98.0.1 <-> 10.98.0.2, see scripts/netns-test-support.ts), each with a responder at
// its .1 end; the browse sends from the .2 ends. Never on the machine's real interfaces.
import { afterEach, expect, it } from "vitest";
import { inPrivateNetwork } from "../../../scripts/netns-test-support.js";
import { multicastBrowse } from "./multicast-browse.js";
import { ZeroconfResponder } from "./responder.js";
import {
  AIRPLAY_TYPE,
  DEVICE_INFO_TYPE,
  MRP_TYPE,
  openSocketHandles,
  socketHandlesAtRest,
} from "./test-fixtures.js";

const SERVICE_TYPES = [MRP_TYPE, AIRPLAY_TYPE, DEVICE_INFO_TYPE];
const LINK_A = { device: "10.97.0.1", browser: "10.97.0.2" };
const LINK_B = { device: "10.98.0.1", browser: "10.98.0.2" };
const netmask = "255.255.255.0";

function vethPair(name: string, first: string, second: string): string {
  return [
    `ip link add ${name}0 type veth peer name ${name}1`,
    `ip addr add ${first}/24 dev ${name}0`,
    `ip addr add ${second}/24 dev ${name}1`,
    `ip link set ${name}0 up`,
    `ip link set ${name}1 up`,
  ].join(" && ");
}

inPrivateNetwork(
  "multicast browse on several interfaces",
  {
    fileUrl: import.meta.url,
    // Both ends of a pair are local addresses: the kernel must accept packets from a local
    // source arriving on the other end (accept_local, no rp_filter). The only multicast
    // route goes out of link A's browser end, for the browse that names no usable address.
    setup: [
      vethPair("a", LINK_A.device, LINK_A.browser),
      vethPair("b", LINK_B.device, LINK_B.browser),
      "ip route add 224.0.0.0/4 dev a1",
      "for i in all a0 a1 b0 b1; do echo 1 > /proc/sys/net/ipv4/conf/$i/accept_local && " +
        "echo 0 > /proc/sys/net/ipv4/conf/$i/rp_filter; done",
    ].join(" && "),
    interfaces: ["lo", "a0", "a1", "b0", "b1"],
    expectedTests: 4,
  },
  () => {
    const responders: ZeroconfResponder[] = [];
    afterEach(async () => {
      for (const responder of responders.splice(0)) await responder.close();
    });

    async function device(address: string, name: string): Promise<ZeroconfResponder> {
      const responder = await ZeroconfResponder.start({
        address: "0.0.0.0",
        multicast: true,
        interfaceAddress: address,
      });
      responders.push(responder);
      responder.publish({ type: MRP_TYPE, name, port: 49152, properties: { Name: name } });
      responder.publish({ type: DEVICE_INFO_TYPE, name, properties: { model: "J305AP" } });
      return responder;
    }

    it("sends from every usable address and collects the answers of all", async () => {
      await device(LINK_A.device, "Device A");
      await device(LINK_B.device, "Device B");
      const before = await socketHandlesAtRest();
      const responses = await multicastBrowse({
        serviceTypes: SERVICE_TYPES,
        timeout: 1500,
        localInterfaces: () => [
          { address: "127.0.0.1", netmask: "255.0.0.0" },
          { address: "169.254.10.10", netmask: "255.255.0.0" },
          { address: LINK_A.browser, netmask },
          { address: LINK_B.browser, netmask },
        ],
      });
      expect(responses.map((r) => [r.address, r.services[0]?.name]).sort()).toEqual([
        [LINK_A.device, "Device A"],
        [LINK_B.device, "Device B"],
      ]);
      await expect.poll(openSocketHandles).toBe(before);
    });

    it("skips an address it cannot send from", async () => {
      await device(LINK_A.device, "Device A");
      await device(LINK_B.device, "Device B");
      const logs: string[] = [];
      const responses = await multicastBrowse({
        serviceTypes: SERVICE_TYPES,
        timeout: 1500,
        // 10.96.0.9 is no address of this machine, so it cannot be bound.
        localInterfaces: () => [
          { address: "10.96.0.9", netmask },
          { address: LINK_B.browser, netmask },
        ],
        logger: { debug: (msg, ...args) => logs.push(`${msg} ${args.join(" ")}`) },
      });
      expect(responses.map((r) => r.address)).toEqual([LINK_B.device]);
      expect(logs.some((line) => line.includes("10.96.0.9"))).toBe(true);
    });

    it("falls back to the system's choice when no address is usable", async () => {
      await device(LINK_A.device, "Device A");
      const deviceB = await device(LINK_B.device, "Device B");
      // Only loopback and link-local: one socket on 0.0.0.0, which the multicast route
      // sends out of link A.
      const responses = await multicastBrowse({
        serviceTypes: SERVICE_TYPES,
        timeout: 1500,
        localInterfaces: () => [
          { address: "127.0.0.1", netmask: "255.0.0.0" },
          { address: "169.254.10.10", netmask: "255.255.0.0" },
        ],
      });
      expect(responses.map((r) => r.address)).toEqual([LINK_A.device]);
      // Linux hands B's group socket the queries that arrive on link A too; B drops them
      // because their source is not on its link.
      expect(deviceB.stats.ignored).toBeGreaterThan(0);
    });

    it("closes every socket when aborted", async () => {
      await device(LINK_A.device, "Device A");
      const before = await socketHandlesAtRest();
      const controller = new AbortController();
      const browse = multicastBrowse({
        serviceTypes: SERVICE_TYPES,
        timeout: 10_000,
        signal: controller.signal,
        localInterfaces: () => [
          { address: LINK_A.browser, netmask },
          { address: LINK_B.browser, netmask },
        ],
      });
      setTimeout(() => controller.abort(), 200);
      await expect(browse).rejects.toMatchObject({ name: "AbortError" });
      await expect.poll(openSocketHandles).toBe(before);
    });
  },
);
