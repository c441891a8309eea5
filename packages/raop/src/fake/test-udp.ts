// Test-only: what both test senders (AirPlay 1 and 2) do on their UDP side. They answer
// the receiver's resend requests from the packets they sent, and its timing requests.

import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import {
  decodeRetransmitRequest,
  decodeTimingPacket,
  encodeRetransmitResponse,
  encodeTimingResponse,
  ntpNow,
  type RetransmitRequest,
} from "../wire/index.js";

/**
 * A UDP socket bound to a free loopback port. (The package's test helpers ship with its
 * sources, so they cannot use the repository's scripts/udp-test-support.ts.)
 */
export async function boundUdp(): Promise<UdpSocket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

/** A TCP connection to `port` on 127.0.0.1, once it is open. */
export async function connectedTcp(port: number): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/**
 * Records each resend request arriving on `control` in `requests` and, while `resend()`
 * says so, sends back the packets asked for from `sent` (by sequence number, as sent).
 */
export function answerRetransmits(
  control: UdpSocket,
  sent: ReadonlyMap<number, Uint8Array>,
  requests: RetransmitRequest[],
  resend: () => boolean = () => true,
): void {
  control.on("message", (msg, from) => {
    let request: RetransmitRequest;
    try {
      request = decodeRetransmitRequest(new Uint8Array(msg));
    } catch {
      return;
    }
    requests.push(request);
    if (!resend()) return;
    for (let i = 0; i < request.count; i++) {
      const packet = sent.get((request.seqno + i) & 0xffff);
      if (packet) control.send(encodeRetransmitResponse(packet), from.port, from.address);
    }
  });
}

/** Answers the timing requests arriving on `timing`; `onRequest` hears of each. */
export function answerTiming(timing: UdpSocket, onRequest: () => void = () => {}): void {
  timing.on("message", (msg, from) => {
    const bytes = new Uint8Array(msg);
    const received = ntpNow();
    try {
      if (decodeTimingPacket(bytes).kind !== "request") return;
    } catch {
      return;
    }
    onRequest();
    timing.send(encodeTimingResponse(bytes, received, ntpNow()), from.port, from.address);
  });
}
