import { readFileSync } from "node:fs";
import { HapFrameCipher } from "@atv/hap";
import { ProtocolError } from "@atv/interface";
import {
  Command,
  decodeProtocolMessage,
  encodeProtocolMessage,
  MessageType,
  sendCommandMessage,
} from "@atv/mrp";
import { decodePlist, encodePlist, type PlistValue } from "@atv/plist";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, mutatedFrom, toHex } from "../../../scripts/byte-mutations.js";
import {
  DATA_HEADER_LENGTH,
  type DataFrame,
  DataFrameDecoder,
  decodeMrpPayload,
  encodeDataFrame,
  encodeMrpPayload,
  mrpDataOfPayload,
  replyFrame,
  syncFramePayload,
  syncPayloadData,
} from "./datastream-frame.js";

interface MessageJson {
  type: string;
  identifier?: string;
  uniqueIdentifier: string;
  errorCode: string;
  "[sendCommandMessage]": { command: string };
}
interface Vectors {
  output_key_hex: string;
  input_key_hex: string;
  vectors: [
    {
      frame_hex: string;
      header: {
        size: number;
        message_type_hex: string;
        command_hex: string;
        seqno: number;
        padding: number;
      };
      header_hex: string;
      plist_hex: string;
      protobuf_payload_hex: string;
      protobuf_message_json: MessageJson;
    },
    { seqno: number; frame_hex: string },
    {
      encrypted_frame_hex: string;
      device_received_messages_json: MessageJson[];
      device_reply_encrypted_hex: string;
      device_reply_plaintext_hex: string;
    },
    { payload_hex: string; decoded_json: MessageJson[] },
    { payload_hex: string; decoded_json: MessageJson[] },
  ];
}
const file = JSON.parse(
  readFileSync(
    new URL("../../../../shared/vectors/airplay-datastream.json", import.meta.url),
    "utf8",
  ),
) as Vectors;
const [syncVector, replyVector, encryptedVector, twoMessages, unprefixed] = file.vectors;
const outputKey = fromHex(file.output_key_hex);
const inputKey = fromHex(file.input_key_hex);

/** Checks a decoded message against pyatv's MessageToDict of it. */
function expectMessage(bytes: Uint8Array, json: MessageJson): void {
  const message = decodeProtocolMessage(bytes);
  expect(message.type).toBe(MessageType[json.type as keyof typeof MessageType]);
  expect(message.identifier ?? undefined).toBe(json.identifier);
  expect(message.uniqueIdentifier).toBe(json.uniqueIdentifier);
  expect(message.errorCode).toBe(0);
  expect(message.sendCommandMessage?.command).toBe(
    Command[json["[sendCommandMessage]"].command as keyof typeof Command],
  );
}

