import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DnsRecord, decodeMessage, encodeMessage } from "./codec.js";
import { MalformedPacketError } from "./errors.js";
import { buildResponse } from "./parser.js";
import { mutatePacket, packetMutation, seedPackets } from "./test-fixtures.js";
import { RecordType } from "./wire.js";

function decodesSafely(bytes: Uint8Array): void {
  const result = decodeMessage(bytes);
  if (result.ok) {
    // Whatever decodes must also parse into services without throwing.
    buildResponse("10.0.0.1", [result.message]);
  } else {
    expect(result.error).toBeInstanceOf(MalformedPacketError);
  }
}

describe("decodeMessage fuzzing", () => {
  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => decodesSafely(bytes)),
      { numRuns: 10_000 },
    );
  });

  it("never throws on random bytes behind a plausible header", () => {
    const header = fc.tuple(
      fc.nat({ max: 4 }),
      fc.nat({ max: 8 }),
      fc.nat({ max: 2 }),
      fc.nat({ max: 8 }),
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 400 }), ([qd, an, ns, ar], body) => {
        const bytes = new Uint8Array(12 + body.length);
        bytes.set([0, 0, 0x84, 0, 0, qd, 0, an, 0, ns, 0, ar], 0);
        bytes.set(body, 12);
        decodesSafely(bytes);
      }),
      { numRuns: 10_000 },
    );
  });

  it("never throws on mutated real packets", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seedPackets()),
        fc.array(packetMutation, { minLength: 1, maxLength: 6 }),
        (seed, edits) => decodesSafely(mutatePacket(seed, edits)),
      ),
      { numRuns: 10_000 },
    );
  });
});

const label = fc.stringMatching(/^[A-Za-z0-9 _-]{1,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const record: fc.Arbitrary<DnsRecord> = fc.oneof(
  fc.record({ name, type: fc.constant("A" as const), ttl: fc.nat(), address: fc.ipV4() }),
  fc.record({ name, type: fc.constant("PTR" as const), ttl: fc.nat(), target: name }),
  fc.record({
    name,
    type: fc.constant("SRV" as const),
    ttl: fc.nat(),
    priority: fc.nat({ max: 0xffff }),
    weight: fc.nat({ max: 0xffff }),
    port: fc.nat({ max: 0xffff }),
    target: name,
  }),
  fc.record({
    name,
    type: fc.constant("TXT" as const),
    ttl: fc.nat(),
    strings: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 5 }),
  }),
);

describe("encode/decode round trip", () => {
  it("gives back what was encoded", () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 6 }),
        fc.array(
          fc.record({
            name,
            type: fc.constantFrom(RecordType.PTR, RecordType.ANY),
            unicastResponse: fc.boolean(),
          }),
          { maxLength: 3 },
        ),
        (answers, questions) => {
          const result = decodeMessage(encodeMessage({ isResponse: true, questions, answers }));
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.message.questions).toEqual(questions);
          expect(result.message.answers).toEqual(answers.map((r) => ({ ...r, cacheFlush: false })));
        },
      ),
      { numRuns: 500 },
    );
  });
});
