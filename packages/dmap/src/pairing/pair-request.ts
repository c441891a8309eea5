// What the remote answers to the Apple TV's GET /pair (facts from pyatv's
// protocols/dmap/pairing.py, handle_request). Pure: no sockets here.

import { dmapTag } from "../tags/index.js";
import { dmapPairingCode, pairingGuidValue } from "./pairing-code.js";

/** The device type pyatv puts in its pairing answer (its TXT record says "iPod"). */
export const PAIRING_ANSWER_DEVICE_TYPE = "iPhone";

export interface PairRequestExpectation {
  readonly pairingGuid: string | bigint;
  readonly remoteName: string;
  /** The PIN the user was told to type; undefined accepts any code, as pyatv does. */
  readonly pin: number | string | undefined;
}

export type PairRequestResult =
  | {
      readonly kind: "paired";
      readonly status: 200;
      readonly body: Uint8Array;
      readonly serviceName: string;
    }
  | { readonly kind: "wrong-code"; readonly status: 500; readonly serviceName: string }
  | { readonly kind: "rejected"; readonly status: 400 | 404 | 405; readonly reason: string };

/** The body of a successful answer: cmpa { cmpg guid, cmnm name, cmty "iPhone" }. */
export function pairingAnswer(pairingGuid: string | bigint, remoteName: string): Uint8Array {
  return dmapTag.container(
    "cmpa",
    dmapTag.uint64("cmpg", pairingGuidValue(pairingGuid)),
    dmapTag.string("cmnm", remoteName),
    dmapTag.string("cmty", PAIRING_ANSWER_DEVICE_TYPE),
  );
}

const MAX_TARGET_LENGTH = 2048;

/**
 * Judges one request. Only GET /pair with `pairingcode` (compared case-insensitively, as
 * pyatv lower-cases it) and `servicename` pairs; a wrong code gets 500 as from pyatv;
 * anything malformed gets 400, other paths 404, other methods 405.
 */
export function answerPairRequest(
  method: string | undefined,
  target: string | undefined,
  expected: PairRequestExpectation,
): PairRequestResult {
  if (target === undefined || target.length > MAX_TARGET_LENGTH) {
    return { kind: "rejected", status: 400, reason: "missing or oversized request target" };
  }
  let url: URL;
  try {
    url = new URL(target, "http://remote.invalid");
  } catch {
    return { kind: "rejected", status: 400, reason: "unparsable request target" };
  }
  if (url.pathname !== "/pair") return { kind: "rejected", status: 404, reason: "not /pair" };
  if (method !== "GET") return { kind: "rejected", status: 405, reason: "not GET" };
  const code = url.searchParams.get("pairingcode");
  const serviceName = url.searchParams.get("servicename");
  if (code === null || serviceName === null) {
    return { kind: "rejected", status: 400, reason: "pairingcode or servicename missing" };
  }
  if (expected.pin !== undefined) {
    const wanted = dmapPairingCode(expected.pairingGuid, expected.pin);
    if (code.toLowerCase() !== wanted) return { kind: "wrong-code", status: 500, serviceName };
  }
  return {
    kind: "paired",
    status: 200,
    body: pairingAnswer(expected.pairingGuid, expected.remoteName),
    serviceName,
  };
}
