// Garbage in, typed errors out: the client procedures against answers that are mutated
// or random, and the device's handler against requests that are. Nothing may throw
// anything but an AtvError, hang, or (device side) throw at all.

import {
  encodeTlv,
  type HapCredentials,
  TlvFlags,
  TlvState,
  TlvType,
  TRANSIENT_CREDENTIALS,
} from "@atv/hap";
import { AtvError } from "@atv/interface";
import { encodePlist } from "@atv/plist";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { applyEdits, byteEdit, mutatedFrom } from "../../../../scripts/byte-mutations.js";
import { AirPlayHapPairSetup } from "./hap-pairing.js";
import { AirPlayLegacyPairSetup } from "./legacy-pairing.js";
import type { PairingAnswer } from "./server.js";
import { connectTo, DEVICE_PIN, newPairingServer } from "./test-fixtures.js";
import { verifyConnection } from "./verify.js";

const STATUSES = [200, 200, 200, 400, 401, 403, 470, 500];

/** A change to the device's answer at one step of a procedure. */
const answerChange = fc.record({
  step: fc.nat({ max: 3 }),
  status: fc.constantFrom(...STATUSES),
  body: fc.oneof(
    fc.array(byteEdit, { minLength: 1, maxLength: 6 }).map((edits) => ({ edits })),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes })),
  ),
});
type AnswerChange = typeof answerChange extends fc.Arbitrary<infer T> ? T : never;

function alter(change: AnswerChange): (answer: PairingAnswer, index: number) => PairingAnswer {
  return (answer, index) => {
    if (index !== change.step) return answer;
    const body =
      "edits" in change.body ? applyEdits(answer.body, change.body.edits) : change.body.bytes;
    return { status: change.status, body };
  };
}

/** Resolves if the procedure succeeds or fails with a typed error; else rethrows. */
async function typedOutcome(procedure: Promise<unknown>): Promise<void> {
  try {
    await procedure;
  } catch (error) {
    if (!(error instanceof AtvError)) throw error;
  }
}

describe("client procedures against garbled answers", () => {
  const server = newPairingServer();
  let hap: HapCredentials;
  let legacy: HapCredentials;

  beforeAll(async () => {
    const hapSetup = new AirPlayHapPairSetup(connectTo(server).exchange);
    await hapSetup.start();
    hap = await hapSetup.finish(DEVICE_PIN);
    const legacySetup = new AirPlayLegacyPairSetup(connectTo(server).exchange);
    await legacySetup.start();
    legacy = await legacySetup.finish(DEVICE_PIN);
  });

  it("HAP and legacy pair-verify", async () => {
    await fc.assert(
      fc.asyncProperty(answerChange, fc.boolean(), async (change, useHap) => {
        const link = connectTo(server, alter(change));
        await typedOutcome(verifyConnection(useHap ? hap : legacy, link.exchange));
      }),
      { numRuns: 150 },
    );
  });

  it("transient pairing", async () => {
    await fc.assert(
      fc.asyncProperty(answerChange, async (change) => {
        const link = connectTo(server, alter(change));
        await typedOutcome(verifyConnection(TRANSIENT_CREDENTIALS, link.exchange));
      }),
      { numRuns: 12 },
    );
  });

  it("HAP pair-setup", async () => {
    await fc.assert(
      fc.asyncProperty(answerChange, async (change) => {
        const setup = new AirPlayHapPairSetup(connectTo(server, alter(change)).exchange);
        await typedOutcome(setup.start().then(() => setup.finish(DEVICE_PIN)));
      }),
      { numRuns: 12 },
    );
  });

  it("legacy pair-setup", async () => {
    await fc.assert(
      fc.asyncProperty(answerChange, async (change) => {
        const setup = new AirPlayLegacyPairSetup(connectTo(server, alter(change)).exchange);
        await typedOutcome(setup.start().then(() => setup.finish(DEVICE_PIN)));
      }),
      { numRuns: 40 },
    );
  });
});

describe("the device's handler against garbled requests", () => {
  const PATHS = ["/pair-pin-start", "/pair-setup", "/pair-verify", "/pair-setup-pin", "/x"];
  // Well-formed requests of every step, for mutation.
  const seeds = [
    encodeTlv([
      [TlvType.Method, 0],
      [TlvType.State, TlvState.M1],
    ]),
    encodeTlv([
      [TlvType.Method, 0],
      [TlvType.State, TlvState.M1],
      [TlvType.Flags, TlvFlags.TransientPairing],
    ]),
    encodeTlv([
      [TlvType.State, TlvState.M3],
      [TlvType.PublicKey, new Uint8Array(384).fill(5)],
      [TlvType.Proof, new Uint8Array(64)],
    ]),
    encodeTlv([
      [TlvType.State, TlvState.M5],
      [TlvType.EncryptedData, new Uint8Array(120)],
    ]),
    encodeTlv([
      [TlvType.State, TlvState.M1],
      [TlvType.PublicKey, new Uint8Array(32).fill(9)],
    ]),
    encodePlist({ method: "pin", user: "75FBEEC773CFC563" }),
    encodePlist({ pk: new Uint8Array(256).fill(3), proof: new Uint8Array(20) }),
    encodePlist({ epk: new Uint8Array(32), authTag: new Uint8Array(16) }),
    Uint8Array.from([1, 0, 0, 0, ...new Uint8Array(64).fill(4)]),
    new Uint8Array(68),
  ];
  const request = fc.record({
    path: fc.constantFrom(...PATHS),
    hkp: fc.constantFrom(undefined, "3", "4", "x"),
    body: fc.oneof(
      mutatedFrom(seeds),
      fc.constantFrom(...seeds),
      fc.uint8Array({ maxLength: 100 }),
    ),
  });

  it("answers every request, in any order, with a status and never throws", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 6 }), (requests) => {
        const session = newPairingServer().session();
        for (const { path, hkp, body } of requests) {
          const answer = session.handle(
            path,
            body,
            hkp === undefined ? {} : { "x-apple-hkp": hkp },
          );
          expect([200, 400, 403, 404, 501]).toContain(answer.status);
          expect(answer.body).toBeInstanceOf(Uint8Array);
        }
      }),
      { numRuns: 150 },
    );
  });
});
