// For tests: a fake receiver's pairing endpoints behind an in-memory HttpExchange, and
// known-answer data recorded from pyatv.

import { type InMemoryExchange, inMemoryExchange } from "../play/test-exchange.js";
import { AirPlayPairingServer, type AirPlayPairingSession, type PairingAnswer } from "./server.js";

export const DEVICE_ID = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";
export const DEVICE_SEED = new Uint8Array(32).fill(0xaa);
export const DEVICE_PIN = 1111;

export function newPairingServer(
  options: { pin?: string | number; legacy?: boolean; maxPairings?: number } = {},
): AirPlayPairingServer {
  return new AirPlayPairingServer({
    identifier: DEVICE_ID,
    seed: DEVICE_SEED,
    pin: options.pin ?? DEVICE_PIN,
    ...(options.legacy === undefined ? {} : { legacy: options.legacy }),
    ...(options.maxPairings === undefined ? {} : { maxPairings: options.maxPairings }),
  });
}

export interface PairingLink extends InMemoryExchange {
  /** Every answer the device gave, in order. */
  readonly answers: PairingAnswer[];
  /** The last answer that completed a verify, if any. */
  verified(): PairingAnswer["verified"];
}

/** An exchange whose requests go to one connection (session) of a fake receiver. */
export function connectTo(
  device: AirPlayPairingServer | AirPlayPairingSession,
  alter?: (answer: PairingAnswer, index: number) => PairingAnswer,
): PairingLink {
  const session = device instanceof AirPlayPairingServer ? device.session() : device;
  const answers: PairingAnswer[] = [];
  const link = inMemoryExchange(async (_method, path, headers, body) => {
    let answer = session.handle(path, body, headers);
    if (alter) answer = alter(answer, answers.length);
    answers.push(answer);
    return answer;
  });
  return {
    ...link,
    answers,
    verified: () => answers.findLast((answer) => answer.verified !== undefined)?.verified,
  };
}
