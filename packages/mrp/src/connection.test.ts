import { Duplex } from "node:stream";
import { HapSession } from "@atv/hap";
import { ConnectionLostError, ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { MrpConnection, type MrpConnectionHandler } from "./connection.js";
import { encodeFrame, encodeVarint } from "./framing.js";
import { MessageType } from "./protobuf/generated/enums.js";
import {
  createMessage,
  decodeProtocolMessage,
  encodeProtocolMessage,
  genericMessage,
} from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";

/** A stream whose "device" side the test drives: `feed()` data in, read what was written. */
class ScriptedStream extends Duplex {
  readonly written: Buffer[] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.written.push(chunk);
    callback();
  }

  feed(bytes: Uint8Array): void {
    this.push(Buffer.from(bytes));
  }
}

function setUp() {
  const stream = new ScriptedStream();
  const messages: ProtocolMessage[] = [];
  const closed = vi.fn<(error: Error | undefined) => void>();
  const handler: MrpConnectionHandler = { message: (m) => messages.push(m), closed };
  const connection = new MrpConnection(stream, handler);
  return { stream, messages, closed, connection };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function frameOf(message: ProtocolMessage): Uint8Array {
  return encodeFrame(encodeProtocolMessage(message));
}

const KEY_A = new Uint8Array(32).fill(1);
const KEY_B = new Uint8Array(32).fill(2);

describe("MrpConnection", () => {
  it("writes the frames sent in one tick together, in order", async () => {
    const { stream, connection } = setUp();
    const identifiers = ["1", "2", "3"];
    for (const identifier of identifiers) {
      connection.send(createMessage(MessageType.GENERIC_MESSAGE, { identifier }));
    }
    await tick();
    const messages: ProtocolMessage[] = [];
    const echo = new ScriptedStream();
    new MrpConnection(echo, { message: (m) => messages.push(m), closed: () => {} });
    echo.feed(Buffer.concat(stream.written));
    await tick();
    expect(messages.map((m) => m.identifier)).toEqual(identifiers);
  });

  it("delivers messages split across reads and coalesced into one", async () => {
    const { stream, messages, closed } = setUp();
    const bytes = Buffer.concat([
      frameOf(createMessage(MessageType.GENERIC_MESSAGE, { identifier: "a" })),
      frameOf(createMessage(MessageType.GENERIC_MESSAGE, { identifier: "b" })),
    ]);
    stream.feed(bytes.subarray(0, 3));
    stream.feed(bytes.subarray(3, bytes.length - 2));
    stream.feed(bytes.subarray(bytes.length - 2));
    await tick();
    expect(messages.map((m) => m.identifier)).toEqual(["a", "b"]);
    expect(closed).not.toHaveBeenCalled();
  });

  it("writes each message as one length-prefixed frame", async () => {
    const { stream, connection } = setUp();
    const message = createMessage(MessageType.GENERIC_MESSAGE, { identifier: "x" });
    connection.send(message);
    await tick();
    const frame = Buffer.concat(stream.written);
    const payload = encodeProtocolMessage(message);
    expect(frame.subarray(0, encodeVarint(payload.length).length)).toEqual(
      Buffer.from(encodeVarint(payload.length)),
    );
    expect(decodeProtocolMessage(frame.subarray(frame.length - payload.length)).identifier).toBe(
      "x",
    );
  });

  it("encrypts and decrypts once encryption is enabled", async () => {
    const { stream, messages, connection } = setUp();
    connection.enableEncryption(KEY_A, KEY_B);
    const device = new HapSession(KEY_B, KEY_A);
    connection.send(genericMessage());
    await tick();
    const sent = Buffer.concat(stream.written);
    const sealed = sent.subarray(encodeVarint(sent.length - 1).length);
    expect(decodeProtocolMessage(device.decrypt(sealed)).type).toBe(MessageType.GENERIC_MESSAGE);
    stream.feed(encodeFrame(device.encrypt(encodeProtocolMessage(genericMessage()))));
    await tick();
    expect(messages).toHaveLength(1);
  });

  it("closes on an oversized frame and acts on nothing after it", async () => {
    const { stream, messages, closed } = setUp();
    stream.feed(Buffer.concat([encodeVarint(64 * 1024 * 1024), frameOf(genericMessage())]));
    stream.feed(frameOf(genericMessage()));
    await tick();
    expect(messages).toEqual([]);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(closed.mock.calls[0]?.[0]).toBeInstanceOf(ProtocolError);
    expect(stream.destroyed).toBe(true);
  });

  it("closes on a frame that is no message, before the valid frame after it", async () => {
    const { stream, messages, closed } = setUp();
    stream.feed(Buffer.concat([Buffer.of(2, 0xff, 0xff), frameOf(genericMessage())]));
    await tick();
    expect(messages).toEqual([]);
    expect(closed.mock.calls).toEqual([[expect.any(ProtocolError)]]);
  });

  it("closes on a bad tag, before the valid ciphertext after it", async () => {
    const { stream, messages, closed, connection } = setUp();
    connection.enableEncryption(KEY_A, KEY_B);
    const device = new HapSession(KEY_B, KEY_A);
    const tampered = device.encrypt(encodeProtocolMessage(genericMessage()));
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x80;
    // A forger who knows the keys could not make the second frame count either: the
    // connection is gone after the first.
    const valid = new HapSession(KEY_B, KEY_A).encrypt(encodeProtocolMessage(genericMessage()));
    stream.feed(Buffer.concat([encodeFrame(tampered), encodeFrame(valid)]));
    await tick();
    expect(messages).toEqual([]);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(closed.mock.calls[0]?.[0]?.name).toBe("DecryptionError");
  });

  it("reports the device hanging up once, as ConnectionLostError", async () => {
    const { stream, closed, connection } = setUp();
    stream.push(null);
    await tick();
    stream.destroy();
    await tick();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(closed.mock.calls[0]?.[0]).toBeInstanceOf(ConnectionLostError);
    expect(() => connection.send(genericMessage())).toThrow(ConnectionLostError);
  });

  it("reports a socket error once, as ConnectionLostError with the cause", async () => {
    const { stream, closed } = setUp();
    const cause = new Error("ECONNRESET");
    stream.destroy(cause);
    await tick();
    expect(closed).toHaveBeenCalledTimes(1);
    const error = closed.mock.calls[0]?.[0];
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error?.cause).toBe(cause);
  });

  it("close() is idempotent and reported as a plain close", async () => {
    const { closed, connection } = setUp();
    connection.close();
    connection.close();
    await tick();
    expect(closed.mock.calls).toEqual([[undefined]]);
    expect(connection.closed).toBe(true);
    expect(() => connection.send(genericMessage())).toThrow(ConnectionLostError);
  });

  it("keeps going when its handler throws", async () => {
    const stream = new ScriptedStream();
    const closed = vi.fn();
    const seen: string[] = [];
    new MrpConnection(stream, {
      message: (m) => {
        seen.push(m.identifier ?? "");
        throw new Error("bug in the owner");
      },
      closed,
    });
    stream.feed(frameOf(createMessage(MessageType.GENERIC_MESSAGE, { identifier: "1" })));
    stream.feed(frameOf(createMessage(MessageType.GENERIC_MESSAGE, { identifier: "2" })));
    await tick();
    expect(seen).toEqual(["1", "2"]);
    expect(closed).not.toHaveBeenCalled();
  });
});