describe("data stream known answers (pyatv's channels.py)", () => {
  it("writes the sync frame's header byte for byte", () => {
    const frame = encodeDataFrame({
      type: "sync",
      command: "comm",
      seqno: BigInt(syncVector.header.seqno),
      payload: fromHex(syncVector.plist_hex),
    });
    expect(toHex(frame)).toBe(syncVector.frame_hex);
    expect(toHex(frame.subarray(0, DATA_HEADER_LENGTH))).toBe(syncVector.header_hex);
  });

  it("reads the sync frame's header and payload", () => {
    const [frame] = new DataFrameDecoder().push(fromHex(syncVector.frame_hex));
    expect(frame).toEqual({
      type: "sync",
      command: "comm",
      seqno: 0x1_0000_0001n,
      padding: 0,
      payload: fromHex(syncVector.plist_hex),
    } satisfies DataFrame);
    expect(syncVector.header).toMatchObject({
      size: fromHex(syncVector.frame_hex).length,
      message_type_hex: toHex(
        new Uint8Array([..."sync"].map((c) => c.charCodeAt(0)).concat(new Array(8).fill(0))),
      ),
      command_hex: "636f6d6d",
    });
  });

  it("wraps MRP messages as pyatv does (compared as plists: the writers lay bytes out differently)", () => {
    const payload = fromHex(syncVector.protobuf_payload_hex);
    const [message] = decodeMrpPayload(payload);
    expectMessage(message as Uint8Array, syncVector.protobuf_message_json);
    expect(toHex(encodeMrpPayload([message as Uint8Array]))).toBe(syncVector.protobuf_payload_hex);
    expect(decodePlist(syncFramePayload(payload))).toEqual(
      decodePlist(fromHex(syncVector.plist_hex)),
    );
    expect(mrpDataOfPayload(decodePlist(fromHex(syncVector.plist_hex)))).toEqual(payload);
  });

  it("writes the sync payload byte for byte as Python's plistlib does", () => {
    const payload = fromHex(syncVector.protobuf_payload_hex);
    expect(toHex(syncFramePayload(payload))).toBe(syncVector.plist_hex);
  });

  it("writes sync payloads of every size class that both plist readers take back", () => {
    for (const size of [0, 1, 14, 15, 255, 256, 65535, 65536, 70000]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
      const written = syncFramePayload(data);
      expect(decodePlist(written)).toEqual({ params: { data } });
      expect(decodePlist(encodePlist({ params: { data } }))).toEqual(decodePlist(written));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(mrpDataOfPayload(decodePlist(syncFramePayload(data)))).toEqual(data);
      }),
    );
  });

  it("reads params.data of sync payloads the quick way and the general way alike", () => {
    for (const size of [0, 1, 14, 15, 255, 256, 65535, 65536]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 13) & 0xff);
      expect(syncPayloadData(syncFramePayload(data))).toEqual(data);
      // Another writer's layout takes the general reader.
      expect(syncPayloadData(encodePlist({ params: { data } }))).toEqual(data);
    }
    expect(syncPayloadData(encodePlist({ other: 1 }))).toBeUndefined();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (data, at, byte) => {
          const payload = syncFramePayload(data);
          const mutated = payload.slice();
          mutated[at % mutated.length] = byte;
          // Either the same answer as the general reader, or the general reader's error.
          let expected: Uint8Array | undefined | "error";
          try {
            expected = mrpDataOfPayload(decodePlist(mutated));
          } catch {
            expected = "error";
          }
          if (expected === "error") expect(() => syncPayloadData(mutated)).toThrow(ProtocolError);
          else expect(syncPayloadData(mutated)).toEqual(expected);
        },
      ),
    );
  });

  it("writes the rply frame byte for byte", () => {
    expect(toHex(replyFrame(BigInt(replyVector.seqno)))).toBe(replyVector.frame_hex);
    expect(new DataFrameDecoder().push(fromHex(replyVector.frame_hex))).toEqual([
      {
        type: "rply",
        command: "",
        seqno: BigInt(replyVector.seqno),
        padding: 0,
        payload: new Uint8Array(0),
      },
    ]);
  });

  it("matches pyatv's encrypted exchange on both sides", () => {
    // The client sends with output_key; the device has the two keys swapped.
    const client = new HapFrameCipher(outputKey, inputKey);
    const device = new HapFrameCipher(inputKey, outputKey);
    expect(toHex(client.encrypt(fromHex(syncVector.frame_hex)))).toBe(
      encryptedVector.encrypted_frame_hex,
    );

    const received = device.decrypt(fromHex(encryptedVector.encrypted_frame_hex));
    const [frame] = new DataFrameDecoder().push(received);
    const data = mrpDataOfPayload(decodePlist(frame?.payload ?? new Uint8Array()));
    const messages = decodeMrpPayload(data ?? new Uint8Array());
    expect(messages).toHaveLength(encryptedVector.device_received_messages_json.length);
    for (const [i, m] of messages.entries()) {
      expectMessage(m, encryptedVector.device_received_messages_json[i] as MessageJson);
    }

    const reply = replyFrame(frame?.seqno ?? 0n);
    expect(toHex(reply)).toBe(encryptedVector.device_reply_plaintext_hex);
    expect(toHex(device.encrypt(reply))).toBe(encryptedVector.device_reply_encrypted_hex);
    expect(toHex(client.decrypt(fromHex(encryptedVector.device_reply_encrypted_hex)))).toBe(
      encryptedVector.device_reply_plaintext_hex,
    );
  });

  it("decodes two length-prefixed messages, and re-encodes them", () => {
    const messages = decodeMrpPayload(fromHex(twoMessages.payload_hex));
    expect(messages).toHaveLength(2);
    for (const [i, m] of messages.entries()) {
      expectMessage(m, twoMessages.decoded_json[i] as MessageJson);
    }
    expect(toHex(encodeMrpPayload(messages))).toBe(twoMessages.payload_hex);
  });

  it("takes a payload starting with 0x08 as one message without a prefix", () => {
    const messages = decodeMrpPayload(fromHex(unprefixed.payload_hex));
    expect(messages).toEqual([fromHex(unprefixed.payload_hex)]);
    expectMessage(messages[0] as Uint8Array, unprefixed.decoded_json[0] as MessageJson);
  });
});

