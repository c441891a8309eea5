// Test-only: an in-memory, scripted Companion device on the far end of a Duplex pair,
// speaking through the package's own frame, OPACK and message codecs.

import { Duplex } from "node:stream";
import { ed25519KeyPairFromSeed, HapCredentials } from "@atv/hap";
import { PairSetupServer, PairVerifyServer } from "@atv/hap/server";
import {
  CompanionCipher,
  type CompanionFrame,
  encodeFrame,
  FrameDecoder,
  FrameType,
} from "../frame.js";
import { type CompanionMessage, decodeMessage, encodeMessage, MessageType } from "../message.js";
import { decodeOpack, encodeOpack, type OpackEncodable } from "../opack.js";
import { COMPANION_INPUT_INFO, COMPANION_OUTPUT_INFO, COMPANION_SESSION_SALT } from "./auth.js";

/** Two connected in-memory streams; destroying one ends the other. */
export function duplexPair(): [Duplex, Duplex] {
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const peer = other();
        if (!peer.destroyed) peer.push(chunk);
        callback();
      },
      destroy(error, callback) {
        const peer = other();
        if (!peer.destroyed) peer.push(null);
        callback(error);
      },
    });
  const a: Duplex = make(() => b);
  const b: Duplex = make(() => a);
  return [a, b];
}

/** The scripted device: frames the client sent arrive in order through `nextFrame()`. */
export class TestPeer {
  readonly stream: Duplex;
  readonly #decoder = new FrameDecoder();
  readonly #frames: CompanionFrame[] = [];
  readonly #waiting: Array<(frame: CompanionFrame) => void> = [];
  #cipher: CompanionCipher | undefined;
  /** Called with each frame instead of queueing it, when set. */
  onFrame: ((frame: CompanionFrame) => void) | undefined;

  constructor(stream: Duplex) {
    this.stream = stream;
    stream.on("data", (chunk: Uint8Array) => {
      for (const raw of this.#decoder.push(chunk)) {
        const frame = this.#cipher ? this.#cipher.openFrame(raw) : raw;
        if (this.onFrame) this.onFrame(frame);
        else {
          const waiter = this.#waiting.shift();
          if (waiter) waiter(frame);
          else this.#frames.push(frame);
        }
      }
    });
    stream.on("error", () => {});
  }

  /** The device's keys: it seals with the server info and opens with the client's. */
  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void {
    this.#cipher = new CompanionCipher(outputKey, inputKey);
  }

