import { describe, expect, it } from "vitest";
import { decodeMessage } from "./codec.js";
import { createServiceQueries, QUERY_ID, spreadServiceTypes } from "./query.js";
import { RecordType } from "./wire.js";

const types = (n: number) => Array.from({ length: n }, (_, i) => `_t${i}._tcp.local`);

describe("spreadServiceTypes", () => {
  it("starts a packet every 3 types and lets each take up to 4, like pyatv", () => {
    expect(spreadServiceTypes(types(1))).toEqual([["_t0._tcp.local"]]);
    expect(spreadServiceTypes(types(3))).toEqual([types(3)]);
    expect(spreadServiceTypes(types(4))).toEqual([types(4), ["_t3._tcp.local"]]);
    expect(spreadServiceTypes(types(7)).map((c) => c.map((t) => t.slice(2, 3)))).toEqual([
      ["0", "1", "2", "3"],
      ["3", "4", "5", "6"],
      ["6"],
    ]);
    expect(spreadServiceTypes([])).toEqual([]);
  });
});

describe("createServiceQueries", () => {
  it("asks PTR questions with the unicast-response bit, plus the sleep proxy, id 0x35FF", () => {
    const packets = createServiceQueries(types(5));
    expect(packets).toHaveLength(2);
    const decoded = packets.map((p) => {
      const result = decodeMessage(p);
      if (!result.ok) throw result.error;
      return result.message;
    });
    for (const message of decoded) {
      expect(message.id).toBe(QUERY_ID);
      expect(message.isResponse).toBe(false);
      for (const q of message.questions) {
        expect(q).toMatchObject({ type: RecordType.PTR, unicastResponse: true });
      }
    }
    expect(decoded.map((m) => m.questions.map((q) => q.name))).toEqual([
      [...types(4), "_sleep-proxy._udp.local"],
      ["_t3._tcp.local", "_t4._tcp.local", "_sleep-proxy._udp.local"],
    ]);
  });

  it("asks ANY questions for sleep-proxy follow-ups", () => {
    const [packet] = createServiceQueries(["Kitchen._airplay._tcp.local"], RecordType.ANY);
    const result = decodeMessage(packet!);
    expect(result.ok && result.message.questions.map((q) => q.type)).toEqual([
      RecordType.ANY,
      RecordType.ANY,
    ]);
  });
});
