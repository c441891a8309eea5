import type { RemoteInfo } from "node:dgram";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { bindUdpSocket } from "./udp.js";

describe("bindUdpSocket", () => {
  it("binds an IPv4 address and sends to one", async () => {
    const receiver = await bindUdpSocket({ address: "127.0.0.1", port: 0 });
    const sender = await bindUdpSocket({ address: "127.0.0.1", port: 0 });
    try {
      expect(receiver.address()).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
      const received = once(receiver, "message") as Promise<[Buffer, RemoteInfo]>;
      sender.send(Buffer.from("hello"), receiver.address().port, "127.0.0.1");
      const [data, from] = await received;
      expect(data.toString()).toBe("hello");
      expect(from.port).toBe(sender.address().port);
    } finally {
      receiver.close();
      sender.close();
    }
  });

  // Literals skip node:dns; a name still goes through it.
  it("still resolves a host name through the system's resolver", async () => {
    const socket = await bindUdpSocket({ address: "localhost", port: 0 });
    try {
      expect(socket.address().address).toBe("127.0.0.1");
    } finally {
      socket.close();
    }
  });

  it("rejects an address this machine does not have", async () => {
    await expect(bindUdpSocket({ address: "192.0.2.1", port: 0 })).rejects.toMatchObject({
      code: "EADDRNOTAVAIL",
    });
  });
});
