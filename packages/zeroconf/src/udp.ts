import { createSocket, type Socket } from "node:dgram";

export interface UdpBindOptions {
  readonly address: string;
  readonly port: number;
  readonly reuseAddr?: boolean;
}

/** A bound IPv4 UDP socket; rejects if binding fails. */
export function bindUdpSocket(options: UdpBindOptions): Promise<Socket> {
  const socket = createSocket({ type: "udp4", reuseAddr: options.reuseAddr ?? false });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once("error", onError);
    socket.bind(options.port, options.address, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}