  nextFrame(): Promise<CompanionFrame> {
    const frame = this.#frames.shift();
    if (frame) return Promise.resolve(frame);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async nextMessage(): Promise<CompanionMessage> {
    const frame = await this.nextFrame();
    if (frame.type !== FrameType.E_OPACK) throw new Error(`expected E_OPACK, got ${frame.type}`);
    return decodeMessage(frame.payload);
  }

  sendFrame(type: number, payload: Uint8Array): void {
    this.stream.write(
      this.#cipher ? this.#cipher.sealFrame(type, payload) : encodeFrame(type, payload),
    );
  }

  sendRaw(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  /** A response (`_t` 3) to the request with `xid`. */
  respond(
    xid: number | bigint,
    content: OpackEncodable,
    extra: Record<string, OpackEncodable> = {},
  ): void {
    const dict = new Map<OpackEncodable, OpackEncodable>([
      ["_c", content],
      ["_t", MessageType.Response],
      ["_x", xid],
    ]);
    for (const [key, value] of Object.entries(extra)) dict.set(key, value);
    this.sendFrame(FrameType.E_OPACK, encodeOpack(dict));
  }

  sendEvent(identifier: string, content: OpackEncodable): void {
    this.sendFrame(
      FrameType.E_OPACK,
      encodeMessage({ identifier, type: MessageType.Event, content }),
    );
  }

  close(): void {
    this.stream.destroy();
  }
}

export const DEVICE_ID = "4D797FD3-3538-427E-A47B-A32FC6CF3A6B";
export const DEVICE_SEED = new Uint8Array(32).fill(7);
export const CLIENT_SEED = new Uint8Array(32).fill(9);
export const CLIENT_ID = "C0FFEE00-1111-2222-3333-444455556666";

/** Credentials the test device accepts, without pairing first. */
export function knownCredentials(): HapCredentials {
  const encoder = new TextEncoder();
  return new HapCredentials({
    ltpk: ed25519KeyPairFromSeed(DEVICE_SEED).publicKey,
    ltsk: CLIENT_SEED,
    atvId: encoder.encode(DEVICE_ID),
    clientId: encoder.encode(CLIENT_ID),
  });
}

export interface ScriptedDeviceOptions {
  pin?: string;
  /** Answers requests by `_i`; the returned value is the `_c`, or `{ error }` for `_em`. */
  requests?: Record<string, (content: unknown) => OpackEncodable | { error: string }>;
}

/** What a scripted device saw. */
export interface ScriptedDevice {
  readonly peer: TestPeer;
  readonly authFrames: Array<{ type: number; dict: Map<unknown, unknown> }>;
  readonly requests: CompanionMessage[];
  readonly events: CompanionMessage[];
  setup: PairSetupServer;
}

/**
 * A device that pairs (PairSetupServer with `pin`), verifies (PairVerifyServer, knowing
 * the client of `knownCredentials()` and any client paired here), then answers requests.
 */
export function scriptedDevice(
  stream: Duplex,
  options: ScriptedDeviceOptions = {},
): ScriptedDevice {
  const peer = new TestPeer(stream);
  const setup = new PairSetupServer({
    identifier: DEVICE_ID,
    seed: DEVICE_SEED,
    pin: options.pin ?? "1234",
  });
  const known = new Map<string, Uint8Array>([
    [CLIENT_ID, ed25519KeyPairFromSeed(CLIENT_SEED).publicKey],
  ]);
  let verify: PairVerifyServer | undefined;
  let setupStep = 0;
  const device: ScriptedDevice = { peer, authFrames: [], requests: [], events: [], setup };
  const answer = (type: number, pd: Uint8Array): void =>
    peer.sendFrame(type, encodeOpack({ _pd: pd }));
  peer.onFrame = (frame) => {
    if (frame.type === FrameType.E_OPACK) {
      const message = decodeMessage(frame.payload);
      if (message.type === MessageType.Event) {
        device.events.push(message);
        return;
      }
      device.requests.push(message);
      const handler = options.requests?.[message.identifier ?? ""];
      const result = handler ? handler(message.content) : {};
      if (
        result !== null &&
        typeof result === "object" &&
        "error" in result &&
        typeof result.error === "string"
      ) {
        peer.respond(message.xid as number, {}, { _em: result.error });
      } else {
        peer.respond(message.xid as number, result as OpackEncodable);
      }
      return;
    }
    const dict = decodeOpack(frame.payload) as Map<unknown, unknown>;
    device.authFrames.push({ type: frame.type, dict });
    const pd = dict.get("_pd") as Uint8Array;
    switch (frame.type) {
      case FrameType.PS_Start:
        setupStep = 1;
        answer(FrameType.PS_Next, setup.m2(pd));
        break;
      case FrameType.PS_Next:
        if (setupStep === 1) {
          setupStep = 2;
          answer(FrameType.PS_Next, setup.m4(pd));
        } else {
          answer(FrameType.PS_Next, setup.m6(pd));
          const paired = setup.pairedClient;
          if (paired) known.set(new TextDecoder().decode(paired.identifier), paired.publicKey);
        }
        break;
      case FrameType.PV_Start:
        verify = new PairVerifyServer({
          identifier: DEVICE_ID,
          seed: DEVICE_SEED,
          clientPublicKey: (id) => known.get(new TextDecoder().decode(id)),
        });
        answer(FrameType.PV_Next, verify.m2(pd));
        break;
      case FrameType.PV_Next: {
        const server = verify as PairVerifyServer;
        answer(FrameType.PV_Next, server.m4(pd));
        const secret = server.sharedSecret;
        if (secret) {
          const keys = secret.sessionKeys(
            COMPANION_SESSION_SALT,
            COMPANION_INPUT_INFO,
            COMPANION_OUTPUT_INFO,
          );
          peer.enableEncryption(keys.outputKey, keys.inputKey);
        }
        break;
      }
    }
  };
  return device;
}
