import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PcmAssembler, trimTrailingSilence } from "./pcm-assembler.js";

function packets(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array([i & 0xff, i >> 8, 1, 2]));
}

function sha(parts: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

describe("PcmAssembler", () => {
  it("hashes in sequence order across the 16-bit wrap", () => {
    const pcm = packets(6);
    const assembler = new PcmAssembler({ firstSeqno: 65533 });
    for (const i of [1, 0, 3, 2, 5, 4]) {
      expect(assembler.add((65533 + i) & 0xffff, pcm[i] as Uint8Array).kind).toBe("added");
    }
    expect(assembler.bytes).toBe(24);
    expect(assembler.finish().sha256).toBe(sha(pcm));
  });

  it("reports a gap once and takes the missing packet late", () => {
    const pcm = packets(4);
    const assembler = new PcmAssembler();
    assembler.add(10, pcm[0] as Uint8Array);
    expect(assembler.add(13, pcm[3] as Uint8Array)).toEqual({
      kind: "added",
      gap: { seqno: 11, count: 2 },
    });
    expect(assembler.awaited).toEqual([11, 12]);
    expect(assembler.add(12, pcm[2] as Uint8Array)).toEqual({ kind: "added", gap: undefined });
    expect(assembler.add(12, pcm[2] as Uint8Array).kind).toBe("duplicate");
    assembler.add(11, pcm[1] as Uint8Array);
    expect(assembler.awaited).toEqual([]);
    expect(assembler.add(11, pcm[1] as Uint8Array).kind).toBe("late");
    expect(assembler.finish().sha256).toBe(sha(pcm));
  });

  it("gives up what never came and counts it", () => {
    const pcm = packets(4);
    const assembler = new PcmAssembler({ firstSeqno: 0 });
    assembler.add(1, pcm[1] as Uint8Array);
    assembler.add(3, pcm[3] as Uint8Array);
    expect(assembler.finish().sha256).toBe(sha([pcm[1] as Uint8Array, pcm[3] as Uint8Array]));
    expect(assembler.missing).toBe(2);
  });

  it("takes the first packet as the start without RTP-Info, and drops earlier ones as late", () => {
    const assembler = new PcmAssembler();
    assembler.begin(100);
    expect(assembler.add(99, new Uint8Array(4)).kind).toBe("late");
    expect(assembler.add(101, new Uint8Array(4))).toMatchObject({ gap: { seqno: 100, count: 1 } });
  });

  it("gives up a gap that falls too far behind", () => {
    const assembler = new PcmAssembler({ firstSeqno: 0, maxPending: 4 });
    assembler.add(1, new Uint8Array(4));
    const far = assembler.add(20, new Uint8Array(4));
    expect(far).toEqual({ kind: "added", gap: undefined });
    expect(assembler.missing).toBe(19);
    expect(assembler.awaited).toEqual([]);
  });

  it("hashes the PCM without its trailing silent frames too", () => {
    const assembler = new PcmAssembler();
    const parts = [
      new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]),
      new Uint8Array(8),
      new Uint8Array([0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]),
      new Uint8Array(16),
    ];
    for (const [i, part] of parts.entries()) assembler.add(i, part);
    const all = Uint8Array.from(parts.flatMap((p) => [...p]));
    const result = assembler.finish();
    expect(result.sha256).toBe(sha([all]));
    expect(result.unpaddedBytes).toBe(24);
    expect(result.unpaddedSha256).toBe(sha([all.subarray(0, 24)]));
    expect(trimTrailingSilence(all)).toEqual(all.subarray(0, 24));
    expect(trimTrailingSilence(new Uint8Array(8))).toEqual(new Uint8Array(0));
  });

  it("keeps a bounded prefix but hashes everything", () => {
    const pcm = packets(3);
    const assembler = new PcmAssembler({ maxKeptBytes: 6 });
    for (const [i, part] of pcm.entries()) assembler.add(i, part);
    expect(assembler.pcm).toEqual(new Uint8Array([0, 0, 1, 2, 1, 0]));
    expect(assembler.truncated).toBe(true);
    expect(assembler.finish().sha256).toBe(sha(pcm));
  });

  it("hashes any arrival order, with duplicates, as the sequence order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 1, max: 60 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            fc.array(fc.nat(n - 1), { maxLength: 10 }),
          ),
        ),
        (first, [n, order, dups]) => {
          const pcm = packets(n);
          const assembler = new PcmAssembler({ firstSeqno: first });
          for (const i of [...order, ...dups]) {
            assembler.add((first + i) & 0xffff, pcm[i] as Uint8Array);
          }
          expect(assembler.missing).toBe(0);
          expect(assembler.finish().sha256).toBe(sha(pcm));
        },
      ),
    );
  });
});