describe("MrpConnection fuzzing", () => {
  const valid = frameOf(createMessage(MessageType.GENERIC_MESSAGE, { identifier: "ok" }));

  it("random bytes only ever close it with a ProtocolError, once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.boolean(),
        async (chunks, encrypted) => {
          const { stream, closed, connection } = setUp();
          if (encrypted) connection.enableEncryption(KEY_A, KEY_B);
          for (const chunk of chunks) stream.feed(chunk);
          await tick();
          expect(closed.mock.calls.length).toBeLessThanOrEqual(1);
          const error = closed.mock.calls[0]?.[0];
          if (error !== undefined) {
            expect(error).toBeInstanceOf(ProtocolError);
            expect(stream.destroyed).toBe(true);
          }
          connection.close();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("mutated valid frames deliver only whole messages or close with a ProtocolError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat({ max: valid.length * 3 }),
        async (mutations, cut) => {
          const bytes = Buffer.concat([valid, valid, valid]);
          for (const [index, value] of mutations) bytes[index % bytes.length] = value;
          const { stream, messages, closed } = setUp();
          stream.feed(bytes.subarray(0, cut));
          stream.feed(bytes.subarray(cut));
          await tick();
          const error = closed.mock.calls[0]?.[0];
          if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
          expect(closed.mock.calls.length).toBeLessThanOrEqual(1);
          expect(messages.length).toBeLessThanOrEqual(3);
          if (mutations.length === 0) expect(messages).toHaveLength(3);
        },
      ),
      { numRuns: 300 },
    );
  });
});