describe("DataFrameDecoder", () => {
  const frames = [
    encodeDataFrame({ type: "sync", command: "comm", seqno: 1n, payload: Uint8Array.of(1, 2, 3) }),
    replyFrame(2n ** 64n - 1n),
    encodeDataFrame({ type: "sync", command: "comm", seqno: 0n, payload: new Uint8Array(5000) }),
  ];
  const wire = Buffer.concat(frames);

  it("reassembles frames fed byte by byte, and returns several from one chunk", () => {
    const decoder = new DataFrameDecoder();
    const out: DataFrame[] = [];
    for (const byte of wire) out.push(...decoder.push(Uint8Array.of(byte)));
    expect(out.map((f) => [f.type, f.seqno, f.payload.length])).toEqual([
      ["sync", 1n, 3],
      ["rply", 2n ** 64n - 1n, 0],
      ["sync", 0n, 5000],
    ]);
    expect(decoder.bufferedBytes).toBe(0);
    expect(new DataFrameDecoder().push(wire)).toHaveLength(3);
  });

  it("keeps an unknown message type as sent", () => {
    const frame = encodeDataFrame({ type: "sync", command: "comm", seqno: 9n });
    frame.set([0x61, 0x62, 0x63, 0x64, 0x65], 4);
    expect(new DataFrameDecoder().push(frame)[0]?.type).toBe("abcde");
  });

  it("refuses sizes below the header and above the limit, and stays failed", () => {
    for (const size of [0, 31]) {
      const decoder = new DataFrameDecoder();
      const frame = replyFrame(1n);
      new DataView(frame.buffer).setUint32(0, size);
      expect(() => decoder.push(frame)).toThrow(ProtocolError);
      expect(() => decoder.push(replyFrame(1n))).toThrow(/frame of \d+ bytes/);
    }
    const small = new DataFrameDecoder({ maxFrameLength: 100 });
    expect(
      small.push(
        encodeDataFrame({ type: "sync", command: "", seqno: 1n, payload: new Uint8Array(68) }),
      ),
    ).toHaveLength(1);
    expect(() =>
      small.push(
        encodeDataFrame({ type: "sync", command: "", seqno: 1n, payload: new Uint8Array(69) }),
      ),
    ).toThrow(/frame of 101 bytes \(must be 32 to 100\)/);
    // A default decoder refuses a 4 GiB frame before buffering anything of it.
    const huge = replyFrame(1n);
    new DataView(huge.buffer).setUint32(0, 0xffff_ffff);
    expect(() => new DataFrameDecoder().push(huge)).toThrow(ProtocolError);
    expect(() => new DataFrameDecoder({ maxFrameLength: 31 })).toThrow(RangeError);
  });

  it("refuses seqnos outside 64 bits", () => {
    expect(() => replyFrame(-1n)).toThrow(RangeError);
    expect(() => replyFrame(2n ** 64n)).toThrow(RangeError);
  });
});

