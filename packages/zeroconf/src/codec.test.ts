import { describe, expect, it } from "vitest";
import { type DnsMessage, decodeMessage, encodeMessage, wireName } from "./codec.js";
import { MalformedPacketError } from "./errors.js";
import { appleTvRecords, appleTvResponse } from "./test-fixtures.js";
import { RecordType } from "./wire.js";

const utf8 = new TextEncoder();

/** Builds raw packets byte by byte, remembering offsets for compression pointers. */
class PacketWriter {
  readonly bytes: number[] = [];
  get offset(): number {
    return this.bytes.length;
  }
  u8(...values: number[]): this {
    this.bytes.push(...values);
    return this;
  }
  u16(value: number): this {
    return this.u8(value >> 8, value & 0xff);
  }
  u32(value: number): this {
    return this.u16(Math.floor(value / 0x10000)).u16(value & 0xffff);
  }
  label(text: string): this {
    const encoded = utf8.encode(text);
    return this.u8(encoded.length, ...encoded);
  }
  pointer(offset: number): this {
    return this.u16(0xc000 | offset);
  }
  header(counts: [number, number, number, number], flags = 0x8400, id = 0): this {
    this.u16(id).u16(flags);
    for (const count of counts) this.u16(count);
    return this;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function decodeOk(bytes: Uint8Array): DnsMessage {
  const result = decodeMessage(bytes);
  if (!result.ok) throw result.error;
  return result.message;
}

function decodeError(bytes: Uint8Array): MalformedPacketError {
  const result = decodeMessage(bytes);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error("decoded");
  expect(result.error).toBeInstanceOf(MalformedPacketError);
  expect(result.error.code).toBe("ERR_ATV_ZEROCONF_MALFORMED_PACKET");
  return result.error;
}

describe("encodeMessage", () => {
  it("writes pyatv's query layout byte for byte", () => {
    const bytes = encodeMessage({
      id: 0x35ff,
      flags: 0x0120,
      isResponse: false,
      questions: [
        { name: "_mediaremotetv._tcp.local", type: RecordType.PTR, unicastResponse: true },
        { name: "_sleep-proxy._udp.local", type: RecordType.PTR, unicastResponse: true },
      ],
    });
    const expected = new PacketWriter()
      .header([2, 0, 0, 0], 0x0120, 0x35ff)
      .label("_mediaremotetv")
      .label("_tcp")
      .label("local")
      .u8(0)
      .u16(0x000c)
      .u16(0x8001)
      .label("_sleep-proxy")
      .label("_udp")
      .label("local")
      .u8(0)
      .u16(0x000c)
      .u16(0x8001)
      .build();
    expect([...bytes]).toEqual([...expected]);
  });

  it("round-trips an Apple TV response", () => {
    const records = appleTvRecords();
    const message = decodeOk(appleTvResponse({ id: 7 }));
    expect(message.id).toBe(7);
    expect(message.isResponse).toBe(true);
    expect(message.questions).toEqual([]);
    expect(message.answers).toEqual(records.answers.map((r) => ({ cacheFlush: false, ...r })));
    expect(message.additionals).toEqual(records.additionals);
  });

  it("round-trips questions with and without the unicast-response bit", () => {
    const questions = [
      { name: "Kitchen._airplay._tcp.local", type: RecordType.ANY, unicastResponse: true },
      { name: "Kitchen.local", type: RecordType.A, unicastResponse: false },
      { name: "x.local", type: 99, unicastResponse: false },
    ];
    const message = decodeOk(encodeMessage({ isResponse: false, questions }));
    expect(message.questions).toEqual(questions);
    expect(message.isResponse).toBe(false);
  });

  it("cuts labels to 63 bytes without splitting a character, and NFC-normalises", () => {
    // pyatv's tests/support/test_dns.py "truncated_unicode" vector (NFD input).
    const name = "aがあいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも.test";
    const label = wireName(name).split(".")[0]!;
    expect(utf8.encode(label).length).toBe(61);
    expect(label).toBe("aがあいうえおかきくけこさしすせそたちつて".normalize("NFC"));
    const decoded = decodeOk(
      encodeMessage({ isResponse: false, questions: [{ name, type: RecordType.A }] }),
    );
    expect(decoded.questions[0]?.name).toBe(`${label}.test`);
  });
});

describe("decodeMessage", () => {
  it("follows compression pointers, several levels deep", () => {
    const w = new PacketWriter().header([0, 1, 0, 2]);
    const typeAt = w.offset;
    w.label("_airplay").label("_tcp");
    const localAt = w.offset;
    w.label("local").u8(0).u16(RecordType.PTR).u16(1).u32(4500);
    const rdlengthAt = w.offset;
    w.u16(0);
    const instanceAt = w.offset;
    w.label("居間 Apple\u00a0TV. En Español").pointer(typeAt);
    w.bytes[rdlengthAt + 1] = w.offset - instanceAt;
    // SRV: name -> the PTR target, target "Kitchen" + pointer to "local".
    w.pointer(instanceAt).u16(RecordType.SRV).u16(0x8001).u32(120);
    const srvLengthAt = w.offset;
    w.u16(0).u16(0).u16(0).u16(7000);
    const hostAt = w.offset;
    w.label("Kitchen").pointer(localAt);
    w.bytes[srvLengthAt + 1] = w.offset - srvLengthAt - 2;
    // A record named by a pointer to the SRV target.
    w.pointer(hostAt).u16(RecordType.A).u16(0x8001).u32(120).u16(4).u8(10, 0, 0, 2);

    const message = decodeOk(w.build());
    expect(message.answers).toEqual([
      {
        name: "_airplay._tcp.local",
        type: "PTR",
        ttl: 4500,
        cacheFlush: false,
        target: "居間 Apple\u00a0TV. En Español._airplay._tcp.local",
      },
    ]);
    expect(message.additionals).toEqual([
      {
        name: "居間 Apple\u00a0TV. En Español._airplay._tcp.local",
        type: "SRV",
        ttl: 120,
        cacheFlush: true,
        priority: 0,
        weight: 0,
        port: 7000,
        target: "Kitchen.local",
      },
      { name: "Kitchen.local", type: "A", ttl: 120, cacheFlush: true, address: "10.0.0.2" },
    ]);
  });

  it("keeps records of other types by their number", () => {
    const w = new PacketWriter().header([0, 1, 0, 0]);
    w.label("x").label("local").u8(0).u16(47).u16(1).u32(10).u16(3).u8(0, 0, 0);
    const message = decodeOk(w.build());
    expect(message.answers).toEqual([
      { name: "x.local", type: "OTHER", code: 47, ttl: 10, cacheFlush: false },
    ]);
  });

  it("rejects a packet shorter than a header", () => {
    expect(decodeError(new Uint8Array(11)).message).toMatch(/shorter than a header/);
  });

  it("rejects a compression loop", () => {
    const w = new PacketWriter().header([1, 0, 0, 0], 0);
    w.pointer(12).u16(1).u16(1);
    expect(decodeError(w.build()).message).toMatch(/does not point backwards/);
  });

  it("rejects a pointer that jumps forwards, and one into the header", () => {
    const forward = new PacketWriter().header([1, 0, 0, 0], 0).pointer(20).u16(1).u16(1);
    forward.label("a").u8(0);
    decodeError(forward.build());
    decodeError(new PacketWriter().header([1, 0, 0, 0], 0).pointer(2).u16(1).u16(1).build());
  });

  it("rejects counts that cannot fit the packet", () => {
    const w = new PacketWriter().header([0xffff, 0xffff, 0xffff, 0xffff]);
    expect(decodeError(w.build()).message).toMatch(/cannot fit/);
  });

  it("rejects truncated records and record data past the end", () => {
    const full = appleTvResponse();
    for (const cut of [13, 40, full.length - 1]) decodeError(full.subarray(0, cut));
    const w = new PacketWriter().header([0, 1, 0, 0]);
    w.label("a").u8(0).u16(RecordType.TXT).u16(1).u32(10).u16(60000).label("huge");
    expect(decodeError(w.build()).message).toMatch(/runs past the end/);
  });

  it("rejects an A record that is not 4 bytes", () => {
    const w = new PacketWriter().header([0, 1, 0, 0]);
    w.label("a").u8(0).u16(RecordType.A).u16(1).u32(10).u16(5).u8(1, 2, 3, 4, 5);
    expect(decodeError(w.build()).message).toMatch(/A record with 5 bytes/);
  });

  it("rejects TXT strings that overrun their record", () => {
    const w = new PacketWriter().header([0, 1, 0, 0]);
    w.label("a").u8(0).u16(RecordType.TXT).u16(1).u32(10).u16(3).u8(5, 0x61, 0x62);
    w.u8(0x63, 0x64, 0x65);
    expect(decodeError(w.build()).message).toMatch(/overrun/);
  });

  it("rejects an SRV whose target overruns its length", () => {
    const w = new PacketWriter().header([0, 1, 0, 0]);
    w.label("a").u8(0).u16(RecordType.SRV).u16(1).u32(10).u16(8);
    w.u16(0).u16(0).u16(80).label("host").u8(0);
    decodeError(w.build());
  });

  it("rejects a message over the 9000-byte mDNS limit, however well formed", () => {
    const huge = encodeMessage({
      isResponse: true,
      answers: [
        {
          name: "big.local",
          type: "TXT",
          ttl: 10,
          strings: Array.from({ length: 40 }, () => new Uint8Array(250).fill(0x61)),
        },
      ],
    });
    expect(huge.length).toBeGreaterThan(9000);
    expect(decodeError(huge).message).toMatch(/over the mDNS limit/);
  });

  it("rejects reserved label types", () => {
    const w = new PacketWriter().header([1, 0, 0, 0], 0).u8(0x40, 0).u16(1).u16(1);
    expect(decodeError(w.build()).message).toMatch(/reserved label/);
  });
});
