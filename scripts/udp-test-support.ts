import { createSocket, type Socket } from "node:dgram";

/** A UDP socket bound to an ephemeral port on 127.0.0.1: a test's host, relay or client. */
export async function loopbackUdpSocket(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}