describe("MRP payloads", () => {
  const play = encodeProtocolMessage(sendCommandMessage(Command.Play));

  it("refuses lengths past the end, bad prefixes and messages without a type", () => {
    const payload = encodeMrpPayload([play]);
    expect(() => decodeMrpPayload(payload.subarray(0, payload.length - 1))).toThrow(
      /announces a message/,
    );
    expect(() => decodeMrpPayload(Uint8Array.of(0x80))).toThrow(/inside a length prefix/);
    expect(() => decodeMrpPayload(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(
      /overlong/,
    );
    expect(() => decodeMrpPayload(Uint8Array.of(0x02, 0x10, 0x01))).toThrow(
      /does not start with its type/,
    );
    expect(() => decodeMrpPayload(Uint8Array.of(0x00))).toThrow(ProtocolError);
    expect(() => decodeMrpPayload(Uint8Array.of(0x00, 0x08))).toThrow(
      /does not start with its type/,
    );
    expect(decodeMrpPayload(new Uint8Array(0))).toEqual([]);
  });

  it("refuses to write messages the rule would misread", () => {
    expect(() => encodeMrpPayload([Uint8Array.of(0x10, 1)])).toThrow(RangeError);
    expect(() => encodeMrpPayload([Uint8Array.of(8, 1, 0, 0, 0, 0, 0, 0)])).toThrow(RangeError);
  });

  it("finds params.data only where it is", () => {
    expect(mrpDataOfPayload({ params: { data: Uint8Array.of(8) } })).toEqual(Uint8Array.of(8));
    const others: PlistValue[] = [
      {},
      { params: 1 },
      { params: { data: "x" } },
      [1],
      "params",
      { params: [] },
    ];
    for (const plist of others) {
      expect(mrpDataOfPayload(plist)).toBeUndefined();
    }
  });
});

const message = fc
  .uint8Array({ minLength: 1, maxLength: 300 })
  .filter((m) => m.length !== 8)
  .map((m) => Uint8Array.from([0x08, ...m.subarray(1)]));
const frameInit = fc.record({
  type: fc.constantFrom("sync" as const, "rply" as const),
  command: fc.constantFrom("comm" as const, "" as const),
  seqno: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  payload: fc.uint8Array({ maxLength: 600 }),
});

function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  let from = 0;
  const pieces = points.map((point) => {
    const piece = data.subarray(from, point);
    from = point;
    return piece;
  });
  return [...pieces, data.subarray(from)];
}

function refusedOnly(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

describe("data stream properties", () => {
  const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

  it("frames round-trip through any split", () => {
    fc.assert(
      fc.property(fc.array(frameInit, { minLength: 1, maxLength: 5 }), cuts, (inits, at) => {
        const decoder = new DataFrameDecoder();
        const out = split(Buffer.concat(inits.map(encodeDataFrame)), at).flatMap((p) =>
          decoder.push(p),
        );
        expect(out).toEqual(inits.map((i) => ({ ...i, padding: 0 })));
      }),
      { numRuns: 500 },
    );
  });

  it("MRP payloads round-trip", () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), (messages) => {
        expect(decodeMrpPayload(encodeMrpPayload(messages))).toEqual(messages);
      }),
      { numRuns: 500 },
    );
  });

  it("random and mutated bytes give frames or ProtocolError", () => {
    const seeds = [
      fromHex(syncVector.frame_hex),
      fromHex(replyVector.frame_hex),
      ...fc.sample(frameInit, { numRuns: 10, seed: 3 }).map(encodeDataFrame),
    ];
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedFrom(seeds)),
        cuts,
        (data, at) => {
          const decoder = new DataFrameDecoder({ maxFrameLength: 4096 });
          refusedOnly(() => {
            for (const piece of split(data, at)) decoder.push(piece);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("random and mutated payloads give messages or ProtocolError", () => {
    const seeds = [
      fromHex(twoMessages.payload_hex),
      fromHex(unprefixed.payload_hex),
      fromHex(syncVector.protobuf_payload_hex),
    ];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedFrom(seeds)), (data) => {
        refusedOnly(() => {
          for (const m of decodeMrpPayload(data)) expect(m[0]).toBe(0x08);
        });
      }),
      { numRuns: 3000 },
    );
  });
});
