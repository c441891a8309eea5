import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PACKET_BACKLOG_SIZE, PacketBacklog } from "./packet-backlog.js";

describe("PacketBacklog", () => {
  it("keeps the last packets and forgets older ones, across the 16-bit wrap", () => {
    const backlog = new PacketBacklog();
    const first = 65000;
    const total = PACKET_BACKLOG_SIZE + 600;
    for (let i = 0; i < total; i++) {
      const seqno = (first + i) & 0xffff;
      backlog.add(seqno, Uint8Array.of(i & 0xff, i >> 8));
    }
    const newest = (first + total - 1) & 0xffff;
    expect(backlog.get(newest)).toEqual(Uint8Array.of((total - 1) & 0xff, (total - 1) >> 8));
    const oldestKept = (first + total - PACKET_BACKLOG_SIZE) & 0xffff;
    expect(backlog.get(oldestKept)).toBeDefined();
    expect(backlog.get((oldestKept - 1) & 0xffff)).toBeUndefined();
  });

  it("never answers with another packet than the one asked for", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 3000 }), (seqnos) => {
        const backlog = new PacketBacklog(64);
        for (const seqno of seqnos) backlog.add(seqno, Uint16Array.of(seqno) as never);
        for (const seqno of seqnos) {
          const packet = backlog.get(seqno) as unknown as Uint16Array | undefined;
          if (packet !== undefined) expect(packet[0]).toBe(seqno);
        }
        backlog.clear();
        for (const seqno of seqnos) expect(backlog.get(seqno)).toBeUndefined();
      }),
    );
  });
});
